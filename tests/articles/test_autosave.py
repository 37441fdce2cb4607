"""Autosave: the endpoint (permissions for every role, CSRF, rate limit, size,
deleted story, invalid text kept, query budget), the restore banner, restoring,
discarding, and the cleanup command."""

import json
from datetime import timedelta

import pytest
import reversion
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, ArticleAutosave
from newsroom import pagecache
from tests.support.desk import (
    CHANGE_FORM_RULE,
    change_form_data,
    change_url,
    csrf_token_from_change_form,
    make_staff,
    own_queries,
)
from tests.support.factories import make_article, make_draft

pytestmark = pytest.mark.django_db

NEW_URL = reverse("admin:articles_article_autosave_new")


def autosave_url(story) -> str:
    return reverse("admin:articles_article_autosave", args=[story.pk])


def post_autosave(client, url, fields=None, draft_key="", **extra):
    payload = {"fields": fields or {"headline": "Typed", "body": "<p>Typed.</p>"}}
    if draft_key:
        payload["draft_key"] = draft_key
    return client.post(
        url, json.dumps(payload), content_type="application/json", **extra
    )


@pytest.fixture
def editor(django_user_model):
    return make_staff(django_user_model, "Editor")


@pytest.fixture(autouse=True)
def generous_limit(settings):
    settings.AUTOSAVE_RATE_LIMIT = 1000


# --- Who may autosave: the change form's rule, story by story ----------------------


@pytest.mark.parametrize(("role", "whose", "expected"), CHANGE_FORM_RULE)
def test_autosave_follows_the_change_forms_permission(
    client, django_user_model, role, whose, expected
):
    user = make_staff(django_user_model, role)
    colleague = make_staff(django_user_model, "Editor", "colleague")
    story = make_draft(created_by=user if whose == "own" else colleague)
    client.force_login(user)
    response = post_autosave(client, autosave_url(story))
    assert response.status_code == expected
    kept = ArticleAutosave.objects.filter(user=user, article=story).exists()
    assert kept is (expected == 200)
    if expected == 403:
        assert response.json()["error"]


def test_anonymous_visitors_get_a_403_json_and_nothing_is_kept(client):
    story = make_draft()
    response = post_autosave(client, autosave_url(story))
    assert response.status_code == 403
    assert "error" in response.json()
    assert not ArticleAutosave.objects.exists()


def test_a_logged_in_reader_who_is_not_staff_may_not_autosave(
    client, django_user_model
):
    reader = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(reader)
    assert post_autosave(client, autosave_url(make_draft())).status_code == 403
    assert not ArticleAutosave.objects.exists()


def test_a_contributor_may_autosave_a_new_story(client, django_user_model):
    contributor = make_staff(django_user_model, "Contributor")
    client.force_login(contributor)
    response = post_autosave(client, NEW_URL, draft_key="abc123")
    assert response.status_code == 200
    slot = ArticleAutosave.objects.get(user=contributor)
    assert slot.article is None and slot.draft_key == "abc123"


def test_a_new_story_needs_its_draft_key(client, editor):
    client.force_login(editor)
    assert post_autosave(client, NEW_URL).status_code == 400


def test_a_get_is_refused(client, editor):
    client.force_login(editor)
    assert client.get(autosave_url(make_draft())).status_code == 405


# --- What the endpoint keeps ---------------------------------------------------------


def test_one_slot_per_story_and_user_holds_the_latest_text(client, editor):
    story = make_draft()
    client.force_login(editor)
    post_autosave(client, autosave_url(story), {"headline": "First"})
    post_autosave(client, autosave_url(story), {"headline": "Second"})
    slot = ArticleAutosave.objects.get()
    assert slot.data == {"headline": "Second"}


def test_an_invalid_form_is_still_kept(client, editor):
    story = make_draft()
    client.force_login(editor)
    fields = {"headline": "", "slug": "not a slug!", "body": "<p>Words</p>"}
    assert post_autosave(client, autosave_url(story), fields).status_code == 200
    assert ArticleAutosave.objects.get().data == fields


