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
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import in_process  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--others", type=int, default=5)
    parser.add_argument("--redis", default="")
    return parser.parse_args()


def time_heartbeats(calls: int, others: int):
    import reversion
    from django.core.cache import cache
    from django.urls import reverse
    from django.utils.crypto import get_random_string

    from articles.models import Article

    editors = [in_process.new_editor(f"bench-editor-{n}") for n in range(others + 1)]
    story = Article.objects.create(headline="Bench", slug="bench", body="<p>x</p>")
    cache.delete(f"presence:{story.pk}")  # left by an earlier run on this Redis
    old_token = story.modified_at.isoformat()
    with reversion.create_revision():
        story.headline = "Bench, saved again"
        story.save()
        reversion.set_user(editors[-1])
    url = reverse("admin:articles_article_presence", args=[story.pk])
    token = get_random_string(32)  # as the form's CSRF cookie and field carry it

    def beat(client):
        return client.post(
            url,
            json.dumps({"token": old_token}),
            content_type="application/json",
            HTTP_X_CSRFTOKEN=token,
        )

    for user in editors[1:]:
        assert beat(in_process.editor_client(user, token)).status_code == 200
    client = in_process.editor_client(editors[0], token)

    def sees_the_others(response):
        assert len(response.json()["others"]) == others

    return in_process.time_calls(calls, lambda n: beat(client), check=sees_the_others)


def main() -> int:
    args = parse_args()
    overrides = {"PRESENCE_RATE_LIMIT": "0"}
    if args.redis:
        overrides["REDIS_URL"] = args.redis
    with in_process.migrated_django("presence", **overrides):
        times, queries = time_heartbeats(args.calls, args.others)
        cache = "Redis" if args.redis else "local memory"
        in_process.print_timings(
            f"{len(times)} heartbeats, {args.others} others present, {cache} cache",
            times,
            queries,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
