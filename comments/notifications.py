"""Emails to moderators, sent as a background task after the comment is committed.

The task runs in the worker (newsroom/tasks.py): a mail server that hangs or refuses
never slows the commenter, and the email is retried until the server is back."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django_tasks import task

from comments.models import Comment
from newsroom.mail import subject_line
from newsroom.prepared import prepared
from newsroom.tasks import retry_on_failure


def moderator_emails() -> list[str]:
    """Active users who may moderate comments (directly, by group or as superuser)."""
    # Runs for every held comment: compiled once (it has no parameters).
    query = prepared("moderator-emails", _moderator_emails_query)
    return sorted({email for (email,) in query.rows()})


def _moderator_emails_query():
    permission = Permission.objects.filter(
        content_type__app_label="comments", codename="moderate_comment"
    ).values("pk")
    who = (
        Q(is_superuser=True)
        | Q(user_permissions__in=permission)
        | Q(groups__permissions__in=permission)
    )
    users = get_user_model().objects.filter(who, is_active=True).exclude(email="")
    return users.values_list("email")


def build_message(comment: Comment) -> tuple[str, str]:
    """(subject, body). The subject is one line whatever the commenter typed."""
    held = comment.status != Comment.Status.APPROVED
    headline = comment.article.headline
    if held:
        subject = f"[{settings.SITE_NAME}] Please moderate: “{headline}”"
    else:
        subject = f"[{settings.SITE_NAME}] Comment: “{headline}”"
    body = render_to_string(
        "comments/email/moderators.txt",
        {
            "comment": comment,
            "held": held,
            "article_url": settings.SITE_URL + comment.article.get_absolute_url(),
            "admin_url": settings.SITE_URL
            + reverse("admin:comments_comment_change", args=[comment.pk]),
            "queue_url": settings.SITE_URL
            + reverse("admin:comments_comment_changelist")
            + "?status__exact=pending",
        },
    )
    return subject_line(subject), body


@task()
def notify_moderators(comment_id: int, attempt: int = 1) -> int:
    """Email the moderators about one new comment; returns the number of recipients.
    A mail server that fails is tried again later (newsroom/tasks.py)."""
    comment = Comment.objects.select_related("article").filter(pk=comment_id).first()
    recipients = moderator_emails()
    if comment is None or not recipients:
        return 0
    subject, body = build_message(comment)
    with retry_on_failure(notify_moderators, comment_id, attempt=attempt):
        send_mail(subject, body, None, recipients)
    return len(recipients)


def wants_email(comment: Comment, discussion) -> bool:
    """Discussion settings: email on every comment, or only when one is held."""
    if comment.status == Comment.Status.APPROVED:
        return discussion.notify_on_post
    if comment.status == Comment.Status.TRASH:
        return False  # disallowed words: nothing for a person to decide
    return discussion.notify_on_post or discussion.notify_on_hold
