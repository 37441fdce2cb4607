"""For the tests that move the database to an older schema, run a migration and
look at the rows it kept."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor


@pytest.fixture(autouse=True)
def back_to_the_latest_schema():
    """Whatever the test migrated to, the next test starts on the latest schema."""
    yield
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets):
    """Migrate to targets ((app, migration), a None migration: the app unapplied)
    and return the apps as they stand there, for their historical models."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps
