#!/usr/bin/env python3
"""How long /search/ takes when one story is enormous, on SQLite or PostgreSQL.

    .venv/bin/python benchmarks/search_bounds.py
    .venv/bin/python benchmarks/search_bounds.py \\
        --database-url postgres://postgres@127.0.0.1:5432/bench_bounds

Steps: a temporary NEWSROOM_VAR_DIR (a fresh SQLite database unless --database-url;
a PostgreSQL database is flushed first), migrate, generate_content (2,000 stories,
no comments), then one published story with a 10 MB body inserted the way a legacy
row would be: bulk_create, which skips validation and save(), then SearchEntry.objects.rebuild().
Each query is timed in-process through the test client (DEBUG off, page cache
and search rate limit off), a warm-up then --repeat times; the median and the
slowest are printed. `lorem` matches only the long story; `officials` matches
most stories (the long one included, as `Lorem officials`). `zebra quagga` is the
worst case inside the snippet bound: a page of stories whose every word matches.
"""

import argparse
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

QUERIES = [
    "lorem",
    "officials",
    "lorem officials",
    "officials residents",
    "zeppelin",
    "zebra quagga",
]
PARAGRAPH = (
    "<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod "
    "tempor incididunt ut labore et dolore magna aliqua. Officials agree.</p>"
)


def manage(env: dict, *args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default="")
    parser.add_argument("--stories", type=int, default=2000)
    parser.add_argument("--body-mb", type=float, default=10.0)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--keep", action="store_true", help="keep the temp directory")
    return parser.parse_args()


def insert_long_story(body_chars: int):
    from django.utils import timezone

    from articles.models import Article, SearchEntry

    body = PARAGRAPH * (body_chars // len(PARAGRAPH) + 1)
    story = Article.objects.bulk_create(
        [
            Article(
                headline="The longest story ever filed",
                slug="the-longest-story",
                body=body[:body_chars],
                status=Article.Status.PUBLISHED,
                published_at=timezone.now() - timezone.timedelta(hours=1),
            )
        ]
    )[0]
    if story.pk is None:  # backends that do not return ids from bulk_create
        story = Article.objects.get(slug="the-longest-story")
    started = time.perf_counter()
    SearchEntry.objects.rebuild([story.pk])
    return time.perf_counter() - started


def insert_dense_stories(count: int = 12) -> None:
    """Stories whose shown text is nothing but the two query words, to the bound."""
    from django.utils import timezone

    from articles.models import Article, SearchEntry
    from articles.searchtext import SNIPPET_SOURCE_CHARS

    words = "zebra quagga " * (SNIPPET_SOURCE_CHARS // len("zebra quagga "))
    Article.objects.bulk_create(
        Article(
            headline=f"Zebra {n}",
            slug=f"zebra-{n}",
            body=f"<p>{words}</p>",
            status=Article.Status.PUBLISHED,
            published_at=timezone.now() - timezone.timedelta(hours=2),
        )
        for n in range(count)
    )
    SearchEntry.objects.rebuild(
        Article.objects.filter(slug__startswith="zebra-").values_list("pk", flat=True)
    )


def time_queries(repeat: int) -> list[tuple[str, int, float, float, int]]:
    from django.db import connection, reset_queries
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from articles.search import search_articles

    client = Client()
    rows = []
    for query in QUERIES:
        client.get("/search/", {"q": query})  # warm-up
        times = []
        for _ in range(repeat):
            reset_queries()
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get("/search/", {"q": query})
                times.append((time.perf_counter() - started) * 1000)
            assert response.status_code == 200, response.status_code
        hits = search_articles(query).count()
        rows.append((query, hits, statistics.median(times), max(times), len(captured)))
    return rows


def main() -> int:
    args = parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsroom-search-bench-"))
    env = production_env(
        work,
        DJANGO_ALLOWED_HOSTS="testserver",
        PAGE_CACHE_SECONDS="0",
        SEARCH_RATE_LIMIT="0",
    )
    if args.database_url:
        env["DATABASE_URL"] = args.database_url
    try:
        manage(env, "migrate", "--noinput", "-v0")
        manage(env, "collectstatic", "--noinput", "-v0")
        if args.database_url:
            manage(env, "flush", "--noinput", "-v0")
        started = time.monotonic()
        manage(env, "generate_content", f"--stories={args.stories}", "--comments=0")
        generated = time.monotonic() - started

        os.environ.clear()
        os.environ.update(env)
        sys.path.insert(0, str(ROOT))
        import django

        django.setup()
        from django.db import connection

        from articles.models import Article

        index_seconds = insert_long_story(int(args.body_mb * 1_000_000))
        insert_dense_stories()
        print(
            f"{connection.vendor}: {Article.objects.count():,} stories "
            f"(generate_content {generated:.0f} s) plus one of "
            f"{args.body_mb:g} million characters (indexed in {index_seconds:.1f} s)"
        )
        print(f"{'query':<22}{'hits':>7}{'median ms':>12}{'max ms':>10}{'queries':>9}")
        for query, hits, median, slowest, queries in time_queries(args.repeat):
            print(f"{query:<22}{hits:>7}{median:>12.1f}{slowest:>10.1f}{queries:>9}")
    finally:
        if args.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
