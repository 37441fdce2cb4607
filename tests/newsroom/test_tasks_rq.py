"""TASKS_BACKEND=rq: the same tasks and retries on Redis, run by `manage.py rqworker`.

Needs a Redis server: runs when REDIS_URL is set (as in CI's second pass), with its
own processes (settings for the rq backend are read at start-up).
"""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.support.mail_servers import refusing_port

BASE_DIR = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("REDIS_URL", "")

# RQ must build django-tasks-rq's jobs, which know how to run a Task.
RQWORKER = ["--job-class", "django_tasks_rq.backend.Job"]

pytestmark = pytest.mark.skipif(not REDIS_URL, reason="REDIS_URL is not set")

ENQUEUE = """
from django.contrib.auth import get_user_model
from comments.models import Comment
from comments.notifications import notify_moderators
from tests.support.factories import make_article, make_comment
get_user_model().objects.create_superuser("mod", "mod@example.com", "pw")
comment = make_comment(make_article(headline="Ferry on Redis"), status=Comment.Status.PENDING)
print(notify_moderators.enqueue(comment.pk).id)
"""


@pytest.fixture
def manage(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "EMAIL_HOST"}
    } | {
        "NEWSROOM_VAR_DIR": str(tmp_path),
        "TASKS_BACKEND": "rq",
        "TASKS_REDIS_URL": REDIS_URL,
        "TASKS_RETRY_DELAY": "1",
        "LOG_LEVEL": "WARNING",
    }

    def run(*args, extra_env=None, **kwargs):
        return subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=BASE_DIR,
            env=env | (extra_env or {}),
            capture_output=True,
            text=True,
            timeout=120,
            check=True,
            **kwargs,
        )

    run("migrate", "--noinput", "-v0")
    return run


def test_an_email_queued_on_redis_is_sent_by_the_rq_worker(manage):
    manage("shell", "-c", ENQUEUE)
    worker = manage("rqworker", *RQWORKER, "--burst")
    assert "A new comment on “Ferry on Redis”" in worker.stdout


def test_a_refused_email_on_redis_is_retried_later_and_then_sent(manage):
    smtp = {"EMAIL_HOST": "127.0.0.1", "EMAIL_PORT": str(refusing_port())}
    smtp["EMAIL_USE_TLS"] = "0"
    manage("shell", "-c", ENQUEUE, extra_env=smtp)
    first = manage("rqworker", *RQWORKER, "--burst", extra_env=smtp)
    assert "ConnectionRefusedError" in first.stderr + first.stdout
    assert "retrying at" in first.stderr + first.stdout
    time.sleep(1.5)  # TASKS_RETRY_DELAY=1: the retry is due
    second = manage("rqworker", *RQWORKER, "--burst", "--with-scheduler")
    assert "A new comment on “Ferry on Redis”" in second.stdout
