"""Webhooks in the admin: a bad URL is a form error (never a 500), the secret is
shown, the editor's publish request only enqueues, and a delivery can be replayed."""

import json

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from tests.support.factories import make_article, make_draft
from tests.support.task_queue import run_worker, use_database_queue
from tests.support.webhook_servers import Receiver, no_outbound_connections
from tests.webhooks.conftest import make_webhook
from webhooks import delivery as delivering
from webhooks.models import Delivery, Event, Webhook

pytestmark = pytest.mark.django_db

ADD = reverse("admin:webhooks_webhook_add")


def add_form(url, events=("story.published",)):
    return {"name": "Partner", "url": url, "events": list(events), "is_active": "on"}


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("http://127.0.0.1:8000/hook", "public addresses only"),
        ("http://localhost/hook", "public addresses only"),
        ("http://[::1]/hook", "public addresses only"),
        ("http://169.254.169.254/latest/", "public addresses only"),
        ("http://10.0.0.5/", "public addresses only"),
        ("ftp://example.com/hook", "Enter a valid URL"),
        ("http://no-such-host.invalid/", "does not resolve"),
        ("http://[::1/", "Enter a valid URL"),
        ("http://exa mple.com/", "Enter a valid URL"),
        ("http://example.com:99999/", "valid URL"),
    ],
)
def test_a_bad_webhook_url_is_a_form_error(client, superuser, url, message):
    client.force_login(superuser)
    response = client.post(ADD, add_form(url))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Webhook.objects.exists()


def test_an_unknown_event_is_a_form_error(client, superuser, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    client.force_login(superuser)
    response = client.post(ADD, add_form("http://127.0.0.1/", events=["story.eaten"]))
    assert response.status_code == 200
    assert not Webhook.objects.exists()


def test_a_saved_webhook_shows_its_generated_secret(client, superuser, settings):
    settings.WEBHOOKS_ALLOW_PRIVATE = True  # an intranet receiver
    client.force_login(superuser)
    response = client.post(ADD, add_form("http://127.0.0.1:9/hook"))
    assert response.status_code == 302
    hook = Webhook.objects.get()
    assert len(hook.secret) == 64 and hook.events == ["story.published"]
    page = client.get(reverse("admin:webhooks_webhook_change", args=[hook.pk]))
    assert hook.secret in page.content.decode()


def test_an_editor_cannot_manage_webhooks(client, editor):
    client.force_login(editor)
    assert client.get(ADD).status_code == 403
    assert client.post(ADD, add_form("http://example.com/")).status_code == 403


def publish_in_the_admin(client, story):
    return client.post(
        reverse("admin:articles_article_changelist"),
        {"action": "publish_selected", "_selected_action": [story.pk]},
    )


def test_publishing_to_20_webhooks_only_enqueues_one_task(
    client,
    editor,
    settings,
    allow_local,
    django_capture_on_commit_callbacks,
    django_assert_max_num_queries,
):
    """The fan-out adds no outbound call and no query per endpoint to the editor's
    publish request: it enqueues one task and the worker does the rest."""
    use_database_queue(settings)
    client.force_login(editor)
    baseline_story, story = make_draft(), make_draft()
    with django_capture_on_commit_callbacks(execute=True) as baseline:
        publish_in_the_admin(client, baseline_story)
    DBTaskResult.objects.all().delete()
    with Receiver() as receiver:
        for n in range(20):
            make_webhook(receiver.url, name=f"Partner {n}", events=[Event.PUBLISHED])
        with (
            no_outbound_connections() as calls,
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            response = publish_in_the_admin(client, story)
        assert response.status_code == 302 and calls == []
        assert len(callbacks) == len(baseline)
        [queued] = DBTaskResult.objects.all()
        assert queued.task_path == "webhooks.delivery.fan_out"
        assert not Delivery.objects.exists()
        run_worker()
    assert len(receiver.received) == 20
    assert Delivery.objects.filter(outcome="delivered").count() == 20


def test_the_publish_request_makes_the_same_queries_with_20_webhooks(
    client, editor, settings, allow_local, django_assert_num_queries
):
    use_database_queue(settings)
    client.force_login(editor)
    first, second = make_draft(), make_draft()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as without:
        publish_in_the_admin(client, first)
    for n in range(20):
        make_webhook("http://127.0.0.1:9/", name=f"P{n}", events=[Event.PUBLISHED])
    with django_assert_num_queries(len(without)):
        publish_in_the_admin(client, second)


def test_a_delivery_can_be_replayed_from_the_admin(
    client, superuser, allow_local, django_capture_on_commit_callbacks
):
    story = make_article()
    with Receiver(status=503) as receiver:
        make_webhook(receiver.url, events=[Event.UPDATED])
        delivering.fan_out.call(Event.UPDATED.value, story.pk, "2026-01-01T00:00:00Z")
        failed = Delivery.objects.get(attempt=1)
        receiver.status = 200
        client.force_login(superuser)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("admin:webhooks_delivery_changelist"),
                {"action": "replay", "_selected_action": [failed.pk]},
            )
    assert response.status_code == 302
    first, again = receiver.received[0][2], receiver.received[-1][2]
    assert first == again  # the same event, byte for byte
    replayed = Delivery.objects.filter(outcome="delivered").get()
    assert replayed.event_id == failed.event_id and replayed.attempt > 1
    assert json.loads(replayed.body)["story"]["id"] == story.pk


def test_the_delivery_log_lists_status_time_and_error(client, superuser, allow_local):
    story = make_article()
    with Receiver(status=500) as receiver:
        make_webhook(receiver.url, events=[Event.UPDATED])
        delivering.fan_out.call(Event.UPDATED.value, story.pk, "2026-01-01T00:00:00Z")
    client.force_login(superuser)
    page = client.get(reverse("admin:webhooks_delivery_changelist")).content.decode()
    assert "The endpoint answered 500." in page
    assert "story.updated" in page