def test_the_version_the_editor_started_from_is_kept(client, editor):
    story = make_draft()
    client.force_login(editor)
    token = story.modified_at.isoformat()
    post_autosave(client, autosave_url(story), {"loaded_modified_at": token})
    assert ArticleAutosave.objects.get().base_token == token


def test_a_deleted_story_is_a_404_with_a_message(client, editor):
    story = make_draft()
    url = autosave_url(story)
    story.delete()
    client.force_login(editor)
    response = post_autosave(client, url)
    assert response.status_code == 404
    assert response.json()["error"] == (
        "This story was deleted; your text is kept in this browser."
    )


def test_autosave_needs_the_csrf_token(editor):
    story = make_draft()
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert post_autosave(client, autosave_url(story)).status_code == 403
    token = csrf_token_from_change_form(client, story)
    response = post_autosave(client, autosave_url(story), HTTP_X_CSRFTOKEN=token)
    assert response.status_code == 200


def test_a_flood_is_rate_limited_per_user(client, editor, settings):
    settings.AUTOSAVE_RATE_LIMIT = 3
    story = make_draft()
    client.force_login(editor)
    codes = [post_autosave(client, autosave_url(story)).status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    response = post_autosave(client, autosave_url(story))
    assert int(response["Retry-After"]) >= 1
    assert "error" in response.json()


def test_text_longer_than_a_story_may_be_is_refused(client, editor, settings):
    settings.ARTICLE_BODY_MAX_CHARS = 1000
    story = make_draft()
    client.force_login(editor)
    too_long = "x" * (1000 + 64_001)
    response = post_autosave(client, autosave_url(story), {"body": too_long})
    assert response.status_code == 413
    assert "at most 1,000 characters" in response.json()["error"]
    assert not ArticleAutosave.objects.exists()


def test_a_request_larger_than_the_bound_is_refused_before_reading(
    client, editor, settings
):
    settings.ARTICLE_BODY_MAX_CHARS = 10
    story = make_draft()
    client.force_login(editor)
    response = post_autosave(client, autosave_url(story), {"body": "y" * 300_000})
    assert response.status_code == 413


def test_non_text_fields_are_refused(client, editor):
    client.force_login(editor)
    story = make_draft()
    response = post_autosave(client, autosave_url(story), {"headline": {"a": 1}})
    assert response.status_code == 400
    response = client.post(
        autosave_url(story), "not json", content_type="application/json"
    )
    assert response.status_code == 400


def test_autosave_never_touches_the_story_nor_makes_a_revision(client, editor):
    story = make_draft(headline="Saved headline")
    before = story.modified_at
    client.force_login(editor)
    post_autosave(client, autosave_url(story), {"headline": "Typed headline"})
    story.refresh_from_db()
    assert story.headline == "Saved headline"
    assert story.modified_at == before
    assert not Version.objects.get_for_object(story).exists()


def test_autosave_leaves_the_page_cache_alone(client, editor, settings, tmp_path):
    settings.PAGE_CACHE_SECONDS = 300
    settings.VAR_DIR = tmp_path
    story = make_article()
    version = pagecache.content_version()
    client.force_login(editor)
    post_autosave(client, autosave_url(story), {"headline": "Typed"})
    assert pagecache.content_version() == version


def savepoints(queries) -> int:
    return sum("SAVEPOINT" in q["sql"] for q in queries.captured_queries)


def test_an_autosave_of_a_story_with_a_slot_takes_at_most_3_queries(client, editor):
    story = make_draft()
    client.force_login(editor)
    post_autosave(client, autosave_url(story))  # the slot exists; caches warm
    with CaptureQueriesContext(connection) as queries:
        assert post_autosave(client, autosave_url(story)).status_code == 200
    own = own_queries(queries)
    # Who is asking (session, user, permission rows) is every admin request's
    # cost; the autosave's own work is the story and the slot.
    assert len(own) <= 3, "\n".join(own)
    # All told: the user, their permissions (2), the story, the UPDATE.
    assert len(queries.captured_queries) - savepoints(queries) <= 5


# --- The banner, restoring and discarding -------------------------------------------


def slot_for(user, story, *, saved_at=None, **data):
    return ArticleAutosave.objects.create(
        user=user,
        article=story,
        data=data,
        base_token=story.modified_at.isoformat() if story else "",
        saved_at=saved_at or timezone.now(),
    )


def test_the_banner_offers_a_newer_autosave_with_what_differs(client, editor):
    story = make_draft(headline="Saved", body="<p>Saved.</p>")
    slot = slot_for(
        editor,
        story,
        headline="Typed",
        body="<p>Typed.</p>",
        standfirst=story.standfirst,
    )
    client.force_login(editor)
    text = client.get(change_url(story)).text
    at = timezone.localtime(slot.saved_at).strftime("%H:%M")
    assert f"Restore your unsaved changes from {at}" in text
    assert "They differ in: headline, body." in text
    assert f"?restore={slot.pk}" in text


def test_no_banner_when_the_story_was_saved_after_the_autosave(client, editor):
    story = make_draft(headline="Saved")
    slot_for(
        editor, story, headline="Typed", saved_at=timezone.now() - timedelta(hours=1)
    )
    client.force_login(editor)
    assert "Restore your unsaved changes" not in client.get(change_url(story)).text


def test_no_banner_for_someone_elses_autosave(client, editor, django_user_model):
    story = make_draft(headline="Saved")
    colleague = make_staff(django_user_model, "Editor", "colleague")
    slot_for(colleague, story, headline="Typed")
    client.force_login(editor)
    assert "Restore your unsaved changes" not in client.get(change_url(story)).text


def test_restore_fills_the_form_without_saving(client, editor):
    story = make_draft(headline="Saved", body="<p>Saved.</p>")
    slot = slot_for(editor, story, headline="Typed headline", body="<p>Typed.</p>")
    client.force_login(editor)
    response = client.get(f"{change_url(story)}?restore={slot.pk}")
    form = response.context["adminform"].form
    assert form["headline"].value() == "Typed headline"
    assert form["body"].value() == "<p>Typed.</p>"
    assert "are in the form below. They are not saved yet" in response.text
    story.refresh_from_db()
    assert story.headline == "Saved"
    assert ArticleAutosave.objects.filter(pk=slot.pk).exists()


def test_someone_elses_slot_is_not_restored(client, editor, django_user_model):
    story = make_draft(headline="Saved")
    colleague = make_staff(django_user_model, "Editor", "colleague")
    slot = slot_for(colleague, story, headline="Theirs")
    client.force_login(editor)
    response = client.get(f"{change_url(story)}?restore={slot.pk}")
    assert response.context["adminform"].form["headline"].value() == "Saved"


def test_a_restored_form_still_meets_the_stale_save_refusal(
    client, editor, django_user_model
):
    story = make_draft(headline="Saved")
    slot = slot_for(editor, story, headline="Mine")
    # A colleague saves after the autosave's text was started.
    colleague = make_staff(django_user_model, "Editor", "colleague")
    story.headline = "Theirs"
    with reversion.create_revision():
        story.save()
        reversion.set_user(colleague)
    client.force_login(editor)
    response = client.get(f"{change_url(story)}?restore={slot.pk}")
    form = response.context["adminform"].form
    assert form["loaded_modified_at"].value() == slot.base_token
    data = change_form_data(story, headline="Mine")
    data["loaded_modified_at"] = slot.base_token
    response = client.post(change_url(story), data, follow=True)
    assert response.redirect_chain[0][0].endswith("/conflict/")
    assert "colleague saved this story at" in response.text
    story.refresh_from_db()
    assert story.headline == "Theirs"


def test_saving_the_story_empties_the_slot(client, editor):
    story = make_draft(headline="Saved")
    slot_for(editor, story, headline="Typed")
    client.force_login(editor)
    response = client.post(change_url(story), change_form_data(story, headline="Typed"))
    assert response.status_code == 302
    assert not ArticleAutosave.objects.exists()


def test_discard_deletes_the_slot_and_goes_back(client, editor):
    story = make_draft(headline="Saved")
    slot = slot_for(editor, story, headline="Typed")
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_autosave_discard", args=[slot.pk]),
        {"next": change_url(story)},
    )
    assert response.status_code == 302
    assert response["Location"] == change_url(story)
    assert not ArticleAutosave.objects.exists()


