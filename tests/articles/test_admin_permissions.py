"""The permission matrix: every role × every desk action × own/others' story,
each tried through the admin with real requests, compared with the roles table
of docs/workflow.md."""

from datetime import timedelta

import pytest
import reversion
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import Article, PreviewLink
from tests.support.desk import (
    add_form_data,
    change_url,
    make_staff,
    post_change,
)
from tests.support.factories import make_article, make_draft

pytestmark = pytest.mark.django_db

ALL = {"own": True, "others": True}
OWN = {"own": True, "others": False}
NONE = {"own": False, "others": False}
ACTIONS = [
    "view",
    "add",
    "change",
    "delete",
    "submit",
    "publish",
    "schedule",
    "unpublish",
    "restore",
    "preview_link",
]

# The roles table of docs/workflow.md, as data. "add" has no owner: it counts under "own".
EXPECTED = {
    "Contributor": {
        "view": OWN,
        "add": OWN,
        "change": OWN,
        "delete": NONE,
        "submit": OWN,
        "publish": NONE,
        "schedule": NONE,
        "unpublish": NONE,
        "restore": OWN,
        "preview_link": NONE,
    },
    "Author": {
        "view": OWN,
        "add": OWN,
        "change": OWN,
        "delete": NONE,
        "submit": OWN,
        "publish": OWN,
        "schedule": OWN,
        "unpublish": OWN,
        "restore": OWN,
        "preview_link": OWN,
    },
    "Editor": dict.fromkeys(ACTIONS, ALL),
    "Superuser": dict.fromkeys(ACTIONS, ALL),
    # A moderator (or any staff member without a story role).
    "No role": dict.fromkeys(ACTIONS, NONE),
}


def story_for(action, owner):
    """A fresh story in the state the action starts from."""
    if action == "unpublish":
        return make_article(created_by=owner)
    if action == "publish":
        return make_article(
            created_by=owner, status=Article.Status.REVIEW, published_at=None
        )
    if action == "restore":
        story = make_draft(created_by=owner, headline="First words")
        with reversion.create_revision():
            story.save()
        story.headline = "Second words"
        with reversion.create_revision():
            story.save()
        return story
    return make_draft(created_by=owner)


def attempt(client, action, story):
    """Try the action through the admin; return True if it took effect."""
    if action == "view":
        response = client.get(change_url(story))
        return response.status_code == 200 and story.headline in response.text
    if action == "change":
        post_change(client, story, headline="Edited by someone")
        story.refresh_from_db()
        return story.headline == "Edited by someone"
    if action == "delete":
        client.post(
            reverse("admin:articles_article_delete", args=[story.pk]), {"post": "yes"}
        )
        return not Article.objects.filter(pk=story.pk).exists()
    if action == "submit":
        post_change(client, story, _workflow="submit")
        story.refresh_from_db()
        return story.status == Article.Status.REVIEW
    if action == "publish":
        post_change(client, story, _workflow="publish")
        story.refresh_from_db()
        return story.is_published()
    if action == "schedule":
        when = timezone.now() + timedelta(days=2)
        post_change(client, story, published_at=when, _workflow="schedule")
        story.refresh_from_db()
        return story.is_scheduled()
    if action == "unpublish":
        post_change(client, story, _workflow="unpublish")
        story.refresh_from_db()
        return story.status == Article.Status.DRAFT
    if action == "restore":
        first = Version.objects.get_for_object(story).order_by("pk").first()
        client.post(
            reverse("admin:articles_article_revision", args=[story.pk, first.pk])
        )
        story.refresh_from_db()
        return story.headline == "First words"
    if action == "preview_link":
        client.post(
            reverse("admin:articles_article_preview_links", args=[story.pk]),
            {"note": "lawyer", "hours": "48"},
        )
        return PreviewLink.objects.filter(article=story).exists()
    raise AssertionError(action)


def test_every_role_may_do_exactly_what_the_roles_table_says(client, django_user_model):
    colleague = make_staff(django_user_model, "Editor", "colleague")
    cases, unexpected = 0, []
    for role, actions in EXPECTED.items():
        user = make_staff(django_user_model, role)
        client.force_login(user)
        for action, expected in actions.items():
            if action == "add":
                before = Article.objects.count()
                client.post(
                    reverse("admin:articles_article_add"),
                    add_form_data(headline=f"Added by {role}"),
                )
                permitted = Article.objects.count() == before + 1
                cases += 1
                if permitted != expected["own"]:
                    unexpected.append((role, action, "-", permitted))
                continue
            for whose, owner in (("own", user), ("others", colleague)):
                story = story_for(action, owner)
                permitted = attempt(client, action, story)
                cases += 1
                if permitted != expected[whose]:
                    unexpected.append((role, action, whose, permitted))
    print(f"permission matrix: {cases} cases, {len(unexpected)} unexpected")
    assert unexpected == []
    assert cases == 5 * (1 + 9 * 2)


def test_a_contributor_forging_status_published_does_not_publish(
    client, django_user_model
):
    contributor = make_staff(django_user_model, "Contributor")
    story = make_draft(created_by=contributor)
    client.force_login(contributor)
    response = post_change(
        client,
        story,
        status="published",
        published_at=timezone.now() - timedelta(hours=1),
        _workflow="publish",
    )
    story.refresh_from_db()
    assert response.status_code == 302
    assert story.status == Article.Status.DRAFT
    assert story.published_at is None
    assert not Article.objects.published().filter(pk=story.pk).exists()


def test_the_refused_publish_keeps_the_contributors_edits_and_says_why(
    client, django_user_model
):
    contributor = make_staff(django_user_model, "Contributor")
    story = make_draft(created_by=contributor)
    client.force_login(contributor)
    response = post_change(
        client, story, headline="My better headline", _workflow="publish", follow=True
    )
    story.refresh_from_db()
    assert story.headline == "My better headline"
    assert "your role does not allow it" in response.text


def test_a_byline_makes_a_story_the_contributors_own(client, django_user_model):
    from tests.support.factories import make_author

    contributor = make_staff(django_user_model, "Contributor")
    story = make_draft(authors=[make_author(user=contributor)])
    client.force_login(contributor)
    post_change(client, story, headline="Edited by the byline")
    story.refresh_from_db()
    assert story.headline == "Edited by the byline"


def test_a_contributor_cannot_change_their_story_once_it_is_live(
    client, django_user_model
):
    contributor = make_staff(django_user_model, "Contributor")
    story = make_article(created_by=contributor, headline="As published")
    client.force_login(contributor)
    response = post_change(client, story, headline="Sneaky edit")
    story.refresh_from_db()
    assert response.status_code == 403
    assert story.headline == "As published"


def test_contributors_see_only_their_own_stories_in_the_list(client, django_user_model):
    contributor = make_staff(django_user_model, "Contributor")
    make_draft(created_by=contributor, headline="Mine")
    make_draft(headline="Somebody else's secret draft")
    client.force_login(contributor)
    response = client.get(reverse("admin:articles_article_changelist"))
    assert "Mine" in response.text
    assert "secret draft" not in response.text


def test_publishing_actions_are_not_offered_to_contributors(client, django_user_model):
    client.force_login(make_staff(django_user_model, "Contributor"))
    make_draft()
    response = client.get(reverse("admin:articles_article_changelist"))
    actions = [
        value for value, _ in response.context["action_form"].fields["action"].choices
    ]
    assert "submit_selected" in actions
    assert "publish_selected" not in actions
    assert "unpublish_selected" not in actions
