"""The anonymous page cache is invalidated exactly: every write to what a page shows,
scheduled times, comments, and bumps that miss Redis."""

import importlib
import time
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Byline, Correction, Quote
from newsroom import pagecache
from newsroom.ratelimit import rate_limited
from tests.support import pagecache as pagecache_fixtures
from tests.support.factories import make_article, make_author, make_draft, make_section
from tests.support.ops import (
    TcpProxy,
    free_port,
    redis_server,
    redis_server_available,
)
from tests.support.pagecache import comments_installed, pages_showing, warm

pytestmark = pytest.mark.django_db

# Shared with the other page-cache tests (tests/support/pagecache.py).
page_cache_on = pagecache_fixtures.page_cache_on
commit = pagecache_fixtures.commit
story = pagecache_fixtures.story


# Exact invalidation -------------------------------------------------------------------


def test_editing_a_headline_refreshes_every_page_showing_it(client, story, commit):
    urls = pages_showing(story)
    warm(client, urls)

    def edit():
        story.headline = "Harbour bridge reopens to cyclists"
        story.save()

    commit(edit)
    for url in urls:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", url
        assert b"reopens to cyclists" in response.content, url


def test_publishing_a_draft_puts_it_on_the_home_page(client, story, commit):
    draft = make_draft(headline="Ferry strike called off")
    warm(client, ["/"])

    def publish():
        draft.status = draft.Status.PUBLISHED
        draft.published_at = timezone.now() - timedelta(seconds=1)
        draft.save()

    commit(publish)
    assert b"Ferry strike called off" in client.get("/").content


def test_unpublishing_takes_the_story_off_cached_pages(client, story, commit):
    urls = pages_showing(story)
    warm(client, urls)

    def unpublish():
        story.status = story.Status.DRAFT
        story.save()

    commit(unpublish)
    assert b"Harbour bridge" not in client.get("/").content
    assert client.get(urls[1]).status_code == 404


def test_deleting_a_story_takes_it_off_cached_pages(client, story, commit):
    warm(client, ["/"])
    commit(story.delete)
    assert b"Harbour bridge" not in client.get("/").content


def test_changing_tags_refreshes_the_tag_pages(client, story, commit):
    warm(client, [story.get_absolute_url()])
    commit(lambda: story.tags.add("bridges"))
    response = client.get(story.get_absolute_url())
    assert b"bridges" in response.content
    assert (
        b"Harbour bridge"
        in client.get(reverse("articles:tag", args=["bridges"])).content
    )


def test_renaming_a_tag_refreshes_the_story_page(client, story, commit):
    warm(client, [story.get_absolute_url()])
    tag = Tag.objects.get(name="harbour")

    def rename():
        tag.name = "Harbour Town"
        tag.save()

    commit(rename)
    assert b"Harbour Town" in client.get(story.get_absolute_url()).content


def test_moving_a_story_to_another_section_refreshes_both_sections(
    client, story, commit
):
    business = make_section(name="Business", slug="business")
    warm(client, ["/section/politics/", "/section/business/"])

    def move():
        story.section = business
        story.save()

    commit(move)
    assert b"Harbour bridge" not in client.get("/section/politics/").content
    assert b"Harbour bridge" in client.get("/section/business/").content


def test_renaming_a_section_refreshes_the_navigation(client, story, commit):
    warm(client, ["/"])
    section = story.section

    def rename():
        section.name = "Westminster"
        section.save()

    commit(rename)
    assert b"Westminster" in client.get("/").content


def test_adding_a_byline_refreshes_the_story(client, story, commit):
    warm(client, [story.get_absolute_url()])
    second = make_author(name="Bob Writer", slug="bob-writer")
    commit(lambda: Byline.objects.create(article=story, author=second, position=1))
    assert b"Bob Writer" in client.get(story.get_absolute_url()).content


def test_renaming_an_author_refreshes_the_bylines(client, story, commit):
    warm(client, ["/"])
    author = story.bylines.get().author

    def rename():
        author.name = "Ann Correspondent"
        author.save()

    commit(rename)
    assert b"Ann Correspondent" in client.get("/").content


def test_editing_a_quote_refreshes_the_story(client, story, commit):
    warm(client, [story.get_absolute_url()])
    quote = Quote.objects.get(article=story)

    def edit():
        quote.text = "It is open, finally."
        quote.save()

    commit(edit)
    assert b"It is open, finally." in client.get(story.get_absolute_url()).content


def test_adding_a_correction_refreshes_the_story(client, story, commit):
    warm(client, [story.get_absolute_url()])
    commit(
        lambda: Correction.objects.create(
            article=story, text="The bridge is in Harbour Town, not Port Town."
        )
    )
    assert b"not Port Town" in client.get(story.get_absolute_url()).content


