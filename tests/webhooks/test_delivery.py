"""What a receiver gets: signed JSON for each event it asked for, only about stories
readers may see, retried when it fails, and nothing when its webhook is gone."""

import hashlib
import hmac
import json
from datetime import timedelta

import pytest
import time_machine
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from articles.models import Correction
from comments.models import Comment
from tests.support.desk import post_change
from tests.support.factories import make_article, make_comment, make_draft
from tests.support.mail_servers import HangingServer
from tests.support.task_queue import run_worker, use_database_queue
from tests.support.webhook_servers import Receiver
from tests.webhooks.conftest import make_webhook
from webhooks import delivery as delivering
from webhooks.models import Delivery, Event

pytestmark = pytest.mark.django_db


def sent(receiver):
    return [json.loads(body) for _, _, body in receiver.received]


def test_a_published_story_reaches_the_receiver_signed(
    allow_local, editor, django_capture_on_commit_callbacks
):
    story = make_draft(headline="Budget day")
    with Receiver() as receiver:
        hook = make_webhook(receiver.url, events=[Event.PUBLISHED])
        with django_capture_on_commit_callbacks(execute=True):
            story.publish(editor)
    [(path, headers, body)] = receiver.received
    assert path == "/hook?src=news"
    assert headers["X-Newsroom-Event"] == "story.published"
    timestamp = headers["X-Newsroom-Timestamp"]
    expected = hmac.new(
        hook.secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256
    ).hexdigest()
    assert headers["X-Newsroom-Signature"] == f"sha256={expected}"
    data = json.loads(body)
    assert data["event"] == "story.published"
    assert data["id"] == headers["X-Newsroom-Delivery"]
    assert data["story"]["headline"] == "Budget day"
    assert data["story"]["canonical_url"].endswith(story.get_absolute_url())
    assert data["story"]["api_url"].endswith(f"/api/v1/stories/{story.pk}/")
    row = Delivery.objects.get()
    assert (row.outcome, row.status_code, row.attempt) == ("delivered", 204, 1)
    assert row.response_ms is not None


def test_a_receiver_gets_only_the_events_it_chose(
    allow_local, editor, django_capture_on_commit_callbacks
):
    story = make_draft()
    with Receiver() as receiver:
        make_webhook(receiver.url, events=[Event.UNPUBLISHED])
        with django_capture_on_commit_callbacks(execute=True):
            story.publish(editor)
        with django_capture_on_commit_callbacks(execute=True):
            story.unpublish(editor)
    assert [d["event"] for d in sent(receiver)] == ["story.unpublished"]


def test_inactive_webhooks_receive_nothing(
    allow_local, editor, django_capture_on_commit_callbacks
):
    with Receiver() as receiver:
        make_webhook(receiver.url, is_active=False)
        with django_capture_on_commit_callbacks(execute=True):
            make_draft().publish(editor)
    assert receiver.received == []


