"""For the tests of races: several requests or writes at the same moment, each in
its own thread with its own database connection."""

import threading

import pytest
from django.db import connection


def skip_on_in_memory_sqlite(why_nothing_is_missed: str) -> None:
    if connection.vendor == "sqlite" and connection.is_in_memory_db():
        pytest.skip(
            "threads on the in-memory SQLite test database fail with 'table is "
            f"locked'; {why_nothing_is_missed}"
        )


def all_at_once(work, inputs, timeout: float = 20) -> list[Exception]:
    """Call work(each input) in a thread of its own, all released together, and
    wait for them; returns what they raised."""
    barrier = threading.Barrier(len(inputs))
    errors = []

    def run(each):
        try:
            barrier.wait(timeout=timeout)
            work(each)
        except Exception as exc:  # the test reports them with the others
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(each,)) for each in inputs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return errors
