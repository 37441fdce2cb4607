"""Delivering events: two background tasks, never run in the editor's request.

fan_out(event, ...) builds the JSON once, checks the story may still be told
about (a draft never is), and makes one Delivery row and one deliver() task per
webhook that wants the event. deliver(delivery_id) signs and POSTs it; a network
failure, a timeout, a 5xx, 408 or 429 is retried with exponential backoff
(WEBHOOKS_RETRY_DELAY seconds, then 4x, 16x... longer; WEBHOOKS_MAX_ATTEMPTS
attempts in all, a day with the defaults) through the tasks backend's run_after.
A deleted or deactivated webhook's pending deliveries are dropped.

Scheduled events (a story scheduled for later, a story's expiry) are fan_out()
tasks enqueued to run at that time, which check on arrival that the story still
stands as expected (the same publish or expiry time), so a rescheduled or
unpublished story announces nothing in its old slot.
"""

import json
import logging
import uuid
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django_tasks import task
from django_tasks.base import Task

from articles.models import Article, Correction
from comments.models import Comment
from webhooks import sending
from webhooks.models import Delivery, Event, Webhook

logger = logging.getLogger(__name__)


def retry_delay(attempt: int) -> timedelta:
    """How long to wait after failed attempt number `attempt` (1, 2, ...)."""
    return timedelta(seconds=settings.WEBHOOKS_RETRY_DELAY * 4 ** (attempt - 1))


def enqueue(task: Task, *args, run_after: datetime | None = None, **kwargs) -> bool:
    """Enqueue now, or at run_after when the backend can wait (False if not)."""
    if run_after is not None and run_after > timezone.now():
        if not task.get_backend().supports_defer:
            logger.error("%s: this tasks backend cannot run it later", task.name)
            return False
        task = task.using(run_after=run_after)
    task.enqueue(*args, **kwargs)
    return True


# --- what is sent ---------------------------------------------------------------


def story_part(story: Article) -> dict:
    return {
        "id": story.pk,
        "headline": story.headline,
        "canonical_url": settings.SITE_URL + story.get_absolute_url(),
        "api_url": settings.SITE_URL + reverse("api:story-detail", args=[story.pk]),
    }


def payload(event: str, occurred_at: datetime, story: Article, **parts) -> dict:
    return {
        "event": event,
        "occurred_at": occurred_at.isoformat(),
        "story": story_part(story),
        **parts,
    }


def correction_part(note: Correction) -> dict:
    return {
        "id": note.pk,
        "kind": note.kind,
        "text": note.text,
        "noted_at": note.noted_at.isoformat(),
    }


def comment_part(comment: Comment) -> dict:
    # What readers see under the story: never an email or IP address.
    return {
        "id": comment.pk,
        "author_name": comment.display_name,
        "content": comment.content,
        "created_at": comment.created_at.isoformat(),
        "url": settings.SITE_URL + comment.get_absolute_url(),
    }


def build(event: str, article_id: int, occurred_at: datetime, **ids) -> dict | None:
    """The event's JSON, or None when it must not (or need not) go out: the story
    is gone, not live (for anything but unpublication), or no longer stands as the
    event expected (published_at / expires_at changed since)."""
    story = Article.objects.filter(pk=article_id).first()
    if story is None or _moved(story.published_at, ids.get("published_at")):
        return None
    now = timezone.now()
    if event == Event.UNPUBLISHED:
        if story.is_published(now) or _moved(story.expires_at, ids.get("expires_at")):
            return None  # published again, or its expiry moved
        return payload(event, occurred_at, story)
    if not story.is_published(now):
        return None  # never a word about a draft, a scheduled or expired story
    if event == Event.CORRECTED:
        note = Correction.objects.filter(pk=ids.get("correction_id")).first()
        if note is None:
            return None
        return payload(event, occurred_at, story, correction=correction_part(note))
    if event == Event.COMMENT_APPROVED:
        comment = Comment.objects.approved().filter(pk=ids.get("comment_id")).first()
        if comment is None:
            return None  # unapproved, binned or deleted meanwhile
        return payload(event, occurred_at, story, comment=comment_part(comment))
    return payload(event, occurred_at, story)


def _moved(value: datetime | None, expected: str | None) -> bool:
    return expected is not None and (value is None or value.isoformat() != expected)


# --- the tasks -----------------------------------------------------------------


