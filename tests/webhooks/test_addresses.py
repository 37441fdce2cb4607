"""No server-side request forgery: a webhook reaches public addresses only, when it
is saved and at every delivery, and a redirect is never followed."""

import json
import socket

import pytest

from tests.support.factories import make_article
from tests.support.webhook_servers import Receiver
from tests.webhooks.conftest import make_webhook
from webhooks import addresses
from webhooks import delivery as delivering
from webhooks.models import Delivery, Event

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "address",
    [
        "127.0.0.1",
        "10.1.2.3",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",  # cloud metadata
        "100.64.0.1",  # carrier-grade NAT
        "0.0.0.0",
        "224.0.0.1",
        "::1",
        "fe80::1",
        "fc00::1",
        "::ffff:127.0.0.1",
        "240.0.0.1",
    ],
)
def test_private_and_reserved_addresses_are_not_public(address):
    assert not addresses.is_public(address)


@pytest.mark.parametrize("address", ["93.184.216.34", "2606:4700::1111"])
def test_internet_addresses_are_public(address):
    assert addresses.is_public(address)


def resolving(monkeypatch, answers: dict[str, str]):
    """Answer DNS lookups of the given names (name → IP address) locally."""
    real = socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host in answers:
            return real(answers[host], port, *args, **kwargs)
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)


def deliver_update(story) -> Delivery:
    delivering.fan_out.call(Event.UPDATED.value, story.pk, "2026-01-01T00:00:00+00:00")
    return Delivery.objects.get(attempt=1)


def test_a_name_that_resolves_to_a_private_address_at_delivery_is_refused(
    settings, monkeypatch
):
    """Public when saved, 127.0.0.1 when delivered (DNS rebinding): refused, logged."""
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    story = make_article()
    with Receiver() as receiver:
        port = receiver.server.server_address[1]
        make_webhook(f"http://hooks.example.net:{port}/", events=[Event.UPDATED])
        resolving(monkeypatch, {"hooks.example.net": "127.0.0.1"})
        row = deliver_update(story)
    assert receiver.received == []
    assert row.outcome == "failed" and row.retry_at is None
    assert "Refused" in row.error and "127.0.0.1" in row.error


def test_a_redirect_to_a_private_address_is_refused_and_logged(settings, monkeypatch):
    settings.WEBHOOKS_ALLOW_PRIVATE = False
    # The receiver stands for a public host; the redirect points inside.
    public = addresses.is_public
    monkeypatch.setattr(addresses, "is_public", lambda a: a == "127.0.0.1" or public(a))
    story = make_article()
    target = "http://169.254.169.254/latest/meta-data/"
    with Receiver(status=302, headers={"Location": target}) as receiver:
        make_webhook(receiver.url, events=[Event.UPDATED])
        row = deliver_update(story)
    assert len(receiver.received) == 1  # asked once, the redirect not followed
    assert row.outcome == "failed" and row.status_code == 302
    assert "refused" in row.error and "169.254.169.254" in row.error
    assert row.retry_at is None


def test_even_a_public_redirect_is_not_followed(settings, allow_local):
    story = make_article()
    with Receiver() as elsewhere:
        with Receiver(status=301, headers={"Location": elsewhere.url}) as receiver:
            make_webhook(receiver.url, events=[Event.UPDATED])
            row = deliver_update(story)
    assert len(receiver.received) == 1 and elsewhere.received == []
    assert "Redirects are not followed" in row.error


def test_a_webhook_pointing_nowhere_is_logged_not_raised(settings, allow_local):
    story = make_article()
    make_webhook("http://no-such-host.invalid/", events=[Event.UPDATED])
    row = deliver_update(story)
    assert row.outcome == "failed"
    assert "does not resolve" in row.error and row.retry_at is not None
    assert json.loads(row.body)["story"]["id"] == story.pk
