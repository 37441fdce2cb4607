#!/usr/bin/env python3
"""What a reader waits for when the outside world or a writer misbehaves.

    .venv/bin/python benchmarks/outbound.py            # or: make bench-outbound

The site runs as `make serve` runs it (the gunicorn command line comes from
`make serve-command`), with `manage.py db_worker` beside it, on a temporary SQLite
database in a temporary NEWSROOM_VAR_DIR, on 127.0.0.1 only. Two measurements:

1. Comment POSTs (each comment held for moderation, so each one emails the
   moderators) with no mail server configured, and with EMAIL_HOST pointing at a
   local TCP server that accepts and never answers; then, for comparison, the
   hanging server with tasks run inside the request (TASKS_BACKEND=immediate, the
   old default) and EMAIL_TIMEOUT=10. Prints p50/p99/max of the POSTs and what the
   task queue holds afterwards.
2. Another process holds SQLite's write lock (BEGIN IMMEDIATE) for --lock-seconds
   while readers POST comments (which must wait for the lock) and an anonymous
   reader fetches an uncached story page twice a second. Prints the reads' latency
   under `make serve` and under the old command (2 sync workers).

Every loop is bounded in count and time; the servers are stopped by their pids.
"""

import argparse
import http.client
import itertools
import os
import secrets
import shlex
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.environment import production_env  # noqa: E402

PYTHON = sys.executable
POST_PATH = "/comments/post/"
# Every POST comes from its own address: the flood rule (one comment per address per
# 15 s) stays on, as on a real site.
ADDRESSES = itertools.count(1)
OLD_SERVE = ".venv/bin/gunicorn newsroom.wsgi --bind 127.0.0.1:{port} --workers 2"


