"""The comment page's moderation buttons (Approve, Spam, Trash… and Reply).

Each button is a small POST form outside the edit form, answered by a view here that
calls the same Comment method as the queue's bulk action; a reply is
comments.moderation.admin_reply(). Who may press them is checked on the server:
a button that is not shown is refused as well (403).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from comments import moderation
from comments.models import Comment, DiscussionSettings
from comments.protection import client_ip

# Every transition the desk offers: method → (button on the comment page, bulk
# action in the queue, what the message says was done).
TRANSITIONS = {
    "approve": ("Approve", "Approve", "approved"),
    "unapprove": ("Unapprove", "Unapprove", "unapproved"),
    "mark_spam": ("Spam", "Mark as spam", "marked as spam"),
    "not_spam": ("Not spam", "Not spam", "restored from spam"),
    "trash": ("Trash", "Move to trash", "moved to the trash"),
    "restore": ("Restore", "Restore", "restored from the trash"),
}


def change_url(comment: Comment) -> str:
    return reverse("admin:comments_comment_change", args=[comment.pk])


class ModerationPageAdminMixin:
    """The buttons and the reply form of CommentAdmin's change page, which supplies
    has_moderate_permission() and a queryset that selects the article."""

    def get_urls(self):
        own = [
            path(
                "<int:object_id>/moderate/",
                self.admin_site.admin_view(require_POST(self.moderate_view)),
                name="comments_comment_moderate",
            ),
            path(
                "<int:object_id>/reply/",
                self.admin_site.admin_view(require_POST(self.reply_view)),
                name="comments_comment_reply",
            ),
        ]
        return own + super().get_urls()

    def render_change_form(self, request, context, add=False, change=False, **kwargs):
        comment = context.get("original")
        if comment is not None:
            # "Comment by Larry on “Headline”" as the heading, once (not twice).
            context["title"], context["subtitle"] = str(comment), None
            may = self.has_moderate_permission(request)
            context["moderation_buttons"] = [
                (method, labels[0])
                for method, labels in TRANSITIONS.items()
                if may and comment.may(method)
            ]
            context["may_reply"] = may
            if may:
                discussion = DiscussionSettings.load()
                context["reply_refusal"] = moderation.reply_refusal(
                    comment, comment.article, discussion
                )
        return super().render_change_form(request, context, add, change, **kwargs)

    def _comment_to_moderate(self, request, object_id) -> Comment:
        # Permission before the lookup: no probing which ids exist.
        if not self.has_moderate_permission(request):
            raise PermissionDenied
        return get_object_or_404(self.get_queryset(request), pk=object_id)

    def _onwards(self, request, done: Comment, message) -> HttpResponseRedirect:
        """After a button: on to the next pending comment, or back to the queue.
        (format_html escapes a plain message once and keeps a safe one's link.)"""
        following = moderation.next_pending(done)
        if following is None:
            tail, url = (
                "No more comments await moderation.",
                reverse("admin:comments_comment_changelist"),
            )
        else:
            tail, url = "Here is the next pending comment.", change_url(following)
        self.message_user(
            request, format_html("{} {}", message, tail), messages.SUCCESS
        )
        return HttpResponseRedirect(url)

    def moderate_view(self, request, object_id):
        comment = self._comment_to_moderate(request, object_id)
        method = request.POST.get("transition", "")
        if method not in TRANSITIONS:
            return HttpResponseBadRequest("Unknown moderation action.")
        if not getattr(comment, method)(by=request.user):
            self.message_user(
                request,
                f"Nothing changed: “{TRANSITIONS[method][0]}” does not apply to a "
                f"comment that is {comment.get_status_display().lower()} (another "
                "moderator may have just moderated it).",
                messages.WARNING,
            )
            return HttpResponseRedirect(change_url(comment))
        return self._onwards(request, comment, f"{comment} {TRANSITIONS[method][2]}.")

    def reply_view(self, request, object_id):
        parent = self._comment_to_moderate(request, object_id)
        reply, refusal = moderation.admin_reply(
            parent,
            request.POST.get("content", ""),
            request.user,
            discussion=DiscussionSettings.load(),
            ip_address=client_ip(request),
            user_agent=request.META.get("HTTP_USER_AGENT", ""),
            now=timezone.now(),
        )
        if refusal:
            self.message_user(request, f"Not posted: {refusal}", messages.ERROR)
            return HttpResponseRedirect(f"{change_url(parent)}#reply")
        done = format_html(
            'Your reply to {} is published (<a href="{}">see it on the story</a>).',
            parent.display_name,
            reply.get_absolute_url(),
        )
        return self._onwards(request, parent, done)
