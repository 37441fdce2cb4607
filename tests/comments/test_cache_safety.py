"""With the anonymous page cache switched on, nobody receives another reader's data."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from comments.models import Comment
from tests.support.comments import form_data
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def page_cache(settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    settings.VAR_DIR = tmp_path


def without_timestamps(html: str) -> str:
    return re.sub(r'name="ts" value="[^"]*"', 'name="ts" value=""', html)


def test_commenter_preview_is_never_served_to_another_reader(page_cache):
    article = make_article()
    url = article.get_absolute_url()
    reader, commenter = Client(), Client()
    reader.get(url)  # the shared page is now cached
    posted = commenter.post(
        reverse("comments:post"),
        form_data(article, comment="Private until approved.", cookies_consent="on"),
    )
    preview = commenter.get(posted["Location"])
    assert "Private until approved." in preview.content.decode()
    assert "X-Page-Cache" not in preview or preview["X-Page-Cache"] != "hit"

    for _ in range(2):  # a miss, then a hit: neither carries the preview
        shared = reader.get(url)
        assert "Private until approved." not in shared.content.decode()
    assert shared["X-Page-Cache"] == "hit"
    # A stranger who requests the preview URL without the commenter's link gets
    # the plain page; one who reuses the link after ten minutes does too (tested
    # elsewhere). The link itself is never stored by the cache:
    again = Client().get(posted["Location"])
    assert again.get("X-Page-Cache") != "hit"
    assert "no-store" in again["Cache-Control"]


def test_cached_story_page_has_no_per_user_data(page_cache, django_user_model):
    article = make_article()
    url = article.get_absolute_url()
    commenter = Client()
    commenter.post(
        reverse("comments:post"),
        form_data(
            article,
            author="Carla Commenter",
            email="carla@example.com",
            cookies_consent="on",
        ),
    )
    first = Client().get(url)
    second = Client().get(url)
    assert second["X-Page-Cache"] == "hit"
    html = second.content.decode()
    for private in ("Carla Commenter", "carla@example.com", "csrfmiddlewaretoken"):
        assert private not in html
    assert without_timestamps(first.content.decode()) == without_timestamps(html)


def test_approving_a_comment_shows_it_on_the_cached_page(
    page_cache, django_capture_on_commit_callbacks
):
    article = make_article()
    url = article.get_absolute_url()
    Client().post(
        reverse("comments:post"), form_data(article, comment="Worth reading.")
    )
    Client().get(url)
    assert "Worth reading." not in Client().get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        Comment.objects.get().approve()  # an UPDATE: it tells the page cache itself
    fresh = Client().get(url)
    assert "Worth reading." in fresh.content.decode()