def test_discard_needs_a_post_and_only_deletes_ones_own_slot(
    client, editor, django_user_model
):
    story = make_draft()
    colleague = make_staff(django_user_model, "Editor", "colleague")
    slot = slot_for(colleague, story, headline="Theirs")
    client.force_login(editor)
    url = reverse("admin:articles_article_autosave_discard", args=[slot.pk])
    assert client.get(url).status_code == 405
    client.post(url, {"next": "https://evil.example/"})
    assert ArticleAutosave.objects.filter(pk=slot.pk).exists()


def test_the_add_form_offers_and_restores_an_unsaved_new_story(client, editor):
    slot = ArticleAutosave.objects.create(
        user=editor,
        draft_key="k1",
        data={"headline": "Half a story", "body": "<p>Begun.</p>"},
        saved_at=timezone.now(),
    )
    client.force_login(editor)
    add_url = reverse("admin:articles_article_add")
    assert "Restore your unsaved changes" in client.get(add_url).text
    response = client.get(f"{add_url}?restore={slot.pk}")
    assert response.context["adminform"].form["headline"].value() == "Half a story"
    assert 'name="_autosave_key" value="k1"' in response.text


def test_the_change_form_carries_the_autosave_settings(client, editor, settings):
    settings.AUTOSAVE_INTERVAL_SECONDS = 1
    story = make_draft()
    client.force_login(editor)
    text = client.get(change_url(story)).text
    assert f'data-url="{autosave_url(story)}"' in text
    assert 'data-interval="1"' in text
    assert "js/desk-autosave.js" in text


