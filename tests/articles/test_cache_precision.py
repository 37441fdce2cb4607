"""A write refreshes the cached pages that show what it changed, and only those:
the rest of the site stays hot while the newsroom writes (articles/invalidation.py).

The suite runs on the local-memory cache and again on Redis (.ci/run), so each
test here is checked on both."""

import threading
from datetime import timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.support import pagecache as pagecache_fixtures
from tests.support.factories import (
    make_article,
    make_author,
    make_comment,
    make_draft,
    make_section,
)
from tests.support.pagecache import comments_installed

pytestmark = pytest.mark.django_db

page_cache_on = pagecache_fixtures.page_cache_on
commit = pagecache_fixtures.commit
missed_bump_check_not_due = pagecache_fixtures.missed_bump_check_not_due


@pytest.fixture
def newsroom():
    """Politics (Ann, #harbour) and Sport (Bob, #football), far apart in time, with
    stories between them so neither is the other's previous/next."""
    now = timezone.now()
    politics = make_section(name="Politics", slug="politics")
    sport = make_section(name="Sport", slug="sport")
    ann = make_author(name="Ann Reporter", slug="ann")
    bob = make_author(name="Bob Writer", slug="bob")
    harbour = make_article(
        headline="Harbour bridge reopens",
        section=politics,
        authors=[ann],
        tags=["harbour"],
        published_at=now - timedelta(days=3),
    )
    for n in range(3):
        make_article(
            headline=f"Weather update {n}",
            published_at=now - timedelta(days=2, hours=n),
        )
    derby = make_article(
        headline="Derby ends level",
        section=sport,
        authors=[bob],
        tags=["football"],
        published_at=now - timedelta(hours=1),
    )
    return {"harbour": harbour, "derby": derby, "sport": sport, "bob": bob}


def harbour_pages(newsroom):
    return [
        newsroom["harbour"].get_absolute_url(),
        reverse("articles:section", args=["politics"]),
        reverse("articles:tag", args=["harbour"]),
        reverse("articles:author", args=["ann"]),
        reverse("articles:section_feed", args=["politics"]),
    ]


def derby_pages(newsroom):
    return [
        newsroom["derby"].get_absolute_url(),
        reverse("articles:section", args=["sport"]),
        reverse("articles:tag", args=["football"]),
        reverse("articles:author", args=["bob"]),
        reverse("articles:section_feed", args=["sport"]),
    ]


def warm(client, urls):
    for url in urls:
        client.get(url)
        assert client.get(url)["X-Page-Cache"] == "hit", url


def assert_still_cached(client, urls):
    for url in urls:
        assert client.get(url)["X-Page-Cache"] == "hit", f"{url} was rendered again"


def assert_fresh(client, urls, text: bytes):
    for url in urls:
        response = client.get(url)
        assert response["X-Page-Cache"] == "miss", f"{url} still served from cache"
        assert text in response.content, url


def test_editing_a_live_story_leaves_the_pages_that_do_not_show_it_cached(
    client, newsroom, commit
):
    warm(client, ["/", *harbour_pages(newsroom), *derby_pages(newsroom)])
    harbour = newsroom["harbour"]

    def edit():
        harbour.headline = "Harbour bridge reopens to cyclists"
        harbour.save()

    commit(edit)
    assert_still_cached(client, derby_pages(newsroom))
    assert_fresh(client, harbour_pages(newsroom), b"reopens to cyclists")


def test_an_edit_that_only_touches_the_body_leaves_every_list_but_the_storys_own(
    client, newsroom, commit
):
    derby = newsroom["derby"]
    warm(client, [*harbour_pages(newsroom), derby.get_absolute_url()])

    def edit():
        derby.body = "<p>A late equaliser from the penalty spot.</p>"
        derby.save()

    commit(edit)
    assert_still_cached(client, harbour_pages(newsroom))
    assert_fresh(client, [derby.get_absolute_url()], b"late equaliser")


def test_a_body_edit_leaves_the_stories_linking_to_it_cached_but_a_headline_does_not(
    client, newsroom, commit
):
    derby = newsroom["derby"]
    draw = make_article(
        headline="Cup draw announced",
        section=newsroom["sport"],
        tags=["football"],
        published_at=timezone.now() - timedelta(hours=2),
    )
    linking = [draw.get_absolute_url()]  # its next story, more in Sport, related
    warm(client, [*linking, derby.get_absolute_url()])
    assert b"Derby ends level" in client.get(draw.get_absolute_url()).content

    def edit_body():
        derby.body = "<p>A late equaliser from the penalty spot.</p>"
        derby.save()

    commit(edit_body)
    assert_still_cached(client, linking)
    assert_fresh(client, [derby.get_absolute_url()], b"late equaliser")

    def retitle():
        derby.headline = "Derby ends in a late draw"
        derby.save()

    commit(retitle)
    assert_fresh(client, linking, b"Derby ends in a late draw")
    assert b"Derby ends level" not in client.get(draw.get_absolute_url()).content


@pytest.mark.skipif(not comments_installed(), reason="needs the comments app")
def test_approving_a_comment_refreshes_its_story_and_its_count_on_the_cached_lists(
    client, newsroom, commit
):
    from comments.models import Comment

    derby = newsroom["derby"]
    comment = make_comment(
        derby, content="What a match.", status=Comment.Status.PENDING
    )
    counted_on = [
        reverse("articles:section", args=["sport"]),
        reverse("articles:tag", args=["football"]),
    ]
    warm(client, [*harbour_pages(newsroom), derby.get_absolute_url(), *counted_on])

    commit(lambda: comment.approve(by=None))
    assert_still_cached(client, harbour_pages(newsroom))
    assert_fresh(client, [derby.get_absolute_url()], b"What a match.")
    for url in counted_on:  # still the stored list, with the count filled in now
        response = client.get(url)
        assert response["X-Page-Cache"] == "hit", url
        assert b'#comments">1 comment</a>' in response.content, url
    feed = client.get(reverse("comments:feed"))
    assert b"What a match." in feed.content


