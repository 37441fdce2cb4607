#!/usr/bin/env python3
"""How long one presence heartbeat takes on the server, and how many queries it runs.

    .venv/bin/python benchmarks/presence.py [--calls 200] [--others 5] [--redis URL]

Steps: a temporary NEWSROOM_VAR_DIR (a fresh SQLite database), migrate, --others + 1
editors and one draft story that the others have open (one heartbeat each), then
--calls heartbeats of the measured editor through the test client, in-process, with
production settings (DEBUG off, CSRF checked, rate limit off). The form's token is
an old one, so every answer also names who saved since (the costliest case). The
cache is local memory, or Redis with --redis (e.g. redis://127.0.0.1:6379/13;
only the story's presence key is touched). Prints the median, 95th percentile and slowest time,
and the queries of the last call.
"""

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.environment import production_env  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--others", type=int, default=5)
    parser.add_argument("--redis", default="")
    return parser.parse_args()


def time_heartbeats(calls: int, others: int):
    import reversion
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils.crypto import get_random_string

    from articles.models import Article

    editors = []
    for n in range(others + 1):
        user = get_user_model().objects.create_user(
            f"bench-editor-{n}", f"bench{n}@example.com", "pw", is_staff=True
        )
        user.groups.add(Group.objects.get(name="Editor"))
        editors.append(user)
    story = Article.objects.create(headline="Bench", slug="bench", body="<p>x</p>")
    cache.delete(f"presence:{story.pk}")  # left by an earlier run on this Redis
    old_token = story.modified_at.isoformat()
    with reversion.create_revision():
        story.headline = "Bench, saved again"
        story.save()
        reversion.set_user(editors[-1])
    url = reverse("admin:articles_article_presence", args=[story.pk])
    token = get_random_string(32)  # as the form's CSRF cookie and field carry it

    def client_for(user):
        client = Client(enforce_csrf_checks=True, secure=True)
        client.force_login(user)
        client.cookies[settings.CSRF_COOKIE_NAME] = token
        return client

    def beat(client):
        return client.post(
            url,
            json.dumps({"token": old_token}),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        )

    for user in editors[1:]:
        assert beat(client_for(user)).status_code == 200
    client = client_for(editors[0])
    times = []
    for n in range(calls + 1):
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = beat(client)
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (response.status_code, response.content)
        assert len(response.json()["others"]) == others
        if n:  # the first call warms the caches
            times.append(elapsed)
    return times, [query["sql"] for query in captured.captured_queries]


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsroom-presence-bench-"))
    overrides = {"DJANGO_ALLOWED_HOSTS": "testserver", "PRESENCE_RATE_LIMIT": "0"}
    if args.redis:
        overrides["REDIS_URL"] = args.redis
    env = production_env(work, **overrides)
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
        times, queries = time_heartbeats(args.calls, args.others)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        cache = "Redis" if args.redis else "local memory"
        print(
            f"{len(times)} heartbeats, {args.others} others present, {cache} cache: "
            f"median {statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
            f"slowest {times[-1]:.1f} ms, {len(queries)} queries each:"
        )
        for sql in queries:
            print(f"  {sql[:110]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
