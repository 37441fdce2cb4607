# Newsroom tasks. `make run` serves the site; `make test` runs every check.
SHELL := /bin/bash
export UV_PYTHON_DOWNLOADS := never
export UV_PROJECT_ENVIRONMENT := .venv
export SITE_URL ?= http://127.0.0.1:$(PORT)
PYTHON ?= python3
# uv on PATH, or installed for this user's Python, or (where the system Python is
# "externally managed", PEP 668) in a small venv of its own in .uv/.
UV = $(shell command -v uv 2>/dev/null || { test -x .uv/bin/uv && echo .uv/bin/uv; } || echo "$(PYTHON) -m uv")
VENV_PY := .venv/bin/python
MANAGE := $(VENV_PY) manage.py
PORT ?= 8000
WEB_CONCURRENCY ?= 2
# Threads per gunicorn worker: a request waiting for SQLite's write lock (or anything
# else slow) holds one thread, not a whole worker, so readers are still served.
WEB_THREADS ?= 8
GUNICORN = .venv/bin/gunicorn newsroom.wsgi --bind 127.0.0.1:$(PORT) \
	--workers $(WEB_CONCURRENCY) --threads $(WEB_THREADS) \
	--worker-class newsroom.gthread.DeadlineThreadWorker \
	--timeout 30 --graceful-timeout 20 --keep-alive 5 --access-logfile -
# The task worker (newsroom/tasks.py) for TASKS_BACKEND runs beside the web server:
# `make run` and `make serve` start it, and stop it when the server stops.
ifeq ($(TASKS_BACKEND),rq)
TASK_WORKER = $(MANAGE) rqworker --with-scheduler --job-class django_tasks_rq.backend.Job
else ifeq ($(TASKS_BACKEND),immediate)
TASK_WORKER = true
else
TASK_WORKER = $(MANAGE) db_worker --no-reload
endif
with_task_worker = $(TASK_WORKER) & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker 2>/dev/null' EXIT INT TERM; $(1)

.PHONY: help uv install install-dev run serve serve-command setup lint format check test test-only browser-deps bench bench-outbound bench-mixed clean

help:
	@echo "make run    - install, migrate, load demo content, print the admin login, serve on 127.0.0.1:$(PORT) with the task worker"
	@echo "make test   - install dev dependencies, then lint, check, makemigrations --check and pytest"
	@echo "make serve  - the same site under gunicorn (production-like), with the task worker"
	@echo "make bench  - run the benchmarks in benchmarks/"
	@echo "make bench-outbound - comment POSTs with a hanging mail server, reads under a held write lock"
	@echo "make bench-mixed - readers across the site with and without comment approvals, edits and publishes"

uv:
	@command -v uv >/dev/null 2>&1 || $(PYTHON) -m uv --version >/dev/null 2>&1 || test -x .uv/bin/uv || \
		$(PYTHON) -m pip install --quiet uv 2>/dev/null || \
		{ $(PYTHON) -m venv .uv && .uv/bin/pip install --quiet uv; }

install: uv
	$(UV) sync --frozen --python $(PYTHON)

install-dev: uv node_modules/.package-lock.json
	$(UV) sync --frozen --extra dev --python $(PYTHON)

# Test-only tools from npm (the W3C HTML checker, axe-core), as package-lock.json pins them.
node_modules/.package-lock.json: package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the HTML and accessibility checks will be skipped"; fi

setup: install
	@echo "Setting up the site (database in $${NEWSROOM_VAR_DIR-var}/)"
	@mkdir -p var
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(MANAGE) migrate --noinput -v0
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(MANAGE) load_demo
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(MANAGE) ensure_admin
	DJANGO_DEBUG=$${DJANGO_DEBUG-1} $(MANAGE) ensure_desk_demo

run: setup
	export DJANGO_DEBUG=$${DJANGO_DEBUG-1}; \
	$(call with_task_worker,$(MANAGE) runserver 127.0.0.1:$(PORT))

# Without DJANGO_SECRET_KEY, `make serve` signs with a key of its own, generated once
# into var/secret_key (mode 0600) and kept across restarts (docs/production.md).
serve: export DJANGO_SECRET_KEY_FILE ?= $(CURDIR)/var/secret_key
serve: install
	@mkdir -p var
	@test -n "$$DJANGO_SECRET_KEY" || test -e "$$DJANGO_SECRET_KEY_FILE" || { (umask 077 && \
		$(VENV_PY) -c 'import secrets; print(secrets.token_urlsafe(50))' >"$$DJANGO_SECRET_KEY_FILE") && \
		echo "Generated a signing key in $$DJANGO_SECRET_KEY_FILE"; }
	$(MANAGE) migrate --noinput -v0
	$(MANAGE) collectstatic --noinput -v0
	$(MANAGE) load_demo
	$(MANAGE) ensure_admin
	$(call with_task_worker,$(GUNICORN))

# The gunicorn command line of `make serve` (benchmarks/outbound.py runs exactly it).
serve-command:
	@echo $(GUNICORN)

lint: install-dev
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
	.venv/bin/lint-imports --no-cache

format: install-dev
	.venv/bin/ruff format .
	.venv/bin/ruff check --fix .

# DEBUG is off here, so the checks need a signing key: a throwaway one unless set.
check: export DJANGO_SECRET_KEY ?= $(shell $(PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))')
check: install-dev
	$(MANAGE) check
	$(MANAGE) makemigrations --check --dry-run

test-only:
	.venv/bin/pytest $(PYTEST_ARGS)

test: lint check
	.venv/bin/pytest $(PYTEST_ARGS)

bench: install-dev
	$(VENV_PY) benchmarks/run.py

bench-outbound: install-dev
	$(VENV_PY) benchmarks/outbound.py

bench-mixed: install-dev
	$(VENV_PY) benchmarks/mixed_traffic.py

clean:
	rm -rf .venv var/static
