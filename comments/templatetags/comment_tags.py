"""`{% comments_for article %}`: the comment list and the "Leave a Reply" form
(built by comments/thread.py), and the admin index's pending count."""

from django import template

from comments.models import Comment
from comments.moderation import can_moderate
from comments.thread import thread_for

register = template.Library()


@register.inclusion_tag("comments/_comments.html", takes_context=True)
def comments_for(context, article):
    """The same for every reader of a URL, so the story page can be cached."""
    return thread_for(article, context.get("request"))


@register.simple_tag(takes_context=True)
def pending_comment_count(context) -> int | str:
    """For the admin index: comments awaiting moderation ('' if you can't moderate)."""
    request = context.get("request")
    if request is None or not can_moderate(request.user):
        return ""
    return Comment.objects.pending().count()
