"""The webhooks app listens to the story and comment events (articles/events.py,
comments/events.py). A receiver runs in the editor's (or commenter's) request,
after its commit: it only enqueues one fan_out task, which does the rest in the
worker. A story scheduled for later is enqueued to run at its publish time."""

from articles import events as story_events
from comments import events as comment_events
from webhooks.delivery import enqueue, fan_out


def on_story_event(sender, event, article_id, occurred_at, **details):
    ids = {k: v for k, v in details.items() if k in ("correction_id", "published_at")}
    enqueue(
        fan_out,
        event,
        article_id,
        occurred_at.isoformat(),
        run_after=occurred_at,
        **ids,
    )


def on_comment_approved(sender, event, comment_id, article_id, occurred_at, **_):
    enqueue(fan_out, event, article_id, occurred_at.isoformat(), comment_id=comment_id)


def connect() -> None:
    story_events.story_event.connect(on_story_event, dispatch_uid="webhooks.story")
    comment_events.comment_approved.connect(
        on_comment_approved, dispatch_uid="webhooks.comment"
    )
