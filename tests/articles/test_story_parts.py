"""After a comment is approved, a story's page is built again from the parts its
comments do not change (articles/fragments.py): the same markup as a full render,
for less work."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from articles.models import Article
from tests.support import pagecache as pagecache_fixtures
from tests.support.factories import (
    make_article,
    make_author,
    make_comment,
    make_section,
)
from tests.support.pagecache import comments_installed

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(not comments_installed(), reason="needs the comments app"),
]

page_cache_on = pagecache_fixtures.page_cache_on
commit = pagecache_fixtures.commit


@pytest.fixture
def story():
    section = make_section(name="Politics", slug="politics")
    make_article(
        headline="Council meets",
        section=section,
        tags=["harbour"],
        published_at=timezone.now() - timedelta(days=1),
    )
    return make_article(
        headline="Harbour bridge reopens",
        section=section,
        authors=[make_author(name="Ann Reporter", slug="ann")],
        tags=["harbour"],
        quotes=[{"text": "It is open.", "speaker": "The Mayor"}],
        body="<p>Cars are back.</p><p>[quote 1]</p>",
    )


def full_render(client, url):
    """The page rendered from nothing: no page, no parts kept."""
    cache.clear()
    return client.get(url)


def markup(response) -> bytes:
    """The page, less the comment form's signed time stamp (it says when the form
    was rendered, so no two renders share it)."""
    return re.sub(rb'name="ts" value="[^"]*"', b'name="ts"', response.content)


def test_after_an_approval_the_page_is_the_full_render_with_the_new_comment(
    client, story, commit
):
    from comments.models import Comment

    url = story.get_absolute_url()
    make_comment(story, content="First!")
    client.get(url)
    held = make_comment(
        story, content="Second thoughts.", status=Comment.Status.PENDING
    )
    commit(lambda: held.approve(by=None))

    with CaptureQueriesContext(connection) as from_parts:
        rebuilt = client.get(url)
    assert rebuilt["X-Page-Cache"] == "miss"
    assert b"Second thoughts." in rebuilt.content
    assert b'"commentCount": 2' in rebuilt.content
    full = full_render(client, url)
    assert markup(rebuilt) == markup(full)
    # The story, its bylines, tags, quotes, corrections and navigation were not read.
    with CaptureQueriesContext(connection) as in_full:
        full_render(client, url)
    assert len(from_parts) < len(in_full) - 4


def test_editing_the_story_renders_it_in_full_again(client, story, commit):
    url = story.get_absolute_url()
    client.get(url)

    def edit():
        story.body = "<p>Cyclists too.</p><p>[quote 1]</p>"
        story.save()

    commit(edit)
    response = client.get(url)
    assert b"Cyclists too." in response.content
    assert b"Cars are back." not in response.content
    assert markup(response) == markup(full_render(client, url))


def test_a_new_story_beside_it_updates_its_links(client, story, commit):
    url = story.get_absolute_url()
    client.get(url)
    newer = make_article(headline="Ferry timetable changes", tags=["harbour"])
    commit(lambda: newer.save())
    make_comment(story, content="Approved meanwhile.")  # a save: parts reused if fresh
    response = client.get(url)
    assert b"Ferry timetable changes" in response.content
    assert markup(response) == markup(full_render(client, url))


def test_a_story_at_the_address_that_is_no_longer_live_is_not_shown(
    client, story, commit
):
    url = story.get_absolute_url()
    client.get(url)

    def unpublish():
        story.status = Article.Status.DRAFT
        story.save()

    commit(unpublish)
    assert client.get(url).status_code == 404


def test_a_comment_that_quotes_the_count_markup_cannot_change_the_count(
    client, story, commit
):
    """The JSON-LD count is filled in on every render; text a reader wrote is not."""
    url = story.get_absolute_url()
    make_comment(story, content='"commentCount": 1')
    client.get(url)
    extra = make_comment(story, content="Another.", status="pending")
    commit(lambda: extra.approve(by=None))
    response = client.get(url)
    assert markup(response) == markup(full_render(client, url))
