"""One story per address (/YYYY/MM/DD/slug/), kept by the database itself."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from articles.models import Article
from tests.support.concurrency import all_at_once, skip_on_in_memory_sqlite
from tests.support.factories import make_article, make_draft

pytestmark = pytest.mark.django_db


def test_the_database_refuses_a_second_story_at_the_same_address():
    story = make_article(headline="Harbour bridge reopens", slug="")
    with pytest.raises(IntegrityError), transaction.atomic():
        Article.objects.filter(pk=make_draft(headline="Other").pk).update(
            slug=story.slug,
            published_on=story.published_on,
            published_at=story.published_at,
        )


def test_a_publish_that_lost_the_race_takes_the_next_free_address(monkeypatch):
    """Both publishes checked for a free slug before either wrote (the race)."""
    first = make_article(headline="Harbour bridge reopens", slug="")
    second = make_draft(headline="Harbour bridge reopens", slug="")
    monkeypatch.setattr(
        Article,
        "_slug_free_on_publish_day",
        _checked_too_early(Article._slug_free_on_publish_day),
    )
    second.status, second.published_at = Article.Status.PUBLISHED, first.published_at
    second.save()

    assert second.slug == "harbour-bridge-reopens-2"
    assert first.get_absolute_url() != second.get_absolute_url()


def _checked_too_early(real_check):
    """The first call answers as the check did before the other story committed."""
    calls = []

    def check(self):
        calls.append(self)
        return self.slug if len(calls) == 1 else real_check(self)

    return check


def test_stories_on_different_days_may_share_a_slug():
    # At noon, in the past: the two stay a day apart in the site's time zone at any
    # hour the suite runs (an hour ago is yesterday just after midnight).
    noon = timezone.localtime().replace(hour=12, minute=0, second=0, microsecond=0)
    noon -= timedelta(days=1)
    today = make_article(headline="Budget day", slug="", published_at=noon)
    yesterday = make_article(
        headline="Budget day", slug="", published_at=noon - timedelta(days=1)
    )
    assert today.slug == yesterday.slug == "budget-day"


@pytest.mark.django_db(transaction=True)
def test_eight_editors_publishing_one_headline_at_once_get_eight_addresses():
    skip_on_in_memory_sqlite(
        "SQLite's BEGIN IMMEDIATE already runs the publishes one by one"
    )
    editor = get_user_model().objects.create_superuser("chief", "c@example.com", "pw")
    drafts = [
        make_draft(headline="Storm closes the harbour", slug="") for _ in range(8)
    ]
    assert all_at_once(lambda story: story.publish(editor), drafts) == []
    addresses = {story.get_absolute_url() for story in Article.objects.published()}
    assert len(addresses) == 8
    reader = Client()
    assert {reader.get(address).status_code for address in addresses} == {200}
