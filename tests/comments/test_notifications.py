"""Moderator emails never make a commenter wait: they wait in the task queue."""

import time

import pytest
from django.core import mail
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

import newsroom.settings as site_settings
from comments.models import Comment
from tests.comments.helpers import form_data
from tests.conftest import user_in_group
from tests.factories import make_article
from tests.mail_servers import HangingServer

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
    from comments.notifications import notify_moderators
    from tests.factories import make_comment

    settings.EMAIL_TIMEOUT = 1
    user_in_group(django_user_model, "mod", "Moderator")
    comment = make_comment(make_article(), status=Comment.Status.PENDING)
    started = time.monotonic()
    result = notify_moderators.enqueue(comment.pk)  # immediate backend in tests
    assert result.status == "FAILED"
    assert time.monotonic() - started < 3
    assert mail.outbox == []
