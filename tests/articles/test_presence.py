"""Presence: who else has a story open. The heartbeat endpoint (permissions for
every role, CSRF, rate limit, query budget), the names it returns and when they
go, the warning that the story was saved since the form was loaded, and the
notice on the change form."""

import json

import pytest
import reversion
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import presence
from tests.support.desk import (
    CHANGE_FORM_RULE,
    change_form_data,
    change_url,
    csrf_token_from_change_form,
    make_staff,
    own_queries,
)
from tests.support.factories import make_author, make_draft

pytestmark = pytest.mark.django_db


def presence_url(story) -> str:
    return reverse("admin:articles_article_presence", args=[story.pk])


def heartbeat(client, story, token="", **payload):
    return client.post(
        presence_url(story),
        json.dumps({"token": token, **payload}),
        content_type="application/json",
    )


def named(django_user_model, role, username, first, last):
    user = make_staff(django_user_model, role, username)
    user.first_name, user.last_name = first, last
    user.save()
    return user


@pytest.fixture(autouse=True)
def generous_limit(settings):
    settings.PRESENCE_RATE_LIMIT = 1000


@pytest.fixture
def elena(django_user_model):
    return named(django_user_model, "Editor", "elena", "Elena", "Ruiz")


# --- Who may send a heartbeat: the change form's rule, story by story --------------


@pytest.mark.parametrize(("role", "whose", "expected"), CHANGE_FORM_RULE)
def test_the_heartbeat_follows_the_change_forms_permission(
    client, django_user_model, elena, role, whose, expected
):
    user = make_staff(django_user_model, role)
    story = make_draft(created_by=user if whose == "own" else elena)
    client.force_login(elena)
    heartbeat(client, story)  # Elena has it open
    client.force_login(user)
    response = heartbeat(client, story)
    assert response.status_code == expected
    if expected == 200:
        assert [o["name"] for o in response.json()["others"]] == ["Elena Ruiz"]
    else:
        assert response.json()["error"]  # a message, and no names
        assert "Elena" not in response.text
        # …nor is the refused user shown to others.
        assert presence.others(story.pk, elena) == []


def test_a_contributor_on_someone_elses_story_gets_a_403_with_a_message(
    client, django_user_model, elena
):
    contributor = make_staff(django_user_model, "Contributor")
    client.force_login(contributor)
    response = heartbeat(client, make_draft(created_by=elena))
    assert response.status_code == 403
    assert response.json() == {
        "error": "You may not edit this story, so you are not shown."
    }


def test_anonymous_visitors_and_readers_get_a_403_json(client, django_user_model):
    story = make_draft()
    assert heartbeat(client, story).status_code == 403
    reader = django_user_model.objects.create_user("reader", password="pw")
    client.force_login(reader)
    response = heartbeat(client, story)
    assert response.status_code == 403
    assert "error" in response.json()


def test_a_get_is_refused_and_a_deleted_story_is_a_404(client, elena):
    story = make_draft()
    client.force_login(elena)
    assert client.get(presence_url(story)).status_code == 405
    story_id = story.pk
    story.delete()
    response = client.post(
        reverse("admin:articles_article_presence", args=[story_id]),
        "{}",
        content_type="application/json",
    )
    assert response.status_code == 404


