#!/usr/bin/env python3
"""What a story page's cache miss costs after a comment approval, against a miss
after an edit of the story (a full render).

    .venv/bin/python benchmarks/miss_after_approval.py [--runs 200]

A fresh SQLite database (production settings, a temporary var/ directory, the
local-memory cache, the page cache on) gets the demo content and 300 generated
stories with 3,000 comments. A story with about ten approved comments is chosen and
given one held comment. In turns, `--runs` times each: the held comment is approved
(Comment.approve(), as a moderator's click does) and the page fetched by an
anonymous reader (a miss, rebuilt from the page kept but for its comment block:
articles/fragments.py); then it is unapproved again (the thread keeps its size),
the story saved unchanged (its own tag bumped) and the page fetched (a miss,
rendered in full); then the story before it retitled and the page fetched (a miss,
the kept page with its links to other stories rendered again). Times are
in-process, the whole
request through the middleware: the server's time, without the network. The
issue's target: a miss after an approval ≤ 4 ms.
"""

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from benchmarks.environment import child_result  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "miss-after-approval.md"


def child(runs: int) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, override_settings

    from articles.models import Article
    from comments.models import Comment

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("generate_content", stories=300, comments=3000, verbosity=0)
    story = (
        Article.objects.published()
        .filter(comment_count__gte=8, comment_count__lte=14)
        .order_by("pk")
        .first()
    )
    held = Comment.objects.create(
        article=story,
        author_name="A reader",
        author_email="reader@example.com",
        content="A held comment.",
        status=Comment.Status.PENDING,
        ip_address="203.0.113.9",
    )

    def edit():
        held.unapprove()
        story.save()

    from articles.navigation import story_navigation

    links = story_navigation(Article.objects.for_detail().get(pk=story.pk))
    neighbour = links.previous or links.next

    def retitle_neighbour():
        title = neighbour.headline
        neighbour.headline = title[:-1] if title.endswith("!") else f"{title}!"
        neighbour.save()

    url = story.get_absolute_url()
    client = Client()
    storages = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {
            "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        },
    }
    kinds = (
        ("after an approval", held.approve),
        ("after an edit (full render)", edit),
        ("after the story before it was retitled (links only)", retitle_neighbour),
    )
    times = {label: [] for label, _ in kinds}
    queries = {}
    with override_settings(STORAGES=storages, PAGE_CACHE_SECONDS=300):
        assert client.get(url).status_code == 200  # warm: page and parts kept
        for _ in range(runs):
            for label, write in kinds:
                write()
                with CaptureQueriesContext(connection) as captured:
                    started = time.perf_counter()
                    response = client.get(url)
                    times[label].append((time.perf_counter() - started) * 1000)
                assert response["X-Page-Cache"] == "miss", label
                queries[label] = len(captured)
                assert client.get(url)["X-Page-Cache"] == "hit"
        story.refresh_from_db()
    print(
        json.dumps(
            {
                "story": story.headline,
                "comments": story.comment_count,
                "results": {
                    label: {
                        "median_ms": round(statistics.median(values), 2),
                        "p90_ms": round(statistics.quantiles(values, n=10)[-1], 2),
                        "queries": queries[label],
                    }
                    for label, values in times.items()
                },
            }
        )
    )


def report(data: dict, runs: int) -> str:
    lines = [
        "# A story page's cache miss after a comment approval",
        "",
        f"`benchmarks/miss_after_approval.py --runs {runs}` (see its docstring), "
        f"{time.strftime('%Y-%m-%d')}, SQLite, local-memory cache, in-process "
        f"(server time without the network). Story: “{data['story']}”, "
        f"{data['comments']} approved comments at the end.",
        "",
        "| Miss | median ms | p90 ms | queries |",
        "| --- | ---: | ---: | ---: |",
    ]
    for label, row in data["results"].items():
        lines.append(
            f"| {label} | {row['median_ms']} | {row['p90_ms']} | {row['queries']} |"
        )
    lines += ["", "Target (issue 17): a miss after an approval ≤ 4 ms.", ""]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.child:
        child(args.runs)
        return
    data = child_result(__file__, f"--runs={args.runs}")
    text = report(data, args.runs)
    print(text)
    args.output.write_text(text)


if __name__ == "__main__":
    main()
