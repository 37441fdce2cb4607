"""What happened to a story, for the apps that react to it (webhooks, ...).

The extension point: `articles` never imports the apps that listen. The code path
where a thing happens calls `announce()` explicitly (the workflow transitions in
models/stories.py, a correction's first save, the admin's save of a live story);
`story_event` is sent once the transaction commits, so a listener never hears of
a change that was rolled back. Listeners connect in their AppConfig.ready() and
must be quick (enqueue a task, nothing more): they run in the editor's request.

Signal arguments: event (one of EVENTS), article_id, occurred_at (an aware
datetime; in the future for a scheduled publication), published_at for PUBLISHED
(the publish time, ISO 8601, the story must still have when it goes out) and
correction_id for CORRECTED.
"""

import logging

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

PUBLISHED = "story.published"  # live now, or scheduled (occurred_at = publish time)
UPDATED = "story.updated"  # a live story saved again
UNPUBLISHED = "story.unpublished"  # a live story taken down
CORRECTED = "story.corrected"  # a correction, clarification or update note added
EVENTS = (PUBLISHED, UPDATED, UNPUBLISHED, CORRECTED)

story_event = Signal()


def announce(event: str, article_id: int, occurred_at=None, **details) -> None:
    """Send `story_event` after the current transaction commits (at once outside
    one). A listener that fails is logged; it never fails the editor's request."""
    if event not in EVENTS:
        raise ValueError(f"No story event {event!r}.")
    send_after_commit(
        story_event,
        "articles.Article",
        f"{event} for story {article_id}",
        event=event,
        article_id=article_id,
        occurred_at=occurred_at or timezone.now(),
        **details,
    )


def send_after_commit(signal: Signal, sender: str, about: str, **arguments) -> None:
    """Send `signal` once the current transaction commits (at once outside one).
    A listener that fails is logged as failing `about`; it never fails the request
    that caused the event."""

    def send():
        for receiver, result in signal.send_robust(sender=sender, **arguments):
            if isinstance(result, Exception):
                logger.error("%s: %r failed: %r", about, receiver, result)

    transaction.on_commit(send)


def announce_transition(action: str, story, *, was_live: bool, now) -> None:
    """The event a workflow transition is, if any. A schedule is announced for its
    publish time; only a story readers could see is announced as unpublished, so
    a scheduled or never-published story's headline never leaves the desk."""
    if action in ("publish", "schedule"):
        when = story.published_at if story.published_at > now else now
        # The publish time it expects at `when`: a reschedule makes this one moot.
        expected = story.published_at.isoformat()
        announce(PUBLISHED, story.pk, occurred_at=when, published_at=expected)
    elif action == "unpublish" and was_live:
        announce(UNPUBLISHED, story.pk, occurred_at=now)
