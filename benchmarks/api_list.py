#!/usr/bin/env python3
"""The read API's story list, uncached: what a page of 50 stories costs the server.

    .venv/bin/python benchmarks/api_list.py --database-url postgres://…/bench \\
        [--stories 100000 --comments 1000000 | --no-generate] [--requests 300]

Production settings with the page cache off (PAGE_CACHE_SECONDS=0), in process
(Django's test client: the server's time without the network). The requests: the
first page of `/api/v1/stories/?limit=50`, pages further on by following the
cursors, and first pages filtered by section, tag and author, in turns. Reported:
median and p95 per kind, and the queries a request runs. The issue's target
(issue 18): p95 ≤ 25 ms at 100,000 stories on PostgreSQL, ≤ 6 queries.
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

RESULTS = ROOT / "benchmarks" / "results" / "api-list.md"


def child(args) -> None:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from taggit.models import Tag

    from articles.models import Article, Author, Section

    call_command("migrate", verbosity=0)
    if not args.no_generate:
        call_command(
            "generate_content",
            stories=args.stories,
            comments=args.comments,
            verbosity=0,
        )
    client = Client()
    first = "/api/v1/stories/?limit=50"
    section = Section.objects.order_by("pk").first()
    tag = Tag.objects.filter(article__isnull=False).order_by("pk").first()
    author = Author.objects.order_by("pk").first()
    filtered = [
        f"{first}&section={section.slug}",
        f"{first}&tag={tag.slug}",
        f"{first}&author={author.slug}",
    ]
    times: dict[str, list[float]] = {
        "first page": [],
        "later pages": [],
        "filtered": [],
    }
    queries: dict[str, int] = {}

    def fetch(kind: str, url: str) -> dict:
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = client.get(url)
            times[kind].append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, (url, response.status_code)
        queries[kind] = max(queries.get(kind, 0), len(captured))
        return response.json()

    fetch("first page", first)  # warm
    next_url = first
    for n in range(args.requests):
        fetch("first page", first)
        page = fetch("later pages", next_url)
        next_url = page.get("next") or first
        fetch("filtered", filtered[n % len(filtered)])
    print(
        json.dumps(
            {
                "stories": Article.objects.published().count(),
                "vendor": connection.vendor,
                "results": {
                    kind: {
                        "median_ms": round(statistics.median(values), 2),
                        "p95_ms": round(statistics.quantiles(values, n=20)[-1], 2),
                        "queries": queries[kind],
                    }
                    for kind, values in times.items()
                },
            }
        )
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--comments", type=int, default=20000)
    parser.add_argument("--no-generate", action="store_true")
    parser.add_argument("--requests", type=int, default=300)
    parser.add_argument("--output", type=Path, default=RESULTS)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    overrides = {
        "PAGE_CACHE_SECONDS": "0",
        "API_RATE_LIMIT": "0",  # one client asking on purpose; 0: no limit
    }
    if args.database_url:
        overrides["DATABASE_URL"] = args.database_url
    data = child_result(__file__, *sys.argv[1:], **overrides)
    lines = [
        "# The read API's story list, uncached",
        "",
        f"`benchmarks/api_list.py --requests {args.requests}` (see its docstring), "
        f"{time.strftime('%Y-%m-%d')}, {data['vendor']}, "
        f"{data['stories']:,} published stories, 50 stories a page, in process.",
        "",
        "| Request | median ms | p95 ms | queries |",
        "| --- | ---: | ---: | ---: |",
    ]
    for kind, row in data["results"].items():
        lines.append(
            f"| {kind} | {row['median_ms']} | {row['p95_ms']} | {row['queries']} |"
        )
    lines += [
        "",
        "Target (issue 18): p95 ≤ 25 ms at 100,000 stories on PostgreSQL.",
        "",
    ]
    text = "\n".join(lines)
    print(text)
    args.output.write_text(text)


if __name__ == "__main__":
    main()
