"""Desk tokens: made in the admin and shown once, stored hashed, revocable,
refused for a deactivated user, limited per token, never cached; and every bad
request a clear JSON 4xx, never a 5xx."""

import json

import pytest
from django.test import Client

from api.models import DeskToken, key_hash
from articles.models import Article
from tests.support import pagecache as pagecache_fixtures
from tests.support.desk import make_staff
from tests.support.desk_api import DESK, DeskTool
from tests.support.factories import make_draft

pytestmark = pytest.mark.django_db

page_cache_on = pagecache_fixtures.page_cache_on


@pytest.fixture
def author(django_user_model):
    return make_staff(django_user_model, "Author")


def test_an_admin_makes_a_token_sees_it_once_and_only_its_hash_is_kept(
    admin_client, author
):
    page = admin_client.post(
        "/admin/api/desktoken/add/", {"user": author.pk, "name": "Wire importer"}
    )
    assert page.status_code == 200
    assert "no-store" in page["Cache-Control"]
    secret = page.context["secret"]
    assert secret.startswith("nrd_") and secret in page.content.decode()
    token = DeskToken.objects.get()
    assert token.key_hash == key_hash(secret) and secret not in token.prefix
    # The tool can use it straight away, as the author.
    answer = DeskTool(author, secret).create()
    assert answer.status_code == 201
    assert Article.objects.get().created_by == author
    token.refresh_from_db()
    assert token.last_used_at is not None
    # Its page never shows the secret again.
    assert (
        secret
        not in admin_client.get(
            f"/admin/api/desktoken/{token.pk}/change/"
        ).content.decode()
    )


def test_a_revoked_token_is_refused_at_once(admin_client, author):
    tool = DeskTool(author)
    assert tool.create().status_code == 201
    admin_client.post(
        "/admin/api/desktoken/",
        {"action": "revoke", "_selected_action": [tool.token.pk]},
    )
    refused = tool.create()
    assert refused.status_code == 401
    assert "revoked" in refused.json()["detail"]
    assert refused["WWW-Authenticate"] == "Bearer"
    assert Article.objects.count() == 1


def test_a_deactivated_users_token_is_refused(author):
    tool = DeskTool(author)
    author.is_active = False
    author.save()
    refused = tool.create()
    assert refused.status_code == 401
    assert "deactivated" in refused.json()["detail"]
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "header",
    [
        None,
        "Bearer",
        "Bearer nrd_made-up",
        "Bearer a b",
        "Basic dXNlcjpwdw==",
        "Bearer nrd_\xe9",
    ],
)
def test_a_missing_or_unknown_token_is_a_401(header):
    client = Client(**({"HTTP_AUTHORIZATION": header} if header else {}))
    answer = client.post(
        f"{DESK}/stories/",
        json.dumps({"headline": "x"}),
        content_type="application/json",
    )
    assert answer.status_code == 401
    assert answer.json()["detail"]
    assert not Article.objects.exists()


def test_each_token_has_its_own_limit(settings, author):
    settings.DESK_RATE_LIMIT = 2
    story = make_draft(created_by=author)
    tool, other = DeskTool(author), DeskTool(author)
    statuses = [tool.get(f"/stories/{story.pk}/").status_code for _ in range(3)]
    assert statuses == [200, 200, 429]
    refused = tool.get(f"/stories/{story.pk}/")
    assert int(refused["Retry-After"]) >= 1
    assert "this token" in refused.json()["detail"]
    assert other.get(f"/stories/{story.pk}/").status_code == 200


def test_desk_answers_never_come_from_or_go_to_the_page_cache(page_cache_on, author):
    story = make_draft(created_by=author, headline="Before")
    tool = DeskTool(author)
    first = tool.get(f"/stories/{story.pk}/")
    assert "no-store" in first["Cache-Control"]
    assert "X-Page-Cache" not in first
    Article.objects.filter(pk=story.pk).update(headline="After")
    assert tool.get(f"/stories/{story.pk}/").json()["headline"] == "After"
    # Without the token the same address is a 401, not a stored copy.
    assert Client().get(f"{DESK}/stories/{story.pk}/").status_code == 401


# --- Bad requests -----------------------------------------------------------------


def test_a_body_over_the_cap_is_a_413(settings, author):
    settings.DESK_MAX_JSON_BYTES = 1000
    answer = DeskTool(author).create(body="<p>" + "x" * 2000 + "</p>")
    assert answer.status_code == 413
    assert "1,000" in answer.json()["detail"]
    assert not Article.objects.exists()


def test_a_form_instead_of_json_is_a_415(author):
    tool = DeskTool(author)
    answer = tool.client.post(f"{DESK}/stories/", {"headline": "Form"})
    assert answer.status_code == 415
    assert "multipart/form-data" in answer.json()["detail"]


@pytest.mark.parametrize(
    ("body", "says"),
    [
        ({"headline": "x", "byline": "me"}, "Unknown field"),
        (
            {"headline": "x", "quotes": [{"text": "a", "speaker": "b", "x": 1}]},
            "Unknown field",
        ),
        ({"standfirst": "no headline"}, "required"),
        ({"headline": "x" * 251}, "250"),
        ({"headline": "x", "section": "no-such-section"}, "does not exist"),
        ({"headline": "x", "tags": "not-a-list"}, "list"),
        ({"headline": "x", "featured_image": 999}, "does not exist"),
        ([1, 2], "dictionary"),
    ],
)
def test_a_request_it_cannot_take_is_a_400_saying_why(author, body, says):
    tool = DeskTool(author)
    answer = tool.post("/stories/", body)
    assert answer.status_code == 400
    assert answer.json()["detail"] == "The request is not valid: see errors."
    assert says in json.dumps(answer.json()["errors"])
    assert not Article.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [
        '{"headline": "a\\u0000b"}',
        '{"headline": "x", "tags": ["a\\u0000"]}',
        '{"headline": "\\ud800"}',
        '{"headline": ',
        "\xff\xfe",
    ],
)
def test_nul_bytes_surrogates_and_broken_json_are_a_400(author, raw):
    tool = DeskTool(author)
    answer = tool.client.post(
        f"{DESK}/stories/",
        raw.encode("utf-8", "surrogateescape") if "\xff" not in raw else b"\xff\xfe",
        content_type="application/json",
    )
    assert answer.status_code == 400
    assert answer.json()["detail"]
    assert not Article.objects.exists()


def test_an_unknown_query_parameter_is_a_400(author):
    story = make_draft(created_by=author)
    answer = DeskTool(author).get(f"/stories/{story.pk}/?expand=all")
    assert answer.status_code == 400
    assert "expand" in answer.json()["detail"]


def test_a_method_the_endpoint_does_not_have_is_a_405(author):
    answer = DeskTool(author).client.delete(f"{DESK}/stories/")
    assert answer.status_code == 405
    assert answer.json()["detail"]