def test_a_heartbeat_without_the_csrf_token_is_refused(elena):
    client = Client(enforce_csrf_checks=True)
    client.force_login(elena)
    story = make_draft()
    assert heartbeat(client, story).status_code == 403
    token = csrf_token_from_change_form(client, story)
    response = client.post(
        presence_url(story),
        "{}",
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 200


def test_not_json_is_a_400(client, elena):
    client.force_login(elena)
    response = client.post(
        presence_url(make_draft()), "nonsense", content_type="application/json"
    )
    assert response.status_code == 400
    assert response.json()["error"]


def test_a_flood_of_heartbeats_gets_429_and_the_form_keeps_working(
    client, elena, settings
):
    settings.PRESENCE_RATE_LIMIT = 3
    story = make_draft(headline="Before")
    client.force_login(elena)
    statuses = [heartbeat(client, story).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = heartbeat(client, story)
    assert int(refused["Retry-After"]) >= 1
    assert refused.json()["error"]
    assert client.get(change_url(story)).status_code == 200
    client.post(change_url(story), change_form_data(story, headline="After"))
    story.refresh_from_db()
    assert story.headline == "After"


# --- Who is shown, and for how long ---------------------------------------------------


def test_each_editor_sees_the_other_with_the_time_they_opened_the_story(
    client, django_user_model, elena
):
    marco = named(django_user_model, "Editor", "marco", "Marco", "Bell")
    story = make_draft()
    client.force_login(elena)
    assert heartbeat(client, story).json()["others"] == []
    client.force_login(marco)
    others = heartbeat(client, story).json()["others"]
    assert len(others) == 1
    assert others[0]["text"].startswith(
        "Elena Ruiz is also editing this story — opened "
    )
    client.force_login(elena)
    assert [o["name"] for o in heartbeat(client, story).json()["others"]] == [
        "Marco Bell"
    ]


def test_an_editor_is_gone_after_two_minutes_of_silence(
    client, django_user_model, elena, monkeypatch, settings
):
    settings.PRESENCE_INTERVAL_SECONDS = 30
    marco = named(django_user_model, "Editor", "marco", "Marco", "Bell")
    story = make_draft()
    clock = [1_000_000.0]
    monkeypatch.setattr(presence, "now", lambda: clock[0])
    client.force_login(elena)
    heartbeat(client, story)
    client.force_login(marco)
    clock[0] += 110  # Elena's last heartbeat was 110 s ago: still there
    assert len(heartbeat(client, story).json()["others"]) == 1
    clock[0] += 20  # 130 s: gone
    assert heartbeat(client, story).json()["others"] == []


def test_closing_the_page_takes_the_editor_off_at_once(
    client, django_user_model, elena
):
    marco = named(django_user_model, "Editor", "marco", "Marco", "Bell")
    story = make_draft()
    client.force_login(elena)
    heartbeat(client, story)
    heartbeat(client, story, leaving=True)
    client.force_login(marco)
    assert heartbeat(client, story).json()["others"] == []


def test_the_heartbeat_warns_when_someone_saved_since_the_form_was_loaded(
    client, django_user_model, elena
):
    marco = named(django_user_model, "Editor", "marco", "Marco", "Bell")
    story = make_draft(headline="Original")
    loaded = story.modified_at.isoformat()
    client.force_login(marco)
    assert heartbeat(client, story, token=loaded).json()["saved"] is None
    client.force_login(elena)
    client.post(change_url(story), change_form_data(story, headline="Elena's"))
    client.force_login(marco)
    saved = heartbeat(client, story, token=loaded).json()["saved"]
    assert saved["by"] == "Elena Ruiz"
    assert saved["text"].startswith("Elena Ruiz saved this story at ")
    assert "you will see both versions" in saved["text"]


def test_the_change_form_names_who_else_has_the_story_open(
    client, django_user_model, elena
):
    marco = named(django_user_model, "Editor", "marco", "Marco", "Bell")
    story = make_draft()
    client.force_login(elena)
    heartbeat(client, story)
    client.force_login(marco)
    page = client.get(change_url(story)).text
    assert 'id="desk-presence"' in page
    assert "Elena Ruiz is also editing this story — opened" in page
    assert "js/desk-presence.js" in page


def test_an_autosave_restored_from_an_old_version_is_warned_about_at_once(
    client, django_user_model, elena
):
    """The heartbeat compares the form's token, which a restore sets to the
    version the autosaved text started from."""
    story = make_draft(headline="Original")
    old_token = story.modified_at.isoformat()
    with reversion.create_revision():
        story.headline = "Elena's"
        story.save()
        reversion.set_user(elena)
    marco = named(django_user_model, "Editor", "marco", "Marco", "Bell")
    client.force_login(marco)
    assert (
        "Elena Ruiz saved"
        in heartbeat(client, story, token=old_token).json()["saved"]["text"]
    )


# --- Cost ---------------------------------------------------------------------------


def test_a_heartbeat_takes_at_most_3_queries_of_its_own(
    client, django_user_model, elena
):
    # The costliest case: a contributor on their own story by byline (the owner
    # check reads the bylines), warned that the story was saved since.
    contributor = make_staff(django_user_model, "Contributor")
    story = make_draft(created_by=elena, authors=[make_author(user=contributor)])
    old_token = story.modified_at.isoformat()
    client.force_login(elena)
    client.post(change_url(story), change_form_data(story, headline="Saved again"))
    client.force_login(contributor)
    heartbeat(client, story, token=old_token)  # caches warm
    with CaptureQueriesContext(connection) as queries:
        response = heartbeat(client, story, token=old_token)
    assert response.json()["saved"]
    own = own_queries(queries)
    # Who is asking (session, user, permission rows) is every admin request's cost.
    assert len(own) <= 3, "\n".join(own)
