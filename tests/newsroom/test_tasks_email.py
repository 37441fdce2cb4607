"""Review notifications: queued, never lost to a headline or a hanging mail server."""

import time

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

import newsroom.settings as site_settings
from articles.workflow import email_reviewers
from newsroom.mail import subject_line
from tests.support.desk import make_staff, post_change
from tests.support.factories import make_draft
from tests.support.mail_servers import HangingServer

pytestmark = pytest.mark.django_db


def test_a_line_break_in_a_headline_still_emails_the_reviewers(django_user_model):
    make_staff(django_user_model, "Editor", "reviewer")
    story = make_draft(headline="Council\r\nBcc: all@example.com")
    assert email_reviewers.call(story.pk, story.headline, "Ann") == 1
    message = mail.outbox[0]
    assert message.subject == "For review: Council Bcc: all@example.com"
    assert message.to == ["reviewer@example.com"] and message.bcc == []


def test_a_story_sent_for_review_is_answered_at_once_while_the_mail_server_hangs(
    client, settings, django_user_model, django_capture_on_commit_callbacks
):
    server = HangingServer()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", server.port
    settings.EMAIL_USE_TLS, settings.EMAIL_TIMEOUT = False, 3
    settings.TASKS = site_settings.TASKS
    make_staff(django_user_model, "Editor", "reviewer")
    contributor = make_staff(django_user_model, "Contributor")
    story = make_draft(created_by=contributor)
    client.force_login(contributor)
    started = time.monotonic()
    with django_capture_on_commit_callbacks(execute=True):
        assert post_change(client, story, _workflow="submit").status_code == 302
    assert time.monotonic() - started < 1.5
    queued = DBTaskResult.objects.get()
    assert queued.task_path == "articles.workflow.email_reviewers"
    assert queued.status == "READY"
    server.close()


@pytest.mark.parametrize(
    ("typed", "subject"),
    [
        ("Line\nbreak", "Line break"),
        ("Tab\there", "Tab here"),
        ("Zero\u200bwidth", "Zerowidth"),
        ("Para\u2029graph", "Para graph"),
        ("Family 👨\u200d👩\u200d👧", "Family 👨\u200d👩\u200d👧"),
        ("  spaced   out  ", "spaced out"),
    ],
)
def test_an_email_subject_is_one_clean_line(typed, subject):
    assert subject_line(typed) == subject


def test_an_email_subject_is_cut_to_a_sensible_length():
    assert len(subject_line("x" * 1000)) == 200