def test_a_write_bumps_the_version_again_when_its_transaction_commits(
    client, story, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        story.save()
    during = pagecache.content_version()
    assert callbacks, "nothing runs when the transaction commits"
    for callback in callbacks:
        callback()
    assert pagecache.content_version() != during


def test_a_new_draft_leaves_cached_pages_valid(client, story, commit):
    warm(client, ["/"])
    commit(lambda: make_draft(headline="Not yet"))
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_a_new_scheduled_story_invalidates_so_its_publish_time_counts(
    client, story, commit
):
    warm(client, ["/"])
    commit(lambda: make_article(published_at=timezone.now() + timedelta(minutes=5)))
    response = client.get("/")
    assert response["X-Page-Cache"] == "miss"
    assert int(response["Cache-Control"].split("max-age=")[1].split(",")[0]) <= 300


@pytest.mark.skipif(not comments_installed(), reason="comments app not installed")
def test_a_comment_held_for_moderation_leaves_cached_pages_valid(client, story, commit):
    from comments.models import Comment

    warm(client, [story.get_absolute_url()])
    commit(
        lambda: Comment.objects.create(
            article=story, author_name="R", content="Held.", status="pending"
        )
    )
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"


@pytest.mark.skipif(not comments_installed(), reason="comments app not installed")
def test_a_new_approved_comment_refreshes_the_article(client, story, commit):
    from comments.models import Comment

    warm(client, [story.get_absolute_url()])
    commit(
        lambda: Comment.objects.create(
            article=story, author_name="R", content="Straight in.", status="approved"
        )
    )
    assert b"Straight in." in client.get(story.get_absolute_url()).content


def test_content_changed_outside_a_transaction_bumps_at_once(client, story):
    warm(client, ["/"])
    pagecache.bump_content_version()
    assert client.get("/")["X-Page-Cache"] == "miss"


def test_other_apps_public_pages_are_refreshed_too(client, story, commit):
    """Feeds, sitemaps, search and quote pages, where those routes exist."""
    candidates = [
        ("articles:feed", []),
        ("articles:feed_atom", []),
        ("articles:section_feed", ["politics"]),
        ("articles:tag_feed", ["harbour"]),
        ("articles:search", []),
        ("articles:quotes", []),
        ("articles:speaker", ["the-mayor"]),
        ("articles:tags", []),
        ("sitemap_index", []),
        ("sitemap_news", []),
        ("sitemap_section", ["articles"]),
    ]
    urls = []
    for name, args in candidates:
        try:
            urls.append(reverse(name, args=args))
        except NoReverseMatch:
            continue
    if not urls:
        pytest.skip("no feed, sitemap, search or quote routes exist yet")
    urls = [u + ("?q=harbour" if "search" in u else "") for u in urls]
    shown = [u for u in urls if b"Harbour bridge" in client.get(u).content]
    assert shown, "no feed, sitemap or search page showed the story"
    warm(client, shown)

    def edit():
        story.headline = "Harbour span reopens"
        story.save()

    commit(edit)
    for url in shown:
        response = client.get(url)
        assert b"Harbour span reopens" in response.content, url


# Time: scheduled stories and expiry ------------------------------------------------


def test_scheduled_story_appears_on_cached_pages_at_its_publish_time(
    client, story, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    publish_at = now + timedelta(minutes=2)
    make_article(headline="Budget statement", published_at=publish_at)
    first = client.get("/")
    assert b"Budget statement" not in first.content
    assert int(first["Cache-Control"].split("s-maxage=")[1].split(",")[0]) <= 10
    time_machine.move_to(publish_at - timedelta(seconds=1), tick=False)
    assert b"Budget statement" not in client.get("/").content
    time_machine.move_to(publish_at, tick=False)
    assert b"Budget statement" in client.get("/").content


def test_cache_lifetime_never_reaches_past_the_next_publish_time(
    client, story, time_machine, settings
):
    settings.PAGE_CACHE_MAX_AGE = 3600
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    make_article(headline="Later", published_at=now + timedelta(seconds=42))
    response = client.get("/")
    assert (
        "max-age=42" in response["Cache-Control"]
        or "max-age=41" in (response["Cache-Control"])
    )


def test_expired_story_leaves_cached_pages_at_its_expiry_time(
    client, story, time_machine
):
    now = timezone.now()
    time_machine.move_to(now, tick=False)
    expires_at = now + timedelta(minutes=3)
    make_article(headline="Road closure today", expires_at=expires_at)
    assert b"Road closure today" in client.get("/").content
    time_machine.move_to(expires_at, tick=False)
    assert b"Road closure today" not in client.get("/").content


# Comments (when the comments app is installed) ---------------------------------------


@pytest.mark.skipif(not comments_installed(), reason="comments app not installed")
def test_approving_a_comment_shows_it_on_the_cached_article_page(client, story, commit):
    from comments.models import Comment

    comment = Comment.objects.create(
        article=story,
        author_name="Reader",
        content="Finally, a bridge that works.",
        status=Comment.Status.PENDING,
    )
    warm(client, [story.get_absolute_url()])
    assert b"a bridge that works" not in client.get(story.get_absolute_url()).content
    commit(comment.approve)
    assert b"a bridge that works" in client.get(story.get_absolute_url()).content


@pytest.mark.skipif(not comments_installed(), reason="comments app not installed")
def test_removing_a_comment_takes_it_off_the_cached_article_page(client, story, commit):
    from comments.models import Comment

    comment = Comment.objects.create(
        article=story,
        author_name="Reader",
        content="Rude words here.",
        status=Comment.Status.APPROVED,
    )
    warm(client, [story.get_absolute_url()])
    commit(comment.trash)
    assert b"Rude words here." not in client.get(story.get_absolute_url()).content


# Redis: counters apart from pages, and invalidations that miss Redis ----------------


def redis_cache(port: int, **options) -> dict:
    return {
        "BACKEND": "newsroom.cache_backend.ResilientRedisCache",
        "LOCATION": f"redis://127.0.0.1:{port}/0",
        "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5} | options,
    }


def caches_setting_with(monkeypatch, **environ) -> dict:
    """settings.CACHES as newsroom/settings.py builds it from these variables."""
    import newsroom.settings as settings_module

    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    try:
        return importlib.reload(settings_module).CACHES
    finally:
        for name in environ:
            monkeypatch.delenv(name)
        importlib.reload(settings_module)


def test_rate_limit_counters_get_their_own_redis_database(monkeypatch):
    caches_setting = caches_setting_with(
        monkeypatch, REDIS_URL="redis://10.0.0.12:6379/4"
    )
    assert caches_setting["default"]["LOCATION"] == "redis://10.0.0.12:6379/4"
    assert caches_setting["counters"]["LOCATION"] == "redis://10.0.0.12:6379/5"
    no_number = caches_setting_with(monkeypatch, REDIS_URL="redis://cache:6379")
    assert no_number["counters"]["LOCATION"] == "redis://cache:6379/1"


def test_rate_limit_counters_may_live_on_a_redis_of_their_own(monkeypatch):
    caches_setting = caches_setting_with(
        monkeypatch,
        REDIS_URL="redis://10.0.0.12:6379/0",
        REDIS_COUNTERS_URL="redis://10.0.0.13:6379/0",
    )
    assert caches_setting["counters"]["LOCATION"] == "redis://10.0.0.13:6379/0"


@pytest.mark.skipif(not redis_server_available(), reason="redis-server not installed")
def test_junk_requests_do_not_evict_a_rate_limit_counter(client, settings):
    # One small Redis that evicts under memory pressure, as in the report.
    port = free_port()
    with redis_server(port, "--maxmemory", "4mb", "--maxmemory-policy", "allkeys-lru"):
        settings.CACHES = {
            "default": redis_cache(port),
            "counters": redis_cache(port) | {"KEY_PREFIX": "counters"},
        }
        make_article(headline="Long read", body="<p>" + "word " * 20_000 + "</p>")
        for _ in range(2):
            assert not rate_limited("comment:203.0.113.9", limit=2, window=600)
        assert rate_limited("comment:203.0.113.9", limit=2, window=600)
        for n in range(300):
            assert client.get(f"/?utm_source=junk{n}").status_code == 200
        assert rate_limited("comment:203.0.113.9", limit=2, window=600)


@pytest.mark.skipif(not redis_server_available(), reason="redis-server not installed")
def test_unpublishing_while_redis_is_out_of_reach_leaves_no_stale_page(
    client, story, commit, settings, monkeypatch, time_machine
):
    port = free_port()
    with redis_server(port):
        proxy = TcpProxy(port)
        proxy.start()
        shared = {"default": redis_cache(proxy.port, DOWN_RETRY_SECONDS=60)}
        settings.CACHES = shared
        url = story.get_absolute_url()
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit"

        proxy.cut()  # the editor's process cannot tell Redis

        def unpublish():
            story.status = story.Status.DRAFT
            story.save()

        commit(unpublish)
        proxy.start()
        # Another process (or server) that never noticed the outage, and has just
        # made its periodic check: it knows nothing of the missed invalidation.
        settings.CACHES = dict(shared)
        monkeypatch.setattr(pagecache, "_next_check", time.time() + 1, raising=False)
        time_machine.move_to(timezone.now() + timedelta(seconds=1.5))
        assert client.get(url).status_code == 404
        assert Client().get("/").content.count(b"Harbour bridge") == 0
        proxy.cut()
