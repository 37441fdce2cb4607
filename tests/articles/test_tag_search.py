"""The tag search behind the tag box's suggestions: who may ask, what it answers,
and how it takes odd input."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from taggit.models import Tag

from articles import writing
from tests.support.desk import make_staff
from tests.support.users import user_with_perms

pytestmark = pytest.mark.django_db

URL = "/admin/articles/article/tags/"


@pytest.fixture
def tags():
    for name in [
        "Harbour Town",
        "harbour festival",
        "Harvest",
        "Solar power",
        "Ålesund",
    ]:
        Tag.objects.create(name=name, slug=name.lower().replace(" ", "-"))


def ask(client, q, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(URL, {"q": q})


@pytest.mark.parametrize("role", ["Contributor", "Author", "Editor", "Superuser"])
def test_everyone_who_writes_stories_gets_suggestions(
    client, django_user_model, tags, role
):
    response = ask(client, "harb", make_staff(django_user_model, role))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json() == {"tags": ["harbour festival", "Harbour Town"]}
    assert (
        "no-cache" in response["Cache-Control"]
        or "max-age=0" in (response["Cache-Control"])
    )


def test_own_change_permission_alone_is_enough(client, django_user_model, tags):
    writer = user_with_perms(django_user_model, "own", "articles.change_own_article")
    assert ask(client, "sol", writer).json() == {"tags": ["Solar power"]}


def test_staff_without_a_writing_role_are_refused(client, django_user_model, tags):
    moderator = make_staff(django_user_model, "No role")
    response = ask(client, "harb", moderator)
    assert response.status_code == 403
    assert "tags" not in response.json()


def test_a_reader_is_refused(client, django_user_model, tags):
    reader = django_user_model.objects.create_user("reader", "r@example.com", "pw")
    assert ask(client, "harb", reader).status_code == 403


def test_a_visitor_who_is_not_logged_in_is_refused(client, tags):
    response = ask(client, "harb")
    assert response.status_code == 403
    assert response.json() == {"error": "Staff who write stories only."}


def test_a_deactivated_editor_is_refused(client, django_user_model, tags):
    editor = make_staff(django_user_model, "Editor")
    client.force_login(editor)
    editor.is_active = False
    editor.save()
    assert client.get(URL, {"q": "harb"}).status_code == 403


def test_matching_is_by_prefix_in_any_case(client, django_user_model, tags):
    editor = make_staff(django_user_model, "Editor")
    assert ask(client, "HAR", editor).json()["tags"] == [
        "harbour festival",
        "Harbour Town",
        "Harvest",
    ]  # alphabetical whatever the case
    assert ask(client, "town", editor).json()["tags"] == []  # not a prefix
    assert ask(client, "Åle", editor).json()["tags"] == ["Ålesund"]


def test_at_most_20_suggestions(client, django_user_model):
    for n in range(30):
        Tag.objects.create(name=f"topic {n:02d}", slug=f"topic-{n:02d}")
    editor = make_staff(django_user_model, "Editor")
    found = ask(client, "topic", editor).json()["tags"]
    assert found == [f"topic {n:02d}" for n in range(20)]


def test_an_empty_question_gets_no_suggestions(client, django_user_model, tags):
    editor = make_staff(django_user_model, "Editor")
    assert ask(client, "", editor).json() == {"tags": []}
    assert ask(client, "   ", editor).json() == {"tags": []}
    client.force_login(editor)
    assert client.get(URL).json() == {"tags": []}


def test_a_question_over_100_characters_is_a_400(client, django_user_model, tags):
    editor = make_staff(django_user_model, "Editor")
    assert ask(client, "h" * 100, editor).status_code == 200
    response = ask(client, "h" * 101, editor)
    assert response.status_code == 400
    assert "at most 100 characters" in response.json()["error"]


@pytest.mark.parametrize(
    "odd",
    ["\x00", "harb\x00our", "%", "_", "\\", "'; DROP TABLE taggit_tag; --", "\u202e"],
)
def test_odd_input_is_never_a_500(client, django_user_model, tags, odd):
    editor = make_staff(django_user_model, "Editor")
    response = ask(client, odd, editor)
    assert response.status_code == 200
    assert response.json()["tags"] == []
    assert Tag.objects.count() == 5


def test_a_question_that_is_not_utf8_is_never_a_500(client, django_user_model, tags):
    client.force_login(make_staff(django_user_model, "Editor"))
    response = client.get(URL + "?q=%FF%FEharb&q=%00")
    assert response.status_code == 200
    assert response.json() == {"tags": []}


def test_like_wildcards_are_taken_literally(client, django_user_model):
    Tag.objects.create(name="100% renewable", slug="100-renewable")
    Tag.objects.create(name="1000 days", slug="1000-days")
    editor = make_staff(django_user_model, "Editor")
    assert ask(client, "100%", editor).json()["tags"] == ["100% renewable"]
    assert ask(client, "10_", editor).json()["tags"] == []


def test_nul_bytes_are_dropped_from_the_question():
    assert writing.clean_tag_query("har\x00b ") == "har b"
    assert writing.clean_tag_query("  harb  ") == "harb"


def test_only_post_free_reads_no_writes(client, django_user_model, tags):
    editor = make_staff(django_user_model, "Editor")
    client.force_login(editor)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(URL, {"q": "harb"}).status_code == 200
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    assert all(sql.lstrip().upper().startswith("SELECT") for sql in statements)
    # the user, their permissions (two), the tags
    assert len(statements) <= 4
