"""Addresses are remembered per process (newsroom/reversing.py), yet every link is
what reverse() gives at the time: under the site's script prefix, its URLconf and
its language, for each story, section and author."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.test import override_settings
from django.urls import clear_script_prefix, include, path, reverse, set_script_prefix

from newsroom.reversing import remembered_reverse
from tests.support.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

# The site's stories under /news/, as another deployment might mount them.
urlpatterns = [path("news/", include("articles.urls"))]

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def linked(settings):
    settings.TIME_ZONE = "Europe/London"
    section = make_section(name="Harbour", slug="harbour")
    author = make_author(name="Zoë Ærø", slug="zoë-ærø")  # quoted in the address
    story = make_article(
        slug="ferry-returns",
        section=section,
        # Late on the 4th in London is the 5th in UTC: the local day counts.
        published_at=datetime(2026, 3, 4, 23, 30, tzinfo=LONDON),
    )
    return story, section, author


def _links(story, section, author):
    return [
        story.get_absolute_url(),
        section.get_absolute_url(),
        author.get_absolute_url(),
    ]


def test_links_are_what_reverse_gives(linked):
    story, section, author = linked
    expected = [
        "/2026/03/04/ferry-returns/",
        "/section/harbour/",
        reverse("articles:author", args=["zoë-ærø"]),
    ]
    assert expected[2] == "/author/zo%C3%AB-%C3%A6r%C3%B8/"
    assert _links(story, section, author) == expected
    assert _links(story, section, author) == expected  # remembered: the same
    assert remembered_reverse("articles:tag", "ü") == reverse(
        "articles:tag", args=["ü"]
    )


def test_links_follow_the_script_prefix_and_the_urlconf(linked):
    story, section, author = linked
    plain = _links(story, section, author)
    set_script_prefix("/site/")
    try:
        assert _links(story, section, author) == [f"/site{link}" for link in plain]
    finally:
        clear_script_prefix()
    assert _links(story, section, author) == plain
    with override_settings(ROOT_URLCONF=__name__):
        assert _links(story, section, author) == [f"/news{link}" for link in plain]
    assert _links(story, section, author) == plain


def test_a_changed_slug_or_publish_time_is_a_new_link(linked):
    story, section, _ = linked
    before = story.get_absolute_url()
    story.slug = "ferry-returns-at-last"
    story.published_at = datetime(2026, 3, 6, 9, 0, tzinfo=LONDON)
    assert story.get_absolute_url() == "/2026/03/06/ferry-returns-at-last/" != before
    section.slug = "port"
    assert section.get_absolute_url() == "/section/port/"
