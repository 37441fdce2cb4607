#!/usr/bin/env python3
"""How long one autosave takes on the server, and how many queries it runs.

    .venv/bin/python benchmarks/autosave.py [--calls 200] [--body-chars 20000]

Steps: a temporary NEWSROOM_VAR_DIR (a fresh SQLite database), migrate, one editor
and one draft story, then --calls autosaves of the story's form (a body of
--body-chars characters, changed every call) through the test client, in-process,
with production settings (DEBUG off, CSRF checked, rate limit off). Prints the
median, 95th percentile and slowest time, and the queries of the last call.
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
    parser.add_argument("--body-chars", type=int, default=20_000)
    return parser.parse_args()


def time_autosaves(calls: int, body_chars: int):
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse
    from django.utils.crypto import get_random_string

    from articles.models import Article

    editor = get_user_model().objects.create_user(
        "bench-editor", "bench@example.com", "pw", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editor"))
    story = Article.objects.create(headline="Bench", slug="bench", body="<p>x</p>")
    client = Client(enforce_csrf_checks=True, secure=True)
    client.force_login(editor)
    token = get_random_string(32)  # as the form's CSRF cookie and field carry it
    client.cookies[settings.CSRF_COOKIE_NAME] = token
    url = reverse("admin:articles_article_autosave", args=[story.pk])
    paragraph = "<p>The council voted on the harbour bridge late on Tuesday.</p>"
    body = (paragraph * (body_chars // len(paragraph) + 1))[:body_chars]
    times = []
    for n in range(calls + 1):
        payload = json.dumps(
            {"fields": {"headline": f"Bench {n}", "standfirst": "S", "body": body}}
        )
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.post(
                url, payload, content_type="application/json", HTTP_X_CSRFTOKEN=token
            )
            elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200, (response.status_code, response.content)
        if n:  # the first call creates the slot and warms the caches
            times.append(elapsed)
    return times, [query["sql"] for query in captured.captured_queries]


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsroom-autosave-bench-"))
    env = production_env(
        work, DJANGO_ALLOWED_HOSTS="testserver", AUTOSAVE_RATE_LIMIT="0"
    )
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
        times, queries = time_autosaves(args.calls, args.body_chars)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(
            f"{len(times)} autosaves, body {args.body_chars:,} characters: median "
            f"{statistics.median(times):.1f} ms, p95 {p95:.1f} ms, "
            f"slowest {times[-1]:.1f} ms, {len(queries)} queries each:"
        )
        for sql in queries:
            print(f"  {sql[:110]}")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
