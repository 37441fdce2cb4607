"""Background tasks: the one rule for retrying work that talks to the outside world.

Tasks are plain ``django_tasks.task`` functions; the backend (settings.TASKS) decides
where they run: the database and ``manage.py db_worker`` by default, Redis and
``manage.py rqworker`` in production if wanted, immediately inside the request in
tests. django-tasks has no retries of its own, so a task that calls out wraps the
call in ``retry_on_failure()``:

    @task()
    def notify(comment_id: int, attempt: int = 1) -> int:
        ...
        with retry_on_failure(notify, comment_id, attempt=attempt):
            send_mail(...)

A network failure (refused, timed out, an SMTP error: all ``OSError``) enqueues the
same task again to run TASKS_RETRY_DELAY seconds later, then 4x, 16x... longer, up
to TASKS_MAX_ATTEMPTS attempts in all. Every failed attempt is still recorded as
failed, with its traceback, under "Task results" in the admin, so a mail server that
is down is visible there while the work waits for it.
"""

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.utils import timezone
from django_tasks.base import Task

logger = logging.getLogger("newsroom.tasks")


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1, 2, ...)."""
    return timedelta(seconds=settings.TASKS_RETRY_DELAY * 4 ** (attempt - 1))


def retry(task: Task, *args, attempt: int, **kwargs) -> bool:
    """Enqueue attempt number attempt+1 of `task`, later; False when none is left
    (or the backend runs tasks on the spot, where waiting would block a request)."""
    if attempt >= settings.TASKS_MAX_ATTEMPTS:
        logger.error("%s: attempt %d failed, giving up", task.name, attempt)
        return False
    if not task.get_backend().supports_defer:
        logger.error("%s failed; this tasks backend cannot retry later", task.name)
        return False
    run_after = timezone.now() + retry_delay(attempt)
    task.using(run_after=run_after).enqueue(*args, attempt=attempt + 1, **kwargs)
    logger.warning(
        "%s: attempt %d failed, retrying at %s", task.name, attempt, run_after
    )
    return True


@contextmanager
def retry_on_failure(task: Task, *args, attempt: int, **kwargs) -> Iterator[None]:
    """Run the block; if the outside world fails it, retry the task later (above) and
    let the error fail this attempt."""
    try:
        yield
    except OSError:
        retry(task, *args, attempt=attempt, **kwargs)
        raise
