"""Every public page runs a small, fixed number of SQL queries, whatever the data.

The data comes from `generate_content` (stories with sections, 1-3 bylines, 2-5 tags,
quotes, corrections and, when the comments app is installed, threaded comments) plus
one "hot" story with every kind of attachment and hundreds of comments. Counts are
taken uncached (the page cache is off in tests) after one warm-up request to another
page, i.e. as a running server sees them.
"""

import pytest
from django.apps import apps
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from articles.models import Article, Correction
from tests.support import pagecache as pagecache_fixtures
from tests.support.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

missed_bump_check_not_due = pagecache_fixtures.missed_bump_check_not_due

ARTICLE_BUDGET = 8
LIST_BUDGET = 6
FEED_BUDGET = 6


@pytest.fixture(autouse=True)
def own_version_stamp(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # no other process on this machine bumps it


@pytest.fixture
def newsroom():
    """A hot story plus 150 generated stories and 4,000 comments."""
    politics = make_section(name="Politics", slug="politics")
    authors = [make_author(name="Ann Reporter", slug="ann-reporter"), make_author()]
    hot = make_article(
        headline="Putin congratulates Trump",
        section=politics,
        authors=authors,
        tags=["vladimir-putin", "donald-trump", "russia", "election-2016"],
        quotes=[
            {"text": "Moscow is ready.", "speaker": "Kremlin"},
            {"text": "Winter is here.", "speaker": "Garry Kasparov"},
        ],
        body="<p>One.</p><p>[quote 1]</p><p>Two.</p><p>[quote 2]</p>",
    )
    Correction.objects.create(article=hot, text="A name was misspelt.")
    call_command("generate_content", stories=150, comments=4000, seed=7, verbosity=0)
    return hot


def count_queries(client, url, django_assert_max_num_queries, budget, warm="/"):
    client.get(warm)  # process-level caches (content types, settings rows) warm
    with django_assert_max_num_queries(budget) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured.captured_queries)


def _comments_installed():
    return apps.is_installed("comments")


def test_hot_story_has_hundreds_of_threaded_comments(newsroom):
    if not _comments_installed():
        pytest.skip("comments app not installed")
    from comments.models import Comment

    comments = Comment.objects.approved().filter(article=newsroom)
    assert comments.count() >= 150
    assert comments.filter(depth__gt=1).exists()


def test_article_page_stays_within_8_queries(
    client, newsroom, django_assert_max_num_queries
):
    other = Article.objects.published().exclude(pk=newsroom.pk).first()
    count_queries(
        client,
        newsroom.get_absolute_url(),
        django_assert_max_num_queries,
        ARTICLE_BUDGET,
        warm=other.get_absolute_url(),
    )


def test_article_page_query_count_does_not_grow_with_comments(
    client, newsroom, django_assert_max_num_queries
):
    quiet = Article.objects.published().order_by("comment_count").first()
    few = count_queries(
        client,
        quiet.get_absolute_url(),
        django_assert_max_num_queries,
        99,
        warm=newsroom.get_absolute_url(),
    )
    many = count_queries(
        client,
        newsroom.get_absolute_url(),
        django_assert_max_num_queries,
        99,
        warm=quiet.get_absolute_url(),
    )
    newsroom.refresh_from_db()
    assert newsroom.comment_count > quiet.comment_count
    assert many == few


def list_pages(hot):
    day = timezone.localdate(hot.published_at)
    return {
        "home": "/",
        "section": reverse("articles:section", args=["politics"]),
        "tag": reverse("articles:tag", args=["russia"]),
        "author": reverse("articles:author", args=["ann-reporter"]),
        "year": reverse("articles:archive_year", args=[day.year]),
        "month": reverse("articles:archive_month", args=[day.year, day.month]),
        "day": reverse("articles:archive_day", args=[day.year, day.month, day.day]),
        "second page": "/?page=2",
    }


def test_every_list_page_stays_within_6_queries(
    client, newsroom, django_assert_max_num_queries
):
    for url in list_pages(newsroom).values():
        count_queries(
            client, url, django_assert_max_num_queries, LIST_BUDGET, warm="/tag/russia/"
        )


def _optional(name, *args, query=""):
    try:
        return reverse(name, args=args) + query
    except NoReverseMatch:
        return None


# Pages other engineers add (feeds, sitemaps, search, quotes): pinned once they exist.
OPTIONAL_PAGES = {
    "rss feed": (("articles:feed",), FEED_BUDGET),
    "atom feed": (("articles:feed_atom",), FEED_BUDGET),
    "section feed": (("articles:section_feed", "politics"), FEED_BUDGET),
    "tag feed": (("articles:tag_feed", "russia"), FEED_BUDGET),
    "author feed": (("articles:author_feed", "ann-reporter"), FEED_BUDGET),
    "sitemap index": (("sitemap_index",), FEED_BUDGET),
    "news sitemap": (("sitemap_news",), FEED_BUDGET),
    "articles sitemap": (("sitemap_section", "articles"), FEED_BUDGET),
    "search": (("articles:search",), LIST_BUDGET),
    "quotes": (("articles:quotes",), LIST_BUDGET),
    "speaker": (("articles:speaker", "kremlin"), LIST_BUDGET),
    "tags": (("articles:tags",), LIST_BUDGET),
    "corrections": (("articles:corrections",), LIST_BUDGET),
}


def test_feed_sitemap_search_and_quote_pages_stay_within_budget(
    client, newsroom, django_assert_max_num_queries
):
    urls = {}
    for page, ((name, *args), budget) in OPTIONAL_PAGES.items():
        url = _optional(name, *args, query="?q=putin" if page == "search" else "")
        if url is not None:
            urls[url] = budget
    if not urls:
        pytest.skip("no feed, sitemap, search or quote pages exist yet")
    for url, budget in urls.items():
        count_queries(client, url, django_assert_max_num_queries, budget)


def test_cached_page_runs_no_queries(
    client,
    newsroom,
    settings,
    tmp_path,
    django_assert_num_queries,
    missed_bump_check_not_due,
):
    settings.PAGE_CACHE_SECONDS = 300
    client.get(newsroom.get_absolute_url())
    with django_assert_num_queries(0):
        assert client.get(newsroom.get_absolute_url())["X-Page-Cache"] == "hit"
