"""Whoever may delete a story may delete it with its comments: the confirmation
page lists them, the delete takes them along, and cached pages forget the story."""

import pytest
from django.urls import reverse

from articles.models import Article
from comments.models import Comment
from tests.support.desk import make_staff
from tests.support.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def story():
    article = make_article(headline="A story readers argued about")
    make_comment(article, content="First!")
    make_comment(article, content="I disagree.")
    return article


def delete_url(story):
    return reverse("admin:articles_article_delete", args=[story.pk])


@pytest.mark.parametrize("role", ["Superuser", "Editor"])
def test_confirmation_page_lists_the_comments_that_go_with_the_story(
    client, django_user_model, story, role
):
    client.force_login(make_staff(django_user_model, role))

    response = client.get(delete_url(story))

    assert response.status_code == 200
    page = response.content.decode()
    assert "Comments: 2" in page
    assert "permission to delete" not in page


@pytest.mark.parametrize("role", ["Superuser", "Editor"])
def test_story_with_comments_is_deleted_with_its_comments(
    client, django_user_model, story, role
):
    client.force_login(make_staff(django_user_model, role))

    response = client.post(delete_url(story), {"post": "yes"})

    assert response.status_code == 302
    assert not Article.objects.filter(pk=story.pk).exists()
    assert not Comment.objects.filter(article_id=story.pk).exists()


def test_bulk_delete_takes_the_comments_along(client, django_user_model, story):
    client.force_login(make_staff(django_user_model, "Editor"))
    changelist = reverse("admin:articles_article_changelist")

    response = client.post(
        changelist,
        {"action": "delete_selected", "_selected_action": [story.pk], "post": "yes"},
    )

    assert response.status_code == 302
    assert not Article.objects.filter(pk=story.pk).exists()
    assert not Comment.objects.exists()


def test_contributor_cannot_delete_a_story(client, django_user_model, story):
    client.force_login(make_staff(django_user_model, "Contributor"))

    response = client.post(delete_url(story), {"post": "yes"})

    assert response.status_code == 403
    assert Article.objects.filter(pk=story.pk).exists()
    assert Comment.objects.filter(article=story).count() == 2


def test_comment_alone_still_cannot_be_deleted_outside_the_moderation_actions(
    client, superuser, story
):
    comment = story.comments.first()
    client.force_login(superuser)

    response = client.post(
        reverse("admin:comments_comment_delete", args=[comment.pk]), {"post": "yes"}
    )

    assert response.status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_deleted_story_leaves_the_page_cache(client, django_user_model, settings):
    settings.PAGE_CACHE_SECONDS = 300
    story = make_article(headline="Soon gone")
    make_comment(story)
    assert client.get(story.get_absolute_url()).status_code == 200
    editor = make_staff(django_user_model, "Editor")
    client.force_login(editor)
    client.post(delete_url(story), {"post": "yes"})
    client.logout()

    assert client.get(story.get_absolute_url()).status_code == 404
