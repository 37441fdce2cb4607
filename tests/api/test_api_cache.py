"""The API's anonymous reads go through the page cache, with the pages' exact
invalidation: a comment approved on one story refreshes that story's comments,
not the story list; a publish refreshes the lists."""

import pytest

from comments.models import Comment
from tests.support import pagecache as pagecache_fixtures
from tests.support.factories import make_article, make_comment, make_section
from tests.support.pagecache import warm

pytestmark = pytest.mark.django_db

page_cache_on = pagecache_fixtures.page_cache_on
commit = pagecache_fixtures.commit


def test_a_second_read_is_served_from_the_cache_with_etag_and_304(client):
    make_article(headline="Cached story")
    first = client.get("/api/v1/stories/")
    assert first["X-Page-Cache"] == "miss"
    assert first["ETag"] and first["Last-Modified"]
    again = client.get("/api/v1/stories/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
    assert client.get("/api/v1/stories/")["X-Page-Cache"] == "hit"


def test_approving_a_comment_refreshes_its_thread_but_not_the_lists(client, commit):
    section = make_section(slug="politics")
    story = make_article(section=section)
    held = make_comment(story, status=Comment.Status.PENDING, content="Now approved")
    lists = ["/api/v1/stories/?section=politics", "/api/v1/sections/"]
    thread = f"/api/v1/stories/{story.pk}/comments/"
    other = make_article()
    warm(client, [*lists, thread, f"/api/v1/stories/{other.pk}/"])

    commit(lambda: held.approve())

    assert b"Now approved" in client.get(thread).content
    assert client.get(f"/api/v1/stories/{other.pk}/")["X-Page-Cache"] == "hit"
    assert client.get("/api/v1/sections/")["X-Page-Cache"] == "hit"


def test_a_publish_refreshes_the_story_list(client, commit):
    make_article(headline="Older story")
    warm(client, ["/api/v1/stories/"])

    commit(lambda: make_article(headline="Breaking story"))

    response = client.get("/api/v1/stories/")
    assert response["X-Page-Cache"] == "miss"
    assert b"Breaking story" in response.content


def test_unknown_parameters_are_refused_before_the_cache_drops_them(client):
    make_article()
    warm(client, ["/api/v1/stories/"])
    response = client.get("/api/v1/stories/?utm_source=x")
    assert response.status_code == 400
    assert response.has_header("X-Page-Cache") is False


def test_without_the_page_cache_answers_still_carry_an_etag(client, settings):
    settings.PAGE_CACHE_SECONDS = 0
    story = make_article()
    first = client.get(f"/api/v1/stories/{story.pk}/")
    assert first["ETag"] and first["Last-Modified"]
    again = client.get(f"/api/v1/stories/{story.pk}/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304
