"""Which public pages make PostgreSQL read a big table from end to end?

Used by tests/newsroom/test_indexes.py (at a test-sized data set) and by
`benchmarks/run.py --explain` (on the benchmark's data, e.g. 100,000 stories). Each page is requested in-process, its
SELECTs are captured and EXPLAINed, and every "Seq Scan" on a big table is reported.
"""

import json

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

BIG_TABLES = {
    "articles_article",
    "articles_byline",
    "articles_quote",
    "taggit_taggeditem",
    "comments_comment",
}


# Pages whose queries belong to other features, measured and reported, not fixed
# here: each is a full-table aggregate by design.
KNOWN_SCANS = {
    "sitemap index": "the sitemap index numbers every story and counts tags and "
    "authors across all stories (articles/sitemaps.py)",
    "quotes": "the quote library aggregates every quote of every published story "
    "(articles/discovery.py)",
    "articles sitemap": "the story sitemap counts every published story "
    "(articles/sitemaps.py)",
}
# Single queries on otherwise indexed pages, recognised by a marker in their SQL.
KNOWN_QUERIES = {
    '"shared_tags"': "related stories on the article page: on a small table the "
    "planner may read all of it (articles/navigation.py)",
}


def unexpected_scans(
    pages: dict[str, str], client: Client | None = None
) -> dict[str, list[str]]:
    """page -> the sequential scans of big tables not listed as known above."""
    scans = {}
    for name, url in pages.items():
        if name in KNOWN_SCANS:
            continue
        found = [
            f"{table}: {sql[:300]}"
            for table, sql in seq_scans(url, client)
            if not any(marker in sql for marker in KNOWN_QUERIES)
        ]
        if found:
            scans[f"{name} {url}"] = found
    return scans


def public_pages() -> dict[str, str]:
    """name -> URL for every public list, archive, tag, feed and story page."""
    from articles.models import Article

    story = Article.objects.published().order_by("-comment_count", "pk").first()
    day = timezone.localdate(story.published_at)
    tag = story.tags.order_by("pk").first()
    author = story.bylines.select_related("author").first().author
    section = story.section.slug
    pages = {
        "home": "/",
        "home page 3": "/?page=3",
        "article": story.get_absolute_url(),
        "section": reverse("articles:section", args=[section]),
        "tag": reverse("articles:tag", args=[tag.slug]),
        "author": reverse("articles:author", args=[author.slug]),
        "year": reverse("articles:archive_year", args=[day.year]),
        "month": reverse("articles:archive_month", args=[day.year, day.month]),
        "day": reverse("articles:archive_day", args=[day.year, day.month, day.day]),
    }
    optional = {
        "rss": ("articles:feed", []),
        "atom": ("articles:feed_atom", []),
        "section feed": ("articles:section_feed", [section]),
        "tag feed": ("articles:tag_feed", [tag.slug]),
        "author feed": ("articles:author_feed", [author.slug]),
        "sitemap index": ("sitemap_index", []),
        "news sitemap": ("sitemap_news", []),
        "articles sitemap": ("sitemap_section", ["articles"]),
        "comments feed": ("comments:feed", []),
        "quotes": ("articles:quotes", []),
    }
    for name, (route, args) in optional.items():
        try:
            pages[name] = reverse(route, args=args)
        except NoReverseMatch:
            continue
    return pages


def _seq_scans(node: dict, found: list) -> None:
    if node.get("Node Type") == "Seq Scan" and node.get("Relation Name") in BIG_TABLES:
        found.append(node["Relation Name"])
    for child in node.get("Plans", []):
        _seq_scans(child, found)


def seq_scans(url: str, client: Client | None = None) -> list[tuple[str, str]]:
    """(table, SQL) for each sequential scan of a big table while serving url."""
    client = client or Client()
    client.get(url)  # warm process caches, so only the steady-state queries count
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    if response.status_code != 200:
        raise AssertionError(f"{url} answered {response.status_code}")
    offenders = []
    for query in captured.captured_queries:
        sql = query["sql"]
        if not sql.lstrip().upper().startswith("SELECT"):
            continue
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN (FORMAT JSON) " + sql)
            plan = cursor.fetchone()[0]
        if isinstance(plan, str):
            plan = json.loads(plan)
        found = []
        _seq_scans(plan[0]["Plan"], found)
        offenders.extend((table, sql) for table in found)
    return offenders
