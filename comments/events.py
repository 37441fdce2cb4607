"""What happened to a comment, for the apps that react to it (webhooks, ...).

The same extension point as articles/events.py: Comment.approve() calls
`announce_approved()`, and `comment_approved` is sent once the transaction
commits, with comment_id, article_id and occurred_at. Listeners connect in their
AppConfig.ready() and only enqueue work; a failing one is logged, never raised.
"""

import logging

from django.db import transaction
from django.dispatch import Signal
from django.utils import timezone

logger = logging.getLogger(__name__)

APPROVED = "comment.approved"

comment_approved = Signal()


def announce_approved(comment_id: int, article_id: int) -> None:
    when = timezone.now()

    def send():
        for receiver, result in comment_approved.send_robust(
            sender="comments.Comment",
            event=APPROVED,
            comment_id=comment_id,
            article_id=article_id,
            occurred_at=when,
        ):
            if isinstance(result, Exception):
                logger.error(
                    "comment %s approved: %r failed: %r", comment_id, receiver, result
                )

    transaction.on_commit(send)
