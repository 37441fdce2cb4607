import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from comments.models import Comment, DiscussionSettings
from tests.support.factories import make_article, make_comment
from tests.support.users import user_in_group, user_with_perms

pytestmark = pytest.mark.django_db

S = Comment.Status
CHANGELIST = "admin:comments_comment_changelist"


@pytest.fixture
def moderator(django_user_model):
    return user_in_group(django_user_model, "mod", "Moderator")


def act(client, action, *comments):
    return client.post(
        reverse(CHANGELIST),
        {"action": action, "_selected_action": [c.pk for c in comments]},
        follow=True,
    )


def test_queue_lists_pending_first_then_oldest_first_with_reason(client, moderator):
    client.force_login(moderator)
    article = make_article(headline="Harbour story")
    now = timezone.now()
    old_ok = make_comment(
        article, content="Old approved", created_at=now - timedelta(days=3)
    )
    new_pending = make_comment(
        article,
        content="New pending",
        status=S.PENDING,
        status_reason="first comment from this author",
        created_at=now - timedelta(hours=1),
    )
    old_pending = make_comment(
        article,
        content="Old pending",
        status=S.PENDING,
        created_at=now - timedelta(days=2),
    )
    html = client.get(reverse(CHANGELIST)).content.decode()
    positions = [html.index(c.content) for c in (old_pending, new_pending, old_ok)]
    assert positions == sorted(positions)
    assert "first comment from this author" in html
    assert "Harbour story" in html and "203.0.113.5" in html


@pytest.mark.parametrize(
    ("action", "start", "end", "message"),
    [
        ("approve", S.PENDING, S.APPROVED, "2 comments approved."),
        ("unapprove", S.APPROVED, S.PENDING, "2 comments unapproved."),
        ("mark_spam", S.PENDING, S.SPAM, "2 comments marked as spam."),
        ("not_spam", S.SPAM, S.PENDING, "2 comments restored from spam."),
        ("trash", S.APPROVED, S.TRASH, "2 comments moved to the trash."),
        ("restore", S.TRASH, S.PENDING, "2 comments restored from the trash."),
    ],
)
def test_bulk_action_moves_comments_and_reports_the_count(
    client, moderator, action, start, end, message
):
    client.force_login(moderator)
    article = make_article()
    comments = [make_comment(article, status=start) for _ in range(2)]
    response = act(client, action, *comments)
    assert message in response.content.decode()
    assert {c.status for c in Comment.objects.all()} == {end}
    expected = 2 if end == S.APPROVED else 0
    assert Article.objects.get(pk=article.pk).comment_count == expected
    first = Comment.objects.get(pk=comments[0].pk)
    assert first.moderated_by == moderator and first.moderated_at is not None


def test_action_reports_comments_it_could_not_change(client, moderator):
    client.force_login(moderator)
    article = make_article()
    pending = make_comment(article, status=S.PENDING)
    approved = make_comment(article)
    html = act(client, "approve", pending, approved).content.decode()
    assert "1 comment approved." in html
    assert "1 left unchanged" in html


def test_delete_permanently_only_removes_spam_and_trash(client, moderator):
    client.force_login(moderator)
    article = make_article()
    spam = make_comment(article, status=S.SPAM)
    trash = make_comment(article, status=S.TRASH)
    live = make_comment(article)
    html = act(client, "delete_permanently", spam, trash, live).content.decode()
    assert "2 comments deleted permanently." in html
    assert list(Comment.objects.all()) == [live]


def test_django_delete_selected_action_is_not_offered(client, superuser):
    client.force_login(superuser)
    make_comment(make_article())
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert 'value="delete_selected"' not in html
    assert 'value="approve"' in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("q=ann%40example.com", "By Ann"),
        ("q=Bob", "By Bob"),
        ("q=198.51.100.4", "By Bob"),
        ("q=zebra", "By Ann"),
        ("status__exact=pending", "By Bob"),
    ],
)
def test_queue_filters_and_search(client, moderator, query, expected):
    client.force_login(moderator)
    article = make_article()
    make_comment(
        article,
        author_name="Ann",
        author_email="ann@example.com",
        content="By Ann zebra",
    )
    make_comment(
        article,
        author_name="Bob",
        content="By Bob",
        ip_address="198.51.100.4",
        status=S.PENDING,
    )
    html = client.get(f"{reverse(CHANGELIST)}?{query}").content.decode()
    assert expected in html
    other = "By Bob" if expected == "By Ann" else "By Ann"
    assert other not in html


