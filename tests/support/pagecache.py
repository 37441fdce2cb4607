"""Fixtures shared by the page-cache tests: the cache switched on, a write that
commits, a story shown on many pages, and a way to warm those pages."""

import time

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import timezone

from newsroom import pagecache
from tests.support.factories import make_article, make_author, make_section


def comments_installed():
    return apps.is_installed("comments")


# For page-cache tests that post or approve comments.
needs_comments = pytest.mark.skipif(
    not comments_installed(), reason="needs the comments app"
)


@pytest.fixture(autouse=True)
def page_cache_on(settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_MAX_AGE = 10
    settings.VAR_DIR = tmp_path  # the version stamp of the local-memory cache


@pytest.fixture
def missed_bump_check_not_due(monkeypatch):
    """On Redis each process reads PageCacheState once a second (one query) to learn
    of invalidations that missed Redis. A test counting a request's queries takes
    that check as just made, so a slow machine does not add it to the count."""
    monkeypatch.setattr(pagecache, "MISSED_BUMP_CHECK_SECONDS", 3600)
    monkeypatch.setattr(pagecache, "_next_check", time.time() + 3600)


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as if its transaction committed (tests run inside one)."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            write()

    return run


@pytest.fixture
def story():
    section = make_section(name="Politics", slug="politics")
    author = make_author(name="Ann Reporter", slug="ann-reporter")
    return make_article(
        headline="Harbour bridge reopens",
        section=section,
        authors=[author],
        tags=["harbour"],
        quotes=[{"text": "It is open.", "speaker": "The Mayor"}],
        body="<p>Cars are back.</p><p>[quote 1]</p>",
    )


def pages_showing(story) -> list[str]:
    day = timezone.localdate(story.published_at)
    return [
        reverse("articles:home"),
        story.get_absolute_url(),
        reverse("articles:section", args=[story.section.slug]),
        reverse("articles:tag", args=["harbour"]),
        reverse("articles:author", args=["ann-reporter"]),
        reverse("articles:archive_year", args=[day.year]),
        reverse("articles:archive_month", args=[day.year, day.month]),
        reverse("articles:archive_day", args=[day.year, day.month, day.day]),
    ]


def warm(client, urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url