def test_publishing_refreshes_the_lists_it_joins_and_its_neighbour_only(
    client, newsroom, commit
):
    sport = newsroom["sport"]
    derby = newsroom["derby"]
    warm(client, ["/", *harbour_pages(newsroom), *derby_pages(newsroom)])
    draft = make_draft(headline="Transfer window opens", section=sport)
    draft.authors.add(newsroom["bob"])
    draft.tags.add("football")

    def publish():
        draft.status = Article.Status.PUBLISHED
        draft.published_at = timezone.now() - timedelta(seconds=1)
        draft.save()

    commit(publish)
    assert_still_cached(client, harbour_pages(newsroom))
    assert_fresh(
        client,
        [
            "/",
            reverse("articles:section", args=["sport"]),
            reverse("articles:tag", args=["football"]),
            reverse("articles:author", args=["bob"]),
            reverse("articles:feed"),
        ],
        b"Transfer window opens",
    )
    # The story before it now links forward to it.
    assert_fresh(client, [derby.get_absolute_url()], b"Transfer window opens")


def test_unpublishing_takes_the_story_off_every_page_that_showed_it(
    client, newsroom, commit
):
    derby = newsroom["derby"]
    warm(client, ["/", *derby_pages(newsroom)])

    def unpublish():
        derby.status = Article.Status.DRAFT
        derby.save()

    commit(unpublish)
    assert client.get(derby.get_absolute_url()).status_code == 404
    for url in ["/", *derby_pages(newsroom)[1:]]:
        assert b"Derby ends level" not in client.get(url).content, url


def test_a_drafts_edits_leave_every_cached_page_alone(client, newsroom, commit):
    draft = make_draft(headline="Budget leak")
    urls = ["/", *harbour_pages(newsroom), *derby_pages(newsroom)]
    warm(client, urls)

    def edit():
        draft.body = "<p>Figures we must not print yet.</p>"
        draft.save()
        draft.tags.add("budget")

    commit(edit)
    assert_still_cached(client, urls)


def test_tagging_a_live_story_puts_it_on_the_topic_page(client, newsroom, commit):
    harbour = newsroom["harbour"]
    football = reverse("articles:tag", args=["football"])
    warm(client, [football, reverse("articles:section", args=["sport"])])

    commit(lambda: harbour.tags.add("football"))
    assert_still_cached(client, [reverse("articles:section", args=["sport"])])
    assert_fresh(client, [football], b"Harbour bridge reopens")


def test_renaming_a_section_refreshes_every_page(client, newsroom, commit):
    sport = newsroom["sport"]
    warm(client, harbour_pages(newsroom))

    def rename():
        sport.name = "Sports desk"
        sport.save()

    commit(rename)
    # The section menu is on every page.
    assert_fresh(client, harbour_pages(newsroom)[:4], b"Sports desk")


def _in_another_thread(request):
    """A reader in another worker thread: its own connection, outside the editor's
    transaction."""
    answer = {}

    def read():
        try:
            answer["response"] = request()
        except Exception as exc:  # raised again in the test's own thread
            answer["error"] = exc
        finally:
            connection.close()

    reader = threading.Thread(target=read)
    reader.start()
    reader.join(timeout=20)
    if "error" in answer:
        raise answer["error"]
    return answer["response"]


@pytest.mark.django_db(transaction=True)
def test_readers_keep_the_cached_page_until_the_editors_save_commits(
    missed_bump_check_not_due,
):
    """A page rendered from the old rows while the save's transaction is open would
    be thrown away by the commit: readers keep the stored one until the commit,
    and the page is rendered once after it."""
    story = make_article(
        headline="Harbour bridge reopens", body="<p>Cars are back.</p>"
    )
    url = story.get_absolute_url()
    reader = Client()
    reader.get(url)
    assert reader.get(url)["X-Page-Cache"] == "hit"

    with transaction.atomic():
        story.body = "<p>Cyclists too.</p>"
        story.save()
        elsewhere = _in_another_thread(lambda: Client().get(url))
        assert elsewhere["X-Page-Cache"] == "hit"
        assert b"Cars are back." in elsewhere.content
        own = Client().get(url)  # the editor's thread sees its own write
        assert b"Cyclists too." in own.content

    after = reader.get(url)
    assert after["X-Page-Cache"] == "miss"
    assert b"Cyclists too." in after.content
    assert reader.get(url)["X-Page-Cache"] == "hit"


def test_a_page_read_inside_a_rolled_back_save_is_never_served_again(client, newsroom):
    """The editor's own thread reads its uncommitted change; once that change is
    rolled back, no later write can bring back the page it read."""
    derby = newsroom["derby"]
    url = derby.get_absolute_url()
    warm(client, [url])

    class Abandoned(Exception):
        pass

    with pytest.raises(Abandoned), transaction.atomic():
        derby.body = "<p>A draft sentence nobody kept.</p>"
        derby.save()
        assert b"nobody kept" in client.get(url).content
        raise Abandoned

    derby.refresh_from_db()
    derby.body = "<p>A late equaliser from the penalty spot.</p>"
    derby.save()
    page = client.get(url)
    assert b"late equaliser" in page.content
    assert b"nobody kept" not in page.content