def test_filter_by_article(client, moderator):
    client.force_login(moderator)
    one, two = make_article(), make_article()
    make_comment(one, content="On one")
    make_comment(two, content="On two")
    html = client.get(
        f"{reverse(CHANGELIST)}?article__id__exact={one.pk}"
    ).content.decode()
    assert "On one" in html and "On two" not in html


def test_moderator_sees_the_pending_count_on_the_admin_index(client, moderator):
    client.force_login(moderator)
    article = make_article()
    for _ in range(3):
        make_comment(article, status=S.PENDING)
    make_comment(article)
    html = client.get(reverse("admin:index")).content.decode()
    assert "3</strong> comments awaiting moderation" in html


def test_moderator_can_moderate_comments_and_nothing_else(client, moderator):
    client.force_login(moderator)
    comment = make_comment(make_article())
    assert client.get(reverse(CHANGELIST)).status_code == 200
    assert (
        client.get(
            reverse("admin:comments_comment_change", args=[comment.pk])
        ).status_code
        == 200
    )
    assert client.get(reverse("admin:articles_article_changelist")).status_code == 403
    assert client.get(reverse("admin:auth_user_changelist")).status_code == 403
    settings_url = reverse("admin:comments_discussionsettings_changelist")
    assert client.get(settings_url).status_code == 403
    assert client.get(reverse("admin:comments_comment_add")).status_code == 403


def test_staff_without_moderation_right_cannot_run_moderation_actions(
    client, django_user_model
):
    viewer = user_with_perms(django_user_model, "viewer", "comments.view_comment")
    client.force_login(viewer)
    comment = make_comment(make_article(), status=S.PENDING)
    html = client.get(reverse(CHANGELIST)).content.decode()
    assert 'value="approve"' not in html
    act(client, "approve", comment)
    assert Comment.objects.get(pk=comment.pk).status == S.PENDING


def test_editing_a_comment_cannot_change_its_status_or_store_a_script_url(
    client, superuser
):
    client.force_login(superuser)
    comment = make_comment(make_article(), status=S.PENDING)
    url = reverse("admin:comments_comment_change", args=[comment.pk])
    response = client.post(
        url,
        {
            "content": "Edited text",
            "author_name": "Ann",
            "author_email": "ann@example.com",
            "author_url": "javascript:alert(1)",
            "status": "approved",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert "Only http and https addresses are allowed." in response.content.decode()
    client.post(
        url,
        {
            "content": "Edited text",
            "author_name": "Ann",
            "author_email": "ann@example.com",
            "author_url": "",
            "status": "approved",
        },
    )
    comment.refresh_from_db()
    assert comment.content == "Edited text"
    assert comment.status == S.PENDING


def test_discussion_settings_page_is_a_singleton_administrators_edit(client, superuser):
    client.force_login(superuser)
    response = client.get(reverse("admin:comments_discussionsettings_changelist"))
    assert response.status_code == 302
    change_url = reverse("admin:comments_discussionsettings_change", args=[1])
    assert response["Location"] == change_url
    form = client.get(change_url).content.decode()
    assert "Comment must be manually approved" in form
    data = {
        field.name: getattr(DiscussionSettings(), field.name)
        for field in DiscussionSettings._meta.fields
        if field.name != "id"
    }
    data = {k: v for k, v in data.items() if v is not False}
    data.update(comment_moderation="on", disallowed_keys="casino")
    assert client.post(change_url, data).status_code == 302
    current = DiscussionSettings.load()
    assert current.comment_moderation is True and current.disallowed_keys == "casino"
    assert DiscussionSettings.objects.count() == 1
    assert (
        client.get(reverse("admin:comments_discussionsettings_add")).status_code == 403
    )


def test_new_story_form_follows_the_comments_open_by_default_setting(client, superuser):
    client.force_login(superuser)
    add_url = reverse("admin:articles_article_add")
    html = client.get(add_url).content.decode()
    assert re.search(r'<input type="checkbox" name="allow_comments"[^>]*checked', html)
    DiscussionSettings.objects.create(comments_open_by_default=False)
    html = client.get(add_url).content.decode()
    assert re.search(r'<input type="checkbox" name="allow_comments"[^>]*>', html)
    assert not re.search(
        r'<input type="checkbox" name="allow_comments"[^>]*checked', html
    )


def test_even_a_superuser_cannot_delete_a_published_comment_outside_the_actions(
    client, superuser
):
    comment = make_comment(make_article(), status=Comment.Status.APPROVED)
    client.force_login(superuser)
    url = reverse("admin:comments_comment_delete", args=[comment.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert Comment.objects.filter(pk=comment.pk).exists()