@task()
def fan_out(event: str, article_id: int, occurred_at: str, **ids) -> int:
    """One Delivery and one deliver() task per webhook wanting `event`; returns
    how many. `ids`: correction_id, comment_id, and the published_at or
    expires_at the event expects the story to still have."""
    when = datetime.fromisoformat(occurred_at)
    if event in (Event.PUBLISHED, Event.UPDATED):
        schedule_expiry(article_id)
    hooks = Webhook.objects.wanting(event)
    if not hooks:
        return 0
    # An expiry may be scheduled by several updates: one id, sent once.
    if "expires_at" in ids:
        event_id = uuid.uuid5(
            uuid.NAMESPACE_URL, f"expiry:{article_id}:{ids['expires_at']}"
        )
        if Delivery.objects.filter(event_id=event_id).exists():
            return 0
    else:
        event_id = uuid.uuid4()
    data = build(event, article_id, when, **ids)
    if data is None:
        return 0
    body = json.dumps(
        {"id": str(event_id), **data}, ensure_ascii=False, separators=(",", ":")
    )
    # Saved (one INSERT) before their tasks are enqueued, so a worker never looks
    # for a row that is not there yet.
    rows = Delivery.objects.bulk_create(
        Delivery(webhook=hook, event=event, event_id=event_id, body=body)
        for hook in hooks
    )
    for row in rows:
        deliver.enqueue(row.pk)
    return len(rows)


def schedule_expiry(article_id: int) -> None:
    """A live story with an expiry time: announce its unpublication then (an
    expiry is no write, so nothing else would). Every update of the story
    schedules the check again; the deterministic event id sends it once."""
    if not Webhook.objects.wanting(Event.UNPUBLISHED):
        return
    story = Article.objects.filter(pk=article_id).only("expires_at").first()
    if story is None or story.expires_at is None:
        return
    enqueue(
        fan_out,
        Event.UNPUBLISHED.value,
        article_id,
        story.expires_at.isoformat(),
        expires_at=story.expires_at.isoformat(),
        run_after=story.expires_at,
    )


@task()
def deliver(delivery_id: int) -> str:
    """Sign and POST one pending delivery; record the answer; retry later when
    the endpoint may recover. Returns the outcome."""
    delivery = (
        Delivery.objects.select_related("webhook")
        .filter(pk=delivery_id, outcome=Delivery.Outcome.PENDING)
        .first()
    )
    if delivery is None:
        return "gone"  # the webhook was deleted (and its deliveries with it)
    hook = delivery.webhook
    if not hook.is_active:
        delivery.outcome, delivery.error = Delivery.Outcome.DROPPED, "Webhook inactive."
        delivery.save(update_fields=["outcome", "error"])
        return delivery.outcome
    body = delivery.body.encode("utf-8")
    timestamp = str(int(timezone.now().timestamp()))
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Newsroom-Webhooks/1",
        "X-Newsroom-Event": delivery.event,
        "X-Newsroom-Delivery": str(delivery.event_id),
        "X-Newsroom-Timestamp": timestamp,
        "X-Newsroom-Signature": sending.signature(hook.secret, timestamp, body),
    }
    delivery.sent_at = timezone.now()
    answer = sending.post(hook.url, body, headers)
    delivery.status_code, delivery.response_ms = answer.status_code, answer.response_ms
    delivery.error = answer.error
    if answer.ok:
        delivery.outcome = Delivery.Outcome.DELIVERED
    else:
        delivery.outcome = Delivery.Outcome.FAILED
        if answer.retry and delivery.attempt < settings.WEBHOOKS_MAX_ATTEMPTS:
            delivery.retry_at = delivery.sent_at + retry_delay(delivery.attempt)
    delivery.save()
    if delivery.retry_at:
        follow = delivery.follow_up(attempt=delivery.attempt + 1)
        if not enqueue(deliver, follow.pk, run_after=delivery.retry_at):
            follow.outcome = Delivery.Outcome.DROPPED
            follow.error = "This tasks backend cannot retry later."
            follow.save(update_fields=["outcome", "error"])
    return delivery.outcome


def replay(delivery: Delivery) -> Delivery:
    """The admin's "replay": the same event and body again, as a new attempt."""
    last = delivery.webhook.deliveries.filter(event_id=delivery.event_id).count()
    again = delivery.follow_up(attempt=last + 1)
    transaction.on_commit(lambda: deliver.enqueue(again.pk))
    return again
