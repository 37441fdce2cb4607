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
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks import in_process  # noqa: E402


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--body-chars", type=int, default=20_000)
    return parser.parse_args()


def time_autosaves(calls: int, body_chars: int):
    from django.urls import reverse
    from django.utils.crypto import get_random_string

    from articles.models import Article

    editor = in_process.new_editor("bench-editor")
    story = Article.objects.create(headline="Bench", slug="bench", body="<p>x</p>")
    token = get_random_string(32)  # as the form's CSRF cookie and field carry it
    client = in_process.editor_client(editor, token)
    url = reverse("admin:articles_article_autosave", args=[story.pk])
    paragraph = "<p>The council voted on the harbour bridge late on Tuesday.</p>"
    body = (paragraph * (body_chars // len(paragraph) + 1))[:body_chars]
    payloads = [  # written before the clock starts
        json.dumps(
            {"fields": {"headline": f"Bench {n}", "standfirst": "S", "body": body}}
        )
        for n in range(calls + 1)
    ]

    def autosave(n):
        return client.post(
            url, payloads[n], content_type="application/json", HTTP_X_CSRFTOKEN=token
        )

    return in_process.time_calls(calls, autosave)


def main() -> int:
    args = parse_args()
    with in_process.migrated_django("autosave", AUTOSAVE_RATE_LIMIT="0"):
        times, queries = time_autosaves(args.calls, args.body_chars)
        in_process.print_timings(
            f"{len(times)} autosaves, body {args.body_chars:,} characters",
            times,
            queries,
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