def test_a_reader_of_a_story_they_may_not_change_gets_no_autosave(
    client, django_user_model
):
    viewer = make_staff(django_user_model, "Contributor")
    story = make_draft(created_by=viewer)
    story.status = Article.Status.PUBLISHED
    story.published_at = timezone.now()
    story.save()
    client.force_login(viewer)
    response = client.get(change_url(story))
    assert response.status_code == 200
    assert "data-url=" not in response.text


# --- Cleanup ---------------------------------------------------------------------------


def test_clean_autosaves_deletes_slots_older_than_30_days(editor, capsys):
    story = make_draft()
    old = slot_for(editor, story, saved_at=timezone.now() - timedelta(days=31))
    recent = ArticleAutosave.objects.create(
        user=editor, draft_key="new", saved_at=timezone.now() - timedelta(days=29)
    )
    call_command("clean_autosaves")
    assert list(ArticleAutosave.objects.values_list("pk", flat=True)) == [recent.pk]
    assert "1 older than 30 days deleted" in capsys.readouterr().out
    assert not ArticleAutosave.objects.filter(pk=old.pk).exists()
    assert Article.objects.filter(pk=story.pk).exists()


def test_clean_autosaves_takes_another_age(editor):
    ArticleAutosave.objects.create(
        user=editor, draft_key="new", saved_at=timezone.now() - timedelta(days=8)
    )
    call_command("clean_autosaves", older_than=7, verbosity=0)
    assert not ArticleAutosave.objects.exists()


def test_an_autosave_from_an_earlier_day_names_the_day(client, editor):
    story = make_draft(headline="Saved")
    three_days_ago = timezone.now() - timedelta(days=3)
    Article.objects.filter(pk=story.pk).update(
        modified_at=three_days_ago - timedelta(hours=1)
    )
    story.refresh_from_db()
    slot_for(editor, story, headline="Typed", saved_at=three_days_ago)
    client.force_login(editor)
    local = timezone.localtime(three_days_ago)
    expected = f"{local.day} {local:%b}, {local:%H:%M}"
    assert (
        f"Restore your unsaved changes from {expected}"
        in client.get(change_url(story)).text
    )
