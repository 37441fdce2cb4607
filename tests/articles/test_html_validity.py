"""Markup the W3C checker and screen readers rely on, on the public pages."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Correction
from tests.support.factories import (
    make_article,
    make_author,
    make_comment,
    make_section,
)

pytestmark = pytest.mark.django_db

# HTML's valid date / global date and time strings, as the templates emit them.
VALID_DATETIME = re.compile(
    r"^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(Z|[+-]\d{2}:\d{2}))?$"
)


@pytest.fixture
def story_published_now():
    """A story published with "Publish now": its time carries microseconds."""
    moment = timezone.now().replace(microsecond=268823) - timedelta(minutes=5)
    story = make_article(
        headline="Harbour bridge reopens",
        published_at=moment,
        section=make_section(name="Local", slug="local"),
        authors=[make_author(name="Ann Reporter", slug="ann-reporter")],
        tags=["harbour"],
        quotes=[{"text": "It is open.", "speaker": "The Mayor"}],
        body="<p>Cars are back.</p><p>[quote 1]</p>",
    )
    comment = make_comment(story)
    type(comment).objects.filter(pk=comment.pk).update(created_at=moment)
    Correction.objects.create(article=story, text="The bridge is 2 km long.")
    return story


def public_pages(story) -> list[str]:
    return [
        "/",
        story.get_absolute_url(),
        "/section/local/",
        "/tag/harbour/",
        "/author/ann-reporter/",
        "/search/?q=harbour",
        "/quotes/",
        "/corrections/",
        f"/{story.published_at:%Y}/",
    ]


def test_every_datetime_attribute_is_a_valid_html_datetime(client, story_published_now):
    for path in public_pages(story_published_now):
        html = client.get(path).content.decode()
        values = re.findall(r'datetime="([^"]*)"', html)
        assert values, path
        invalid = [value for value in values if not VALID_DATETIME.match(value)]
        assert invalid == [], path


def test_no_public_page_skips_a_heading_level(client, story_published_now):
    for path in public_pages(story_published_now):
        html = client.get(path).content.decode()
        levels = [int(level) for level in re.findall(r"<h([1-6])[\s>]", html)]
        assert levels[0] == 1, path
        skips = [
            (before, after)
            for before, after in zip(levels, levels[1:], strict=False)
            if after > before + 1
        ]
        assert skips == [], path
