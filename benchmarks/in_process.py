"""What the benchmarks that time one admin view in-process share.

They set Django up in their own process on a fresh, migrated SQLite database with
production settings, post to the view through the test client as a logged-in
editor (CSRF checked), and print the median, 95th percentile and slowest time and
the queries of the last call.
"""

import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from benchmarks.environment import production_env

ROOT = Path(__file__).resolve().parent.parent


@contextmanager
def migrated_django(name: str, **overrides: str) -> Iterator[None]:
    """Set Django up in this process on a fresh database in a temporary var/
    directory, removed afterwards."""
    work = Path(tempfile.mkdtemp(prefix=f"newsroom-{name}-bench-"))
    env = production_env(work, DJANGO_ALLOWED_HOSTS="testserver", **overrides)
    try:
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "--noinput", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
        os.environ.clear()
        os.environ.update(env)
        import django

        django.setup()
        yield
    finally:
        shutil.rmtree(work, ignore_errors=True)


def new_editor(username: str):
    """A staff user in the Editor group."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    user = get_user_model().objects.create_user(
        username, f"{username}@example.com", "pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def editor_client(user, csrf_token: str):
    """A test client logged in as user, carrying csrf_token as the form's cookie
    does; posts must send it in X-CSRFToken."""
    from django.conf import settings
    from django.test import Client

    client = Client(enforce_csrf_checks=True, secure=True)
    client.force_login(user)
    client.cookies[settings.CSRF_COOKIE_NAME] = csrf_token
    return client


def time_calls(calls: int, call: Callable, check: Callable = lambda response: None):
    """Milliseconds of calls calls of call(n), sorted, and the SQL of the last.

    One more call comes first, untimed: it warms the caches (and may create what
    the later calls update). Every answer must be 200 and pass check.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    times = []
    for n in range(calls + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = call(n)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (response.status_code, response.content)
        check(response)
        if n:
            times.append(elapsed)
    return sorted(times), [query["sql"] for query in captured.captured_queries]


def print_timings(what: str, times: list[float], queries: list[str]) -> None:
    p95 = times[int(len(times) * 0.95) - 1]
    print(
        f"{what}: median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
        f"slowest {times[-1]:.1f} ms, {len(queries)} queries each:"
    )
    for sql in queries:
        print(f"  {sql[:110]}")
