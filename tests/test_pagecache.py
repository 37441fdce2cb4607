"""The anonymous page cache: hits, headers, privacy and exact invalidation."""

import importlib
import time
from datetime import timedelta

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import connection
from django.http import HttpRequest
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from taggit.models import Tag

from articles.models import Byline, Correction, Quote
from newsroom import pagecache
from newsroom.ratelimit import rate_limited
from newsroom.routers import PIN_COOKIE
from tests.factories import make_article, make_author, make_draft, make_section
from tests.ops_support import (
    TcpProxy,
    free_port,
    redis_server,
    redis_server_available,
)

pytestmark = pytest.mark.django_db


def _comments_installed():
    from django.apps import apps

    return apps.is_installed("comments")


@pytest.fixture(autouse=True)
def page_cache_on(settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    settings.PAGE_CACHE_MAX_AGE = 10
    settings.VAR_DIR = tmp_path  # the version stamp of the local-memory cache


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


# Serving from the cache -----------------------------------------------------------


def test_second_anonymous_request_is_served_without_queries(
    client, story, django_assert_num_queries
):
    first = client.get(story.get_absolute_url())
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(story.get_absolute_url())
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content


def test_head_request_is_answered_from_the_cache_without_a_body(client, story):
    full = client.get(story.get_absolute_url())
    head = client.head(story.get_absolute_url())
    assert head["X-Page-Cache"] == "hit"
    assert head.content == b""
    assert int(head["Content-Length"]) == len(full.content)


def test_cached_page_tells_browsers_and_proxies_how_to_cache_it(client, story):
    response = client.get(story.get_absolute_url())
    cache_control = {d.strip() for d in response["Cache-Control"].split(",")}
    assert cache_control == {"public", "max-age=10", "s-maxage=10"}
    assert {v.strip() for v in response["Vary"].split(",")} >= {
        "Cookie",
        "Accept-Encoding",
    }
    assert response["ETag"].startswith('"')
    assert response["Last-Modified"].endswith("GMT")
    # The security headers of the original response are kept on a hit.
    hit = client.get(story.get_absolute_url())
    assert hit["X-Frame-Options"] == "DENY"
    assert "Content-Security-Policy" in hit


def test_conditional_get_with_the_etag_answers_304(client, story):
    etag = client.get(story.get_absolute_url())["ETag"]
    response = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 304
    assert response.content == b""


def test_conditional_get_with_the_last_modified_time_answers_304(client, story):
    modified = client.get(story.get_absolute_url())["Last-Modified"]
    response = client.get(story.get_absolute_url(), HTTP_IF_MODIFIED_SINCE=modified)
    assert response.status_code == 304


def test_conditional_get_after_an_edit_gets_the_new_page(
    client, story, django_capture_on_commit_callbacks
):
    etag = client.get(story.get_absolute_url())["ETag"]
    with django_capture_on_commit_callbacks(execute=True):
        story.standfirst = "Now with a cycle lane."
        story.save()
    response = client.get(story.get_absolute_url(), HTTP_IF_NONE_MATCH=etag)
    assert response.status_code == 200
    assert b"Now with a cycle lane." in response.content


def test_missing_story_404_is_cached_too(client, django_assert_num_queries):
    assert client.get("/2020/01/01/nothing-here/").status_code == 404
    with django_assert_num_queries(0):
        response = client.get("/2020/01/01/nothing-here/")
    assert response.status_code == 404


def test_each_query_string_is_its_own_page(client, story):
    assert client.get("/?page=1")["X-Page-Cache"] == "miss"
    assert client.get("/?page=2").status_code == 404  # only one page of stories
    assert client.get("/?page=1")["X-Page-Cache"] == "hit"


def test_page_cache_seconds_zero_switches_the_cache_off(client, story, settings):
    settings.PAGE_CACHE_SECONDS = 0
    client.get("/")
    response = client.get("/")
    assert "X-Page-Cache" not in response
    assert "Cache-Control" not in response


def test_unknown_host_is_a_400_not_a_500(client):
    assert client.get("/", HTTP_HOST="evil.example").status_code == 400


# Privacy ----------------------------------------------------------------------------


def test_logged_in_editor_never_gets_the_cached_page(client, story, staff_editor):
    client.get("/")
    editor = Client()
    editor.force_login(staff_editor)
    response = editor.get("/")
    assert "X-Page-Cache" not in response
    assert "private" in response["Cache-Control"]


def test_editor_page_is_never_served_to_an_anonymous_reader(
    client, story, staff_editor
):
    editor = Client()
    editor.force_login(staff_editor)
    editor.get("/")
    editor.get(story.get_absolute_url())
    assert client.get("/")["X-Page-Cache"] == "miss"
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "miss"


def test_preview_is_never_cached_and_never_reaches_a_reader(client, staff_editor):
    draft = make_draft(headline="Secret draft headline")
    editor = Client()
    editor.force_login(staff_editor)
    url = reverse("articles:preview", args=[draft.pk])
    preview = editor.get(url)
    assert b"Secret draft headline" in preview.content
    assert "X-Page-Cache" not in preview
    anonymous = client.get(url)
    assert anonymous.status_code == 403
    assert b"Secret draft headline" not in anonymous.content


def _messages_cookie(text: str) -> str:
    request = HttpRequest()
    storage = CookieStorage(request)
    return storage._encode([Message(constants.SUCCESS, text)])


def test_a_readers_message_is_never_cached_or_shown_to_another_reader(client, story):
    reader = Client()
    reader.cookies["messages"] = _messages_cookie("Your comment is awaiting moderation")
    own = reader.get("/")
    assert b"Your comment is awaiting moderation" in own.content
    assert "X-Page-Cache" not in own
    other = client.get("/")
    assert other["X-Page-Cache"] == "miss"
    assert b"awaiting moderation" not in other.content


def test_request_with_a_session_cookie_bypasses_the_cache(client, story, settings):
    client.get("/")
    reader = Client()
    reader.cookies[settings.SESSION_COOKIE_NAME] = "someone-elses-session"
    assert "X-Page-Cache" not in reader.get("/")


def test_reader_with_only_a_csrf_cookie_still_gets_cached_pages(
    client, story, settings
):
    client.get("/")
    reader = Client()
    reader.cookies[settings.CSRF_COOKIE_NAME] = "x" * 32
    assert reader.get("/")["X-Page-Cache"] == "hit"


def test_page_with_a_csrf_token_is_never_cached(client):
    # The admin login form renders a token and sets the CSRF cookie.
    first = client.get(reverse("admin:login"))
    assert first.cookies
    second = Client().get(reverse("admin:login"))
    assert "X-Page-Cache" not in second
    assert first.cookies["csrftoken"].value != second.cookies["csrftoken"].value


def test_redirect_to_login_is_not_cached(client, staff_editor):
    draft = make_draft()
    response = client.get(reverse("admin:articles_article_change", args=[draft.pk]))
    assert response.status_code == 302
    assert "X-Page-Cache" not in response


# Exact invalidation -------------------------------------------------------------------


@pytest.fixture
def commit(django_capture_on_commit_callbacks):
    """Run a write as if its transaction committed (tests run inside one)."""

    def run(write):
        with django_capture_on_commit_callbacks(execute=True):
            write()

    return run


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
    assert pagecache.bump_content_version in callbacks
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


@pytest.mark.skipif(not _comments_installed(), reason="comments app not installed")
def test_a_comment_held_for_moderation_leaves_cached_pages_valid(client, story, commit):
    from comments.models import Comment

    warm(client, [story.get_absolute_url()])
    commit(
        lambda: Comment.objects.create(
            article=story, author_name="R", content="Held.", status="pending"
        )
    )
    assert client.get(story.get_absolute_url())["X-Page-Cache"] == "hit"


@pytest.mark.skipif(not _comments_installed(), reason="comments app not installed")
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


@pytest.mark.skipif(not _comments_installed(), reason="comments app not installed")
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


@pytest.mark.skipif(not _comments_installed(), reason="comments app not installed")
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


# Redirects ------------------------------------------------------------------------


def test_a_redirect_without_a_body_is_cached_not_a_500(client, story):
    # CommonMiddleware's trailing-slash redirect has an empty body, hence no ETag.
    url = story.get_absolute_url().rstrip("/")
    first = client.get(url)
    assert first.status_code == 301
    assert first["Location"] == story.get_absolute_url()
    second = client.get(url)
    assert second.status_code == 301
    assert second["X-Page-Cache"] == "hit"
    assert second["Location"] == story.get_absolute_url()


# Query strings and cookies the site never reads -----------------------------------


def test_tracking_parameters_share_one_cached_page(client, story):
    assert client.get("/?utm_source=a")["X-Page-Cache"] == "miss"
    for junk in ("/?utm_source=b", "/?fbclid=x&gclid=y", "/?anything=1", "/"):
        assert client.get(junk)["X-Page-Cache"] == "hit", junk


def stored_pages() -> int:
    """How many pages the page cache holds now (local memory or Redis)."""
    if (
        isinstance(cache, LocMemCache)
        or hasattr(cache, "_cache")
        and isinstance(cache._cache, dict)
    ):
        return sum(":page:" in key for key in cache._cache)
    client = cache._cache.get_client()
    return sum(1 for _ in client.scan_iter(match="*pagecache:*:page:*"))


def test_junk_query_strings_render_once_and_store_one_entry(client, story):
    with CaptureQueriesContext(connection) as first:
        client.get("/tag/harbour/?utm_source=junk0")
    with CaptureQueriesContext(connection) as rest:
        for n in range(1, 200):
            response = client.get(f"/tag/harbour/?utm_source=junk{n}&gclid={n}")
            assert response.status_code == 200
    assert len(first) > 0
    assert len(rest) == 0  # 199 hits: no page was rendered again
    assert stored_pages() == 1


def test_parameters_a_view_reads_still_make_their_own_pages(client, story):
    for n in range(2, 5):
        make_article(headline=f"Filler {n}")
    assert client.get("/?page=1")["X-Page-Cache"] == "miss"
    assert client.get("/?p=999999").status_code == 404  # a WordPress link
    assert client.get("/search/?q=harbour")["X-Page-Cache"] == "miss"
    assert client.get("/search/?q=bridge")["X-Page-Cache"] == "miss"
    assert b'value="harbour"' in client.get("/search/?q=harbour&utm_source=x").content


def test_a_parameter_is_kept_only_on_the_pages_that_read_it(client, story):
    client.get("/")
    # Only the search page reads q, only the home page reads p.
    assert client.get("/?q=anything")["X-Page-Cache"] == "hit"
    assert client.get("/tag/harbour/")["X-Page-Cache"] == "miss"
    assert client.get("/tag/harbour/?p=5")["X-Page-Cache"] == "hit"


def test_a_shared_redirect_never_carries_another_readers_parameters(client, story):
    # The trailing-slash redirect repeats the query string it was given; the
    # cached copy is served to everyone, so the view sees only what it reads.
    first = client.get("/tag/harbour?utm_source=SOMEONE-ELSES&page=1")
    assert first.status_code == 301
    assert first["Location"] == "/tag/harbour/?page=1"
    second = Client().get("/tag/harbour?page=1&fbclid=other")
    assert second["X-Page-Cache"] == "hit"
    assert second["Location"] == "/tag/harbour/?page=1"


def test_analytics_cookies_do_not_bypass_the_cache(client, story):
    client.get("/")
    reader = Client()
    reader.cookies["_ga"] = "GA1.1.123.456"
    reader.cookies["_pk_id.1.abcd"] = "xyz"
    reader.cookies["comment_author"] = "Ann"  # read only by comments.js
    assert reader.get("/")["X-Page-Cache"] == "hit"


def test_a_page_first_asked_for_with_an_analytics_cookie_is_shared(client, story):
    reader = Client()
    reader.cookies["_ga"] = "GA1.1.123.456"
    assert reader.get("/")["X-Page-Cache"] == "miss"
    assert client.get("/")["X-Page-Cache"] == "hit"


def test_the_replica_pin_cookie_bypasses_the_cache(client, story):
    # Set after a write so the writer reads their own change from the primary.
    client.get("/")
    reader = Client()
    reader.cookies[PIN_COOKIE] = "1"
    assert "X-Page-Cache" not in reader.get("/")


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
