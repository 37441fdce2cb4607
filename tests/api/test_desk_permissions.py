"""Every role × every desk endpoint: a token does exactly what its user's role
may do in the admin (articles/workflow.py), and says why when it may not."""

from datetime import timedelta

import pytest
from django.utils import timezone

from articles.models import Article
from tests.support.desk import make_staff
from tests.support.desk_api import DeskTool
from tests.support.factories import image_file, make_article, make_draft

pytestmark = pytest.mark.django_db

ROLES = ["Contributor", "Author", "Editor", "No role"]


def _story(kind, me, someone):
    owner = me if kind.startswith("own") else someone
    if kind.endswith("draft"):
        return make_draft(created_by=owner)
    return make_article(created_by=owner)


def _call(tool, endpoint, story):
    version = tool.version(story) if story else None
    later = (timezone.now() + timedelta(days=1)).isoformat()
    match endpoint:
        case "create":
            return tool.create()
        case "read":
            return tool.get(f"/stories/{story.pk}/")
        case "update":
            return tool.patch(
                f"/stories/{story.pk}/", {"version": version, "headline": "Changed"}
            )
        case "schedule":
            return tool.post(
                f"/stories/{story.pk}/schedule/",
                {"version": version, "publish_at": later},
            )
        case "upload":
            return tool.upload(image_file(), alt_text="A bridge")
        case action:
            return tool.post(f"/stories/{story.pk}/{action}/", {"version": version})


# endpoint, story → expected status for Contributor, Author, Editor, No role
MATRIX = {
    ("create", None): (201, 201, 201, 403),
    ("upload", None): (201, 201, 201, 403),
    ("read", "own draft"): (200, 200, 200, 403),
    ("read", "other draft"): (404, 404, 200, 403),
    ("read", "own live"): (200, 200, 200, 403),
    ("update", "own draft"): (200, 200, 200, 403),
    ("update", "other draft"): (404, 404, 200, 403),
    ("update", "own live"): (403, 200, 200, 403),
    ("update", "other live"): (404, 404, 200, 403),
    ("submit", "own draft"): (200, 200, 200, 403),
    ("submit", "other draft"): (404, 404, 200, 403),
    ("publish", "own draft"): (403, 200, 200, 403),
    ("publish", "other draft"): (404, 404, 200, 403),
    ("schedule", "own draft"): (403, 200, 200, 403),
    ("schedule", "other draft"): (404, 404, 200, 403),
    ("unpublish", "own live"): (403, 200, 200, 403),
    ("unpublish", "other live"): (404, 404, 200, 403),
}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize(("endpoint", "kind"), list(MATRIX))
def test_each_role_may_do_what_the_admin_lets_it(
    django_user_model, role, endpoint, kind
):
    me = make_staff(django_user_model, role, "me")
    someone = make_staff(django_user_model, "Author", "someone")
    story = _story(kind, me, someone) if kind else None
    before = Article.objects.filter(pk=story.pk).values().first() if story else None
    answer = _call(DeskTool(me), endpoint, story)
    expected = MATRIX[(endpoint, kind)][ROLES.index(role)]
    assert answer.status_code == expected, answer.json()
    if expected >= 400:
        assert answer.json()["detail"]
        if story:  # a refusal changes nothing
            assert Article.objects.filter(pk=story.pk).values().first() == before
    if expected == 404:
        # Someone else's draft is not named to those who may not see it.
        assert story.headline not in answer.json()["detail"]


def test_a_contributor_is_told_why_they_cannot_publish(django_user_model):
    me = make_staff(django_user_model, "Contributor")
    story = make_draft(created_by=me, headline="Harbour plan")
    tool = DeskTool(me)
    answer = tool.post(
        f"/stories/{story.pk}/publish/", {"version": tool.version(story)}
    )
    assert answer.status_code == 403
    assert answer.json()["detail"] == (
        "You may not have “Harbour plan” published: your role does not allow it."
    )
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_an_author_may_edit_a_story_they_carry_a_byline_on(django_user_model):
    from tests.support.factories import make_author

    me = make_staff(django_user_model, "Author")
    story = make_draft(authors=[make_author(user=me)])
    tool = DeskTool(me)
    answer = tool.patch(
        f"/stories/{story.pk}/", {"version": tool.version(story), "headline": "Mine"}
    )
    assert answer.status_code == 200


def test_only_an_editor_may_change_the_body_of_a_hand_written_story(
    django_user_model,
):
    me = make_staff(django_user_model, "Author")
    story = make_draft(created_by=me, raw_html=True, body="<div>x</div>")
    tool = DeskTool(me)
    answer = tool.patch(
        f"/stories/{story.pk}/", {"version": tool.version(story), "body": "<p>y</p>"}
    )
    assert answer.status_code == 403
    assert "only an editor" in answer.json()["detail"]
