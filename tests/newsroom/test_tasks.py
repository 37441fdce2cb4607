"""The task queue: background work waits in the database for the worker, and work
that fails on the outside world is retried later, visibly, a bounded number of times."""

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
import time_machine
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

import newsroom.settings as site_settings
from comments.models import Comment
from comments.notifications import notify_moderators
from tests.support.factories import make_article, make_comment
from tests.support.mail_servers import refusing_port
from tests.support.task_queue import run_worker
from tests.support.users import user_in_group

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture
def queue(settings):
    """The site's own task backend (the database queue), not the tests' immediate one."""
    settings.TASKS = site_settings.TASKS
    settings.TASKS_MAX_ATTEMPTS = 3
    settings.TASKS_RETRY_DELAY = 30


@pytest.fixture
def refusing_smtp(settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = refusing_port()
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_TIMEOUT = 2


@pytest.fixture
def held_comment(django_user_model):
    user_in_group(django_user_model, "mod", "Moderator")
    return make_comment(
        make_article(headline="Budget day"), status=Comment.Status.PENDING
    )


# Settings refuse to load with DEBUG off and no real signing key.
KEY = {"DJANGO_SECRET_KEY": "tests-only-signing-key-" + "k" * 40}


def settings_in_a_fresh_process(**env) -> str:
    code = (
        "import newsroom.settings as s; "
        "print(s.TASKS['default']['BACKEND'], s.EMAIL_TIMEOUT)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={"PATH": "/usr/bin:/bin", "NEWSROOM_VAR_DIR": "/tmp", **KEY, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_out_of_the_box_background_work_waits_in_the_database_for_the_worker():
    assert settings_in_a_fresh_process() == "django_tasks_db.DatabaseBackend 10"


def test_smtp_gets_a_timeout_from_the_environment():
    out = settings_in_a_fresh_process(EMAIL_HOST="smtp.example.com", EMAIL_TIMEOUT="4")
    assert out.endswith(" 4")


def test_redis_is_a_one_word_choice_and_needs_a_redis_url():
    with_redis = settings_in_a_fresh_process(
        TASKS_BACKEND="rq", REDIS_URL="redis://127.0.0.1:6379/2"
    )
    assert with_redis.startswith("django_tasks_rq.RQBackend")
    result = subprocess.run(
        [sys.executable, "-c", "import newsroom.settings"],
        cwd=BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "TASKS_BACKEND": "rq",
            "NEWSROOM_VAR_DIR": "/tmp",
            **KEY,
        },
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert "TASKS_BACKEND=rq needs" in result.stderr


def test_a_queued_email_is_sent_by_the_worker_not_before(queue, held_comment):
    notify_moderators.enqueue(held_comment.pk)
    assert mail.outbox == []
    run_worker()
    assert len(mail.outbox) == 1
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_a_refused_email_is_retried_later_and_then_delivered(
    queue, refusing_smtp, held_comment, settings
):
    notify_moderators.enqueue(held_comment.pk)
    run_worker()
    failed = DBTaskResult.objects.get(status="FAILED")
    assert failed.exception_class_path == "builtins.ConnectionRefusedError"
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 2}
    wait = retry.run_after - failed.finished_at
    assert timedelta(seconds=29) < wait < timedelta(seconds=31)
    run_worker()  # not due yet: nothing happens
    assert DBTaskResult.objects.get(pk=retry.pk).status == "READY"

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    with time_machine.travel(timezone.now() + timedelta(seconds=31)):
        run_worker()
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    assert len(mail.outbox) == 1
    assert "Budget day" in mail.outbox[0].subject


def test_each_retry_waits_four_times_longer(queue, refusing_smtp, held_comment):
    notify_moderators.enqueue(held_comment.pk, attempt=2)
    run_worker()
    failed = DBTaskResult.objects.get(status="FAILED")
    retry = DBTaskResult.objects.get(status="READY")
    assert retry.args_kwargs["kwargs"] == {"attempt": 3}
    wait = retry.run_after - failed.finished_at
    assert timedelta(seconds=119) < wait < timedelta(seconds=121)


def test_retries_stop_after_the_last_attempt_and_the_failure_shows_in_the_admin(
    queue, refusing_smtp, held_comment, client, superuser
):
    notify_moderators.enqueue(held_comment.pk, attempt=3)
    run_worker()
    assert list(DBTaskResult.objects.values_list("status", flat=True)) == ["FAILED"]

    client.force_login(superuser)
    url = reverse("admin:django_tasks_database_dbtaskresult_changelist")
    page = client.get(url, {"status__exact": "FAILED"}).text
    assert "notify_moderators" in page
    failed = DBTaskResult.objects.get()
    detail = client.get(
        reverse("admin:django_tasks_database_dbtaskresult_change", args=[failed.pk])
    ).text
    assert "ConnectionRefusedError" in detail


def test_the_immediate_backend_does_not_retry_inside_the_request(
    refusing_smtp, held_comment
):
    result = notify_moderators.enqueue(held_comment.pk)
    assert result.status == "FAILED"
    assert not DBTaskResult.objects.exists()
