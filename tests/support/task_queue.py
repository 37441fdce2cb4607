"""The database task queue in tests: its backend instead of the immediate one, and
a worker run that does everything due, then stops."""

from unittest import mock

from django_tasks_db.management.commands import db_worker
from django_tasks_db.management.commands.db_worker import Worker

import newsroom.settings as site_settings


def use_database_queue(settings) -> None:
    """The site's own task backend (the database queue), not the tests' immediate one."""
    settings.TASKS = site_settings.TASKS


def run_worker():
    """What `manage.py db_worker --batch` does: run every task that is due, then stop.
    (Inside the test's transaction, which the worker's connection recycling would end,
    as Django's test client also keeps it.)"""
    with mock.patch.object(db_worker, "close_old_connections", lambda: None):
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=None,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()
