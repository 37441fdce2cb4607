"""Admin brute-force protection (django-axes): a lockout ends on time."""

from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone

pytestmark = pytest.mark.django_db


def attempt(client, password):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "chief", "password": password},
        REMOTE_ADDR="203.0.113.9",
    )


def test_attempts_during_a_lockout_do_not_extend_it(client, superuser, settings):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        for _ in range(settings.AXES_FAILURE_LIMIT):
            attempt(client, "wrong")
        assert attempt(client, "pw").status_code == 429  # locked out
    with time_machine.travel(start + timedelta(minutes=10), tick=False):
        assert attempt(client, "wrong").status_code == 429  # still locked
    # The cool-off counts from the lockout, not from the last attempt.
    with time_machine.travel(start + timedelta(minutes=16), tick=False):
        response = attempt(client, "pw")
    assert response.status_code == 302
    assert response["Location"] == "/admin/"
