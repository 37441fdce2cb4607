"""Moderator emails: who gets them, when and what they say; and they never make a
commenter wait (they wait in the task queue)."""

import time

import pytest
from django.contrib.auth.models import Permission
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

import newsroom.settings as site_settings
from comments.models import Comment, DiscussionSettings
from comments.notifications import moderator_emails, notify_moderators
from tests.support.comments import form_data, post_url
from tests.support.factories import make_article, make_comment
from tests.support.mail_servers import HangingServer
from tests.support.users import user_in_group

pytestmark = pytest.mark.django_db


@pytest.fixture
def hanging_smtp(settings):
    """EMAIL_HOST is a server that accepts and never answers."""
    server = HangingServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 3
    yield server
    server.close()


def test_a_held_comment_is_answered_at_once_while_the_mail_server_hangs(
    client,
    settings,
    django_user_model,
    hanging_smtp,
    django_capture_on_commit_callbacks,
):
    settings.TASKS = site_settings.TASKS  # the site's own backend, as served
    user_in_group(django_user_model, "mod", "Moderator")
    article = make_article()
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("comments:post"), form_data(article, comment="Hold me.")
        )
    elapsed = time.monotonic() - started
    assert response.status_code == 302
    assert Comment.objects.get().status == Comment.Status.PENDING
    assert elapsed < 1.5, f"the reader waited {elapsed:.1f} s for the mail server"
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "comments.notifications.notify_moderators"
    assert queued.status == "READY"
    assert hanging_smtp.held == []  # nobody has talked to the mail server yet


def test_a_hanging_mail_server_costs_the_worker_at_most_the_email_timeout(
    settings, django_user_model, hanging_smtp
):
    settings.EMAIL_TIMEOUT = 1
    user_in_group(django_user_model, "mod", "Moderator")
    comment = make_comment(make_article(), status=Comment.Status.PENDING)
    started = time.monotonic()
    result = notify_moderators.enqueue(comment.pk)  # immediate backend in tests
    assert result.status == "FAILED"
    assert time.monotonic() - started < 3
    assert mail.outbox == []


def test_held_comment_emails_moderators_after_commit(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user_in_group(django_user_model, "mod", "Moderator")
    article = make_article(headline="Budget day")
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.post(post_url(), form_data(article, comment="Hold me please."))
        assert mail.outbox == []  # nothing is sent before the commit
    assert callbacks
    comment = Comment.objects.get()
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["mod@example.com"]
    assert "Please moderate: “Budget day”" in message.subject
    assert "Hold me please." in message.body
    assert "Reason: first comment from this author" in message.body
    assert f"/admin/comments/comment/{comment.pk}/change/" in message.body
    assert article.get_absolute_url() in message.body


def test_a_header_injection_attempt_in_the_name_is_harmless(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user_in_group(django_user_model, "mod", "Moderator")
    article = make_article()
    data = form_data(article, author="Eve\r\nBcc: victim@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(post_url(), data).status_code == 302
    comment = Comment.objects.get()
    assert "\n" not in comment.author_name
    message = mail.outbox[0]
    assert message.bcc == [] and message.to == ["mod@example.com"]
    assert "Bcc" not in str(message.message()).split("\n\n", 1)[0]


def test_imported_name_with_newlines_still_notifies(django_user_model):
    user_in_group(django_user_model, "mod", "Moderator")
    comment = make_comment(
        make_article(headline="Line\r\nBcc: x@y"),
        author_name="Eve\r\nBcc: x@y",
        status=Comment.Status.PENDING,
    )
    assert notify_moderators.call(comment.pk) == 1
    assert "\n" not in mail.outbox[0].subject


def test_no_email_when_notifications_are_switched_off(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user_in_group(django_user_model, "mod", "Moderator")
    DiscussionSettings.objects.create(notify_on_hold=False, notify_on_post=False)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(), form_data(make_article()))
    assert Comment.objects.exists() and mail.outbox == []


def test_approved_comment_emails_only_when_every_post_is_notified(
    client, django_user_model, django_capture_on_commit_callbacks
):
    user_in_group(django_user_model, "mod", "Moderator")
    DiscussionSettings.objects.create(
        notify_on_post=False, comment_previously_approved=False
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(post_url(), form_data(make_article()))
    assert Comment.objects.get().status == Comment.Status.APPROVED
    assert mail.outbox == []


def test_moderators_are_found_by_group_by_own_permission_or_as_superuser(
    django_user_model,
):
    user_in_group(django_user_model, "grouped", "Moderator")
    direct = django_user_model.objects.create_user("direct", "direct@example.com")
    direct.user_permissions.add(Permission.objects.get(codename="moderate_comment"))
    django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    django_user_model.objects.create_user("reader", "reader@example.com")
    gone = user_in_group(django_user_model, "gone", "Moderator")
    gone.is_active = False
    gone.save()

    assert moderator_emails() == [
        "boss@example.com",
        "direct@example.com",
        "grouped@example.com",
    ]