def test_a_correction_and_an_approved_comment_are_announced(
    allow_local, django_capture_on_commit_callbacks
):
    story = make_article()
    comment = make_comment(
        story, status=Comment.Status.PENDING, author_email="reader@example.com"
    )
    with Receiver() as receiver:
        make_webhook(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            Correction.objects.create(article=story, text="We misspelt the name.")
        with django_capture_on_commit_callbacks(execute=True):
            comment.approve()
    corrected, approved = sent(receiver)
    assert corrected["event"] == "story.corrected"
    assert corrected["correction"]["text"] == "We misspelt the name."
    assert approved["event"] == "comment.approved"
    assert approved["comment"]["id"] == comment.pk
    assert "reader@example.com" not in json.dumps(approved)


def test_nothing_is_said_about_a_story_that_was_never_live(
    allow_local, editor, django_capture_on_commit_callbacks
):
    """Unpublishing a scheduled story, a note on a draft: no headline leaves the desk."""
    scheduled = make_article(published_at=timezone.now() + timedelta(days=1))
    draft = make_draft(headline="Secret plans")
    with Receiver() as receiver:
        make_webhook(receiver.url)
        with django_capture_on_commit_callbacks(execute=True):
            scheduled.unpublish(editor)
        with django_capture_on_commit_callbacks(execute=True):
            Correction.objects.create(article=draft, text="Fixed.")
    assert receiver.received == []


def test_a_scheduled_story_is_announced_at_its_publish_time(
    settings, allow_local, editor, django_capture_on_commit_callbacks
):
    use_database_queue(settings)
    story = make_draft()
    when = timezone.now() + timedelta(hours=2)
    with Receiver() as receiver:
        make_webhook(receiver.url, events=[Event.PUBLISHED])
        with django_capture_on_commit_callbacks(execute=True):
            story.schedule(editor, when)
        run_worker()
        assert receiver.received == []  # not before its time
        with time_machine.travel(when + timedelta(seconds=5)):
            run_worker()
    [data] = sent(receiver)
    assert data["occurred_at"] == when.isoformat()


def test_a_rescheduled_story_is_announced_once_at_its_new_time(
    settings, allow_local, editor, django_capture_on_commit_callbacks
):
    use_database_queue(settings)
    story = make_draft()
    first = timezone.now() + timedelta(hours=1)
    second = timezone.now() + timedelta(hours=3)
    with Receiver() as receiver:
        make_webhook(receiver.url, events=[Event.PUBLISHED])
        with django_capture_on_commit_callbacks(execute=True):
            story.schedule(editor, first)
        with django_capture_on_commit_callbacks(execute=True):
            story.unpublish(editor)
            story.schedule(editor, second)
        with time_machine.travel(second + timedelta(seconds=5)):
            run_worker()
    assert [d["occurred_at"] for d in sent(receiver)] == [second.isoformat()]


def test_an_expiry_is_announced_when_it_comes(
    settings, allow_local, editor, django_capture_on_commit_callbacks
):
    use_database_queue(settings)
    expires = timezone.now() + timedelta(hours=5)
    story = make_draft(expires_at=expires)
    with Receiver() as receiver:
        make_webhook(receiver.url, events=[Event.UNPUBLISHED])
        with django_capture_on_commit_callbacks(execute=True):
            story.publish(editor)
        run_worker()
        with time_machine.travel(expires + timedelta(seconds=5)):
            run_worker()
    [data] = sent(receiver)
    assert data["event"] == "story.unpublished"
    assert data["story"]["id"] == story.pk


def test_an_endpoint_that_hangs_times_out_is_logged_and_retried(
    settings, allow_local, editor, django_capture_on_commit_callbacks
):
    use_database_queue(settings)
    server = HangingServer()
    try:
        make_webhook(f"http://127.0.0.1:{server.port}/", events=[Event.PUBLISHED])
        with django_capture_on_commit_callbacks(execute=True):
            make_draft().publish(editor)
        run_worker()
    finally:
        server.close()
    first, second = Delivery.objects.order_by("attempt")
    assert first.outcome == "failed"
    assert "Timed out after 1 s" in first.error
    assert first.response_ms >= 900
    assert first.retry_at == first.sent_at + timedelta(seconds=60)
    assert (second.attempt, second.outcome) == (2, "pending")


def test_an_endpoint_that_answers_500_is_retried_with_growing_waits_then_left(
    settings, allow_local, editor, django_capture_on_commit_callbacks
):
    use_database_queue(settings)
    with Receiver(status=500) as receiver:
        make_webhook(receiver.url, events=[Event.PUBLISHED])
        with django_capture_on_commit_callbacks(execute=True):
            make_draft().publish(editor)
        run_worker()
        with time_machine.travel(timezone.now() + timedelta(minutes=2)):
            run_worker()
        with time_machine.travel(timezone.now() + timedelta(minutes=10)):
            run_worker()
    rows = list(Delivery.objects.order_by("attempt"))
    assert len(receiver.received) == 3 == len(rows)  # WEBHOOKS_MAX_ATTEMPTS
    assert [r.status_code for r in rows] == [500, 500, 500]
    waits = [r.retry_at - r.sent_at for r in rows[:2]]
    assert waits == [timedelta(seconds=60), timedelta(seconds=240)]
    assert rows[2].retry_at is None  # the last attempt


def test_the_default_retries_span_about_a_day(settings):
    settings.WEBHOOKS_RETRY_DELAY, settings.WEBHOOKS_MAX_ATTEMPTS = 60, 7
    total = sum((delivering.retry_delay(n) for n in range(1, 7)), timedelta())
    assert timedelta(hours=20) < total <= timedelta(days=1)


def test_a_deleted_webhooks_pending_deliveries_are_dropped_cleanly(
    settings, allow_local, django_capture_on_commit_callbacks
):
    use_database_queue(settings)
    story = make_article()
    with Receiver() as receiver:
        hook = make_webhook(receiver.url, events=[Event.UPDATED])
        with django_capture_on_commit_callbacks(execute=True):
            made = delivering.fan_out.call(
                Event.UPDATED.value, story.pk, timezone.now().isoformat()
            )
        assert made == 1 and DBTaskResult.objects.filter(status="READY").count() == 1
        hook.delete()  # before the worker gets to its delivery
        run_worker()
    assert receiver.received == []
    assert Delivery.objects.count() == 0
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_saving_a_live_story_in_the_admin_announces_an_update(
    client, allow_local, editor, django_capture_on_commit_callbacks
):
    live, draft = make_article(headline="Flood warning"), make_draft()
    client.force_login(editor)
    with Receiver() as receiver:
        make_webhook(receiver.url, events=[Event.UPDATED])
        with django_capture_on_commit_callbacks(execute=True):
            response = post_change(client, live, headline="Flood warning lifted")
        assert response.status_code == 302
        with django_capture_on_commit_callbacks(execute=True):
            post_change(client, draft, headline="Still a draft")
    [data] = sent(receiver)
    assert data["event"] == "story.updated"
    assert data["story"]["headline"] == "Flood warning lifted"
