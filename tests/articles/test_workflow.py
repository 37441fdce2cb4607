"""Statuses and transitions: submit, publish, schedule, unpublish, expiry, slugs."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django.db import connection
from django.db.models.signals import post_save
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles import workflow
from articles.models import Article, ArticleRedirect
from tests.support.desk import add_form_data, make_staff, post_change
from tests.support.factories import make_article, make_draft

pytestmark = pytest.mark.django_db

NINE_NOV_0800_MSK = datetime(2016, 11, 9, 5, 0, tzinfo=UTC)


@pytest.fixture
def editor(django_user_model):
    return make_staff(django_user_model, "Editor")


def test_submit_for_review_moves_a_draft_into_review(editor):
    story = make_draft()
    story.submit_for_review(editor)
    story.refresh_from_db()
    assert story.status == Article.Status.REVIEW


def test_a_story_already_in_review_cannot_be_submitted_again(editor):
    story = make_article(status=Article.Status.REVIEW, published_at=None)
    with pytest.raises(workflow.Refused, match="In review"):
        story.submit_for_review(editor)


def test_publish_makes_the_story_live_now(editor):
    story = make_draft()
    story.publish(editor)
    assert Article.objects.published().filter(pk=story.pk).exists()


def test_publish_keeps_an_earlier_publish_time_so_the_address_stays(editor):
    first = timezone.now() - timedelta(days=3)
    story = make_article(published_at=first)
    story.unpublish(editor)
    story.publish(editor)
    story.refresh_from_db()
    assert story.published_at == first


def test_publishing_a_live_story_again_is_refused(editor):
    story = make_article()
    with pytest.raises(workflow.Refused, match="Live"):
        story.publish(editor)


def test_unpublish_returns_the_story_to_draft_and_off_the_site(editor):
    story = make_article()
    story.unpublish(editor)
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT
    assert not Article.objects.published().filter(pk=story.pk).exists()


def test_an_author_may_not_publish_someone_elses_story(django_user_model):
    author = make_staff(django_user_model, "Author")
    story = make_draft()
    with pytest.raises(workflow.NotAllowed):
        story.publish(author)
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_a_scheduled_story_goes_live_exactly_at_its_publish_time(editor):
    when = datetime(2030, 1, 1, 8, 0, tzinfo=UTC)
    story = make_draft()
    with time_machine.travel(when - timedelta(days=1), tick=False):
        story.schedule(editor, when)
    with time_machine.travel(when - timedelta(microseconds=1), tick=False):
        assert not Article.objects.published().filter(pk=story.pk).exists()
        assert not story.is_published()
    with time_machine.travel(when, tick=False):
        assert Article.objects.published().filter(pk=story.pk).exists()
        assert story.is_published()


def test_a_story_leaves_the_site_exactly_at_its_expiry_time():
    expiry = datetime(2030, 6, 1, 12, 0, tzinfo=UTC)
    story = make_article(published_at=expiry - timedelta(days=1), expires_at=expiry)
    with time_machine.travel(expiry - timedelta(microseconds=1), tick=False):
        assert Article.objects.published().filter(pk=story.pk).exists()
    with time_machine.travel(expiry, tick=False):
        assert not Article.objects.published().filter(pk=story.pk).exists()
        assert Article.objects.expired().filter(pk=story.pk).exists()


def test_scheduling_in_the_past_is_refused(editor):
    story = make_draft()
    with pytest.raises(workflow.Refused, match="future"):
        story.schedule(editor, timezone.now() - timedelta(minutes=1))


def test_the_desk_names_the_scheduled_time_in_the_site_time_zone(settings):
    settings.TIME_ZONE = "Europe/Moscow"
    story = Article(status=Article.Status.PUBLISHED, published_at=NINE_NOV_0800_MSK)
    with time_machine.travel(NINE_NOV_0800_MSK - timedelta(hours=1), tick=False):
        timezone.activate("Europe/Moscow")
        try:
            label = workflow.describe_status(story)
        finally:
            timezone.deactivate()
    assert label == "Scheduled for 9 Nov 2016, 08:00 (Europe/Moscow)"


def test_the_article_list_shows_scheduled_live_and_in_review(client, editor):
    make_article(headline="Out now")
    make_article(headline="Tomorrow", published_at=timezone.now() + timedelta(days=1))
    make_article(headline="Waiting", status=Article.Status.REVIEW, published_at=None)
    client.force_login(editor)
    text = client.get(reverse("admin:articles_article_changelist")).text
    assert "Live" in text
    assert "Scheduled for" in text
    assert "In review" in text


def test_schedule_button_uses_the_publish_time_typed_in_the_form(client, editor):
    story = make_draft()
    when = (timezone.now() + timedelta(days=3)).replace(microsecond=0)
    client.force_login(editor)
    post_change(client, story, published_at=when, _workflow="schedule")
    story.refresh_from_db()
    assert story.is_scheduled()
    assert story.published_at == when


def test_apply_runs_the_transition_it_names(editor):
    story = make_draft()
    story.apply("submit", by=editor)
    assert story.status == Article.Status.REVIEW
    when = timezone.now() + timedelta(days=1)
    story.apply("schedule", by=editor, when=when)
    assert story.is_scheduled() and story.published_at == when
    story.apply("unpublish", by=editor)
    assert story.status == Article.Status.DRAFT
    story.apply("publish", by=editor)
    assert story.is_published()


def test_apply_refuses_an_action_that_is_not_a_transition(editor):
    story = make_draft()
    with pytest.raises(ValueError, match="delete"):
        story.apply("delete", by=editor)


class ArticleWrites:
    """Article saves (post_save) and the SQL that writes its row, while active."""

    def __enter__(self):
        self.saves = []
        post_save.connect(self._saved, sender=Article)
        self.queries = CaptureQueriesContext(connection).__enter__()
        return self

    def __exit__(self, *exc):
        self.queries.__exit__(*exc)
        post_save.disconnect(self._saved, sender=Article)

    def _saved(self, sender, instance, **kwargs):
        self.saves.append(instance.status)

    @property
    def row_writes(self):
        writes = re.compile(r'^(UPDATE|INSERT INTO) "articles_article"\s')
        return [q["sql"] for q in self.queries if writes.match(q["sql"])]


def test_one_publish_click_saves_the_story_once_in_one_revision(client, editor):
    story = make_draft(headline="First words")
    client.force_login(editor)
    with ArticleWrites() as writes:
        response = post_change(
            client, story, headline="Edited and published", _workflow="publish"
        )
    assert response.status_code == 302
    # The form's edits and the transition go out together (not a save, then a
    # second save by the transition).
    assert writes.saves == [Article.Status.PUBLISHED]
    assert len(writes.row_writes) == 1
    [version] = Version.objects.get_for_object(story)
    assert version.field_dict["headline"] == "Edited and published"
    assert version.field_dict["status"] == Article.Status.PUBLISHED
    assert version.revision.get_comment() == "Published."
    assert version.revision.user == editor


def test_publishing_from_the_add_page_saves_the_new_story_once(client, editor):
    client.force_login(editor)
    with ArticleWrites() as writes:
        client.post(
            reverse("admin:articles_article_add"),
            add_form_data(headline="Born live", _workflow="publish"),
        )
    story = Article.objects.get(headline="Born live")
    assert story.is_published()
    assert writes.saves == [Article.Status.PUBLISHED]
    assert len(writes.row_writes) == 1
    [version] = Version.objects.get_for_object(story)
    assert version.revision.get_comment() == "Published."


def test_a_refused_button_saves_the_edits_once_named_by_the_change(
    client, django_user_model
):
    contributor = make_staff(django_user_model, "Contributor")
    story = make_draft(created_by=contributor)
    client.force_login(contributor)
    with ArticleWrites() as writes:
        post_change(client, story, headline="Still mine", _workflow="publish")
    assert writes.saves == [Article.Status.DRAFT]
    [version] = Version.objects.get_for_object(story)
    assert version.field_dict["headline"] == "Still mine"
    assert version.revision.get_comment() == "Changed Headline."


def test_editors_get_an_email_after_a_story_is_submitted(
    client, django_user_model, django_capture_on_commit_callbacks
):
    make_staff(django_user_model, "Editor", "reviewer")
    make_staff(django_user_model, "Superuser", "chief")
    make_staff(django_user_model, "Author", "notareviewer")
    contributor = make_staff(django_user_model, "Contributor")
    story = make_draft(created_by=contributor, headline="Council budget")
    client.force_login(contributor)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        post_change(client, story, _workflow="submit")
    assert mail.outbox == []  # nothing is sent before the commit
    for callback in callbacks:
        callback()
    # One email per editor, so nobody sees the others' addresses; authors get none.
    assert sorted(m.to[0] for m in mail.outbox) == [
        "chief@example.com",
        "reviewer@example.com",
    ]
    assert all(len(m.to) == 1 for m in mail.outbox)
    assert "Council budget" in mail.outbox[0].subject
    assert f"/admin/articles/article/{story.pk}/change/" in mail.outbox[0].body


def test_bulk_publish_reports_what_it_did_and_what_it_refused(
    client, django_user_model
):
    author = make_staff(django_user_model, "Author")
    mine = make_draft(created_by=author, headline="My draft")
    live = make_article(created_by=author, headline="Already live")
    client.force_login(author)
    response = client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [mine.pk, live.pk]},
        follow=True,
    )
    text = response.text
    assert "Published 1: “My draft”" in text
    assert "Refused 1" in text and "Already live" in text
    mine.refresh_from_db()
    assert mine.is_published()


def test_bulk_publish_by_an_author_skips_stories_that_are_not_theirs(
    client, django_user_model
):
    author = make_staff(django_user_model, "Author")
    theirs = make_draft(headline="Not mine")
    client.force_login(author)
    client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [theirs.pk]},
    )
    theirs.refresh_from_db()
    assert theirs.status == Article.Status.DRAFT


def test_a_cyrillic_headline_gets_a_usable_slug():
    story = make_draft(headline="Путин поздравил Трампа", slug="")
    assert story.slug == "путин-поздравил-трампа"


def test_an_emoji_headline_never_gets_an_empty_slug():
    assert make_draft(headline="🎉🎉", slug="").slug == "story"


def test_slugs_are_unique_within_a_publication_day():
    day = timezone.now() - timedelta(hours=2)
    first = make_article(headline="Storm", slug="", published_at=day)
    second = make_article(headline="Storm", slug="", published_at=day)
    assert first.slug == "storm"
    assert second.slug == "storm-2"


def test_the_same_slug_is_fine_on_another_day():
    make_article(slug="storm", published_at=timezone.now() - timedelta(days=3))
    other = make_article(slug="storm", published_at=timezone.now() - timedelta(hours=1))
    assert other.slug == "storm"


def test_changing_a_live_storys_slug_redirects_the_old_address(client):
    story = make_article(slug="first-slug")
    old_url = story.get_absolute_url()
    story.slug = "better-slug"
    story.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_changing_a_live_storys_date_redirects_the_old_address(client):
    story = make_article(published_at=timezone.now() - timedelta(days=5))
    old_url = story.get_absolute_url()
    story.published_at = timezone.now() - timedelta(hours=1)
    story.save()
    response = client.get(old_url)
    assert response.status_code == 301
    assert response["Location"] == story.get_absolute_url()


def test_an_old_address_of_an_unpublished_story_is_a_404(client, editor):
    story = make_article(slug="first-slug")
    old_url = story.get_absolute_url()
    story.slug = "second-slug"
    story.save()
    story.unpublish(editor)
    assert client.get(old_url).status_code == 404


def test_renaming_a_draft_leaves_no_redirect():
    story = make_draft(slug="draft-one")
    story.slug = "draft-two"
    story.save()
    assert not ArticleRedirect.objects.exists()


def test_a_clashing_slug_typed_in_the_admin_is_a_clear_error(client, editor):
    day = timezone.now() - timedelta(hours=3)
    make_article(slug="taken", published_at=day)
    story = make_article(slug="free", published_at=day)
    client.force_login(editor)
    response = post_change(client, story, slug="taken")
    assert response.status_code == 200
    assert "already uses the address" in response.text