def log(message: str) -> None:
    print(f"[outbound {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class HangingServer:
    """Accepts every connection and never says a word (an SMTP server that hangs)."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.held = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                self.held.append(self.listener.accept()[0])
            except OSError:
                return

    def close(self):
        self.listener.close()
        for conn in self.held:
            conn.close()


def request(port, method, path, body=None, headers=None, timeout=60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class Site:
    """gunicorn (as `make serve` or the old command) plus db_worker, stopped together."""

    def __init__(self, env: dict, command: str, log_path: Path):
        self.port = free_port()
        self.log_file = open(log_path, "ab")  # noqa: SIM115 - closed in stop()
        argv = shlex.split(command.format(port=self.port))
        argv += ["--log-level", "warning", "--access-logfile", "/dev/null"]
        self.processes = [
            subprocess.Popen(
                argv, cwd=ROOT, env=env, stdout=self.log_file, stderr=self.log_file
            ),
            subprocess.Popen(
                [
                    PYTHON,
                    "manage.py",
                    "db_worker",
                    "--no-reload",
                    "-v0",
                    "--interval",
                    "0.5",
                ],
                cwd=ROOT,
                env=env,
                stdout=self.log_file,
                stderr=self.log_file,
            ),
        ]
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if request(self.port, "GET", "/healthz", timeout=5) < 500:
                    return
            except OSError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"the site did not start; see {log_path}")

    def stop(self):
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=25)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.log_file.close()


def setup(work: Path) -> dict:
    env = production_env(
        work,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        TRUSTED_PROXIES="127.0.0.1",
        PAGE_CACHE_SECONDS="0",  # every read reaches the database
        COMMENTS_RATE_LIMIT="100000",
        PYTHONPATH=str(ROOT),
    )
    env.pop("EMAIL_HOST", None)
    for command in (
        ["migrate", "--noinput", "-v0"],
        ["collectstatic", "--noinput", "-v0"],
        ["load_demo", "-v0"],
        ["ensure_admin"],
    ):
        subprocess.run(
            [PYTHON, "manage.py", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    return env


def story():
    """(pk, path, signed form timestamp) of the demo story."""
    global POST_PATH
    from django.urls import reverse

    from articles.models import Article
    from comments.protection import sign_timestamp

    POST_PATH = reverse("comments:post")
    article = Article.objects.published().filter(allow_comments=True).first()
    return (
        article.pk,
        article.get_absolute_url(),
        sign_timestamp(article.pk, time.time() - 60),
    )


def post_comment(port, article, n, tag, timeout=60):
    """One held comment (a first-time author), from its own address."""
    pk, _, ts = article
    ip = next(ADDRESSES)
    body = urlencode(
        {
            "article": pk,
            "comment": f"Outbound benchmark {tag}-{n}: the ferry is late again.",
            "author": f"Reader {tag} {n}",
            "email": f"outbound-{tag}-{n}@example.com",
            "url": "",
            "ts": ts,
            "homepage": "",
        }
    )
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "Origin": f"http://127.0.0.1:{port}",
        "X-Forwarded-For": f"198.18.{ip >> 8 & 255}.{ip & 255}",
    }
    started = time.perf_counter()
    try:
        status = request(port, "POST", POST_PATH, body, headers, timeout)
    except OSError:
        status = 599
    return status, (time.perf_counter() - started) * 1000


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def queue_counts(work: Path) -> str:
    with sqlite3.connect(work / "newsroom.sqlite3") as db:
        rows = db.execute(
            "SELECT status, count(*) FROM django_tasks_database_dbtaskresult GROUP BY status"
        ).fetchall()
        db.execute("DELETE FROM django_tasks_database_dbtaskresult")
    return ", ".join(f"{count} {status.lower()}" for status, count in rows) or "empty"


def mail_scenario(env, work, article, name, extra, posts, concurrency, serve):
    site = Site({**env, **extra}, serve, work / "server.log")
    try:
        tag = secrets.token_hex(3)
        with ThreadPoolExecutor(concurrency) as pool:
            # Warm every worker up first (imports, connections); not counted.
            list(
                pool.map(
                    lambda n: post_comment(site.port, article, n, "w" + tag),
                    range(concurrency),
                )
            )
            results = list(
                pool.map(
                    lambda n: post_comment(site.port, article, n, tag), range(posts)
                )
            )
        time.sleep(2)  # let the worker pick the tasks up
    finally:
        site.stop()
    times = [ms for _, ms in results]
    statuses = sorted({status for status, _ in results})
    queued = queue_counts(work)  # warm-up posts included
    row = (
        f"| {name} | {posts} | {statuses} | {statistics.median(times):,.0f} | "
        f"{percentile(times, 99):,.0f} | {max(times):,.0f} | {queued} |"
    )
    log(row)
    return row


def lock_scenario(env, work, article, name, serve, lock_seconds, writers):
    site = Site(env, serve, work / "server.log")
    reads, posts = [], []
    try:
        holder = subprocess.Popen(
            [
                PYTHON,
                "-c",
                "import sqlite3, sys, time; db = sqlite3.connect(sys.argv[1], isolation_level=None); "
                "db.execute('BEGIN IMMEDIATE'); print('locked', flush=True); time.sleep(float(sys.argv[2])); "
                "db.execute('ROLLBACK')",
                str(work / "newsroom.sqlite3"),
                str(lock_seconds),
            ],
            stdout=subprocess.PIPE,
            text=True,
        )
        holder.stdout.readline()  # the lock is held from here
        started = time.monotonic()
        tag = secrets.token_hex(3)
        pool = ThreadPoolExecutor(writers)
        futures = [
            pool.submit(post_comment, site.port, article, n, tag)
            for n in range(writers)
        ]
        time.sleep(1)  # the writers are now waiting for the lock
        while time.monotonic() - started < lock_seconds - 1:
            t0 = time.perf_counter()
            try:
                status = request(site.port, "GET", article[1], timeout=60)
            except OSError:
                status = 599
            reads.append((status, (time.perf_counter() - t0) * 1000))
            time.sleep(0.5)
        posts = [future.result() for future in futures]
        pool.shutdown()
        holder.wait(timeout=lock_seconds + 10)
    finally:
        site.stop()
    times = [ms for _, ms in reads]
    row = (
        f"| {name} | {len(reads)} | {sorted({s for s, _ in reads})} | "
        f"{statistics.median(times):,.0f} | {max(times):,.0f} | "
        f"{sorted(s for s, _ in posts)} after {max(ms for _, ms in posts) / 1000:.1f} s |"
    )
    log(row)
    queue_counts(work)
    return row


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--posts", type=int, default=60, help="comment POSTs per mail scenario"
    )
    parser.add_argument("--concurrency", type=int, default=4)
    parser.add_argument("--lock-seconds", type=float, default=26)
    parser.add_argument(
        "--writers", type=int, default=4, help="comment POSTs waiting for the lock"
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    serve = subprocess.run(
        ["make", "-s", "--no-print-directory", "serve-command", "PORT={port}"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    work = Path(tempfile.mkdtemp(prefix="newsroom-outbound-"))
    log(f"preparing {work}; make serve runs: {serve}")
    env = setup(work)
    article = story()
    hanging = HangingServer()
    smtp = {
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(hanging.port),
        "EMAIL_USE_TLS": "0",
    }
    try:
        mail_rows = [
            mail_scenario(
                env,
                work,
                article,
                "no mail server (console)",
                {},
                args.posts,
                args.concurrency,
                serve,
            ),
            mail_scenario(
                env,
                work,
                article,
                "hanging SMTP server",
                smtp,
                args.posts,
                args.concurrency,
                serve,
            ),
            mail_scenario(
                env,
                work,
                article,
                "hanging SMTP, tasks in the request (old default), EMAIL_TIMEOUT=10",
                {**smtp, "TASKS_BACKEND": "immediate", "EMAIL_TIMEOUT": "10"},
                max(args.concurrency, 8),
                args.concurrency,
                serve,
            ),
        ]
        lock_rows = [
            lock_scenario(
                env,
                work,
                article,
                "`make serve` (gthread)",
                serve,
                args.lock_seconds,
                args.writers,
            ),
            lock_scenario(
                env,
                work,
                article,
                "old command: 2 sync workers",
                OLD_SERVE,
                args.lock_seconds,
                args.writers,
            ),
        ]
    finally:
        hanging.close()
    print(
        f"\nComment POSTs, each emailing the moderators ({args.concurrency} at a time):\n"
    )
    print(
        "| Mail server | POSTs | statuses | p50 ms | p99 ms | max ms | task queue after |"
    )
    print("| --- | ---: | --- | ---: | ---: | ---: | --- |")
    print("\n".join(mail_rows))
    print(
        f"\nAnonymous uncached story reads while another process holds SQLite's write "
        f"lock for {args.lock_seconds:.0f} s and {args.writers} comment POSTs wait for it:\n"
    )
    print("| Server | reads | statuses | p50 ms | max ms | the waiting POSTs |")
    print("| --- | ---: | --- | ---: | ---: | --- |")
    print("\n".join(lock_rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
