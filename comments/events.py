"""What happened to a comment, for the apps that react to it (webhooks, ...).

The same extension point as articles/events.py: Comment.approve() calls
`announce_approved()`, and `comment_approved` is sent once the transaction
commits, with comment_id, article_id and occurred_at. Listeners connect in their
AppConfig.ready() and only enqueue work; a failing one is logged, never raised.
"""

from django.dispatch import Signal
from django.utils import timezone

from articles.events import send_after_commit

APPROVED = "comment.approved"

comment_approved = Signal()


def announce_approved(comment_id: int, article_id: int) -> None:
    send_after_commit(
        comment_approved,
        "comments.Comment",
        f"comment {comment_id} approved",
        event=APPROVED,
        comment_id=comment_id,
        article_id=article_id,
        occurred_at=timezone.now(),
    )
