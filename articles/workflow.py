"""Who may do what to a story: the one place the newsroom's roles are decided.

Roles are groups (created by a data migration) holding these permissions:

- Contributor: ``add_article`` and ``change_own_article``: writes and edits their own
  stories and submits them for review; a story that is published is out of their hands.
- Author: a Contributor who also has ``publish_own_article``.
- Editor: every article permission, including ``change_article`` (any story) and
  ``publish_article`` (publish, schedule and unpublish any story).

A story is "own" when the user created it or carries a byline on it. Every check in
the admin, the transitions on ``Article`` and the preview views goes through
``allowed()`` / ``require()`` below.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mass_mail
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django_tasks import task

from newsroom.mail import subject_line
from newsroom.tasks import retry_on_failure

CONTRIBUTOR, AUTHOR, EDITOR = "Contributor", "Author", "Editor"

PAST_TENSE = {
    "view": "viewed",
    "change": "changed",
    "delete": "deleted",
    "submit": "sent for review",
    "publish": "published",
    "schedule": "scheduled",
    "unpublish": "unpublished",
    "restore": "restored",
    "share_preview": "shared for preview",
}


class Refused(Exception):
    """A transition that cannot happen; the message is shown to the editor."""


class NotAllowed(Refused):
    """The user's role does not permit this on this story."""


def owns(user, article) -> bool:
    """The user created the story or carries a byline on it."""
    if not user.is_authenticated:
        return False
    if article.pk is None:
        return True  # a story being written will be theirs
    if article.created_by_id == user.pk:
        return True
    return article.bylines.filter(author__user_id=user.pk).exists()


def may_publish(user, article) -> bool:
    return user.has_perm("articles.publish_article") or (
        user.has_perm("articles.publish_own_article") and owns(user, article)
    )


def may_keep_raw_html(user) -> bool:
    """Hand-written body HTML is an editor's call (the Editor role and superusers)."""
    return user.has_perm("articles.keep_raw_html")


def may_change(user, article) -> bool:
    if user.has_perm("articles.change_article"):
        return True
    if not (user.has_perm("articles.change_own_article") and owns(user, article)):
        return False
    # Once a story is published (live, scheduled or expired) it is the
    # responsibility of someone who may publish it.
    return article.status != article.Status.PUBLISHED or may_publish(user, article)


def sees_every_story(user) -> bool:
    """Editors, and anyone who may view every story (not only their own)."""
    return user.has_perm("articles.view_article") or user.has_perm(
        "articles.change_article"
    )


def may_view(user, article) -> bool:
    return sees_every_story(user) or (
        user.has_perm("articles.change_own_article") and owns(user, article)
    )


RULES = {
    "view": may_view,
    "change": may_change,
    "delete": lambda user, article: user.has_perm("articles.delete_article"),
    "submit": may_change,
    "publish": may_publish,
    "schedule": may_publish,
    "unpublish": may_publish,
    "restore": may_change,
    # Showing an unpublished story outside the newsroom is a publishing decision.
    "share_preview": may_publish,
}


def allowed(user, action: str, article) -> bool:
    """May this user do `action` (a key of RULES) to this story?"""
    if not (user.is_active and user.is_staff):
        return False
    return RULES[action](user, article)


def require(user, action: str, article) -> None:
    """Raise NotAllowed, with a message for the editor, unless allowed()."""
    if not allowed(user, action, article):
        raise NotAllowed(
            f"You may not have “{article.headline}” {PAST_TENSE[action]}: "
            "your role does not allow it."
        )


def may_write(user) -> bool:
    """Use the desk at all: write own stories (or any story)."""
    return user.has_perm("articles.change_article") or user.has_perm(
        "articles.change_own_article"
    )


def may_recover(user) -> bool:
    """Bring back deleted stories: editors only."""
    return user.has_perm("articles.change_article")


def may_publish_anything(user) -> bool:
    """Offer publishing controls at all (the per-story check still applies)."""
    return user.has_perm("articles.publish_article") or user.has_perm(
        "articles.publish_own_article"
    )


def format_moment(moment) -> str:
    """'9 Nov 2016, 08:00 (Europe/Moscow)': a time in the site zone, zone named."""
    local = timezone.localtime(moment)
    zone = timezone.get_current_timezone_name()
    return f"{date_format(local, 'j M Y, H:i')} ({zone})"


def describe_status(article, now=None) -> str:
    """The status as the desk says it: Draft, In review, Scheduled for …, Live, Expired."""
    now = now or timezone.now()
    if article.status != article.Status.PUBLISHED:
        return article.get_status_display()
    if article.published_at is None:
        return "Published (no publish time)"
    if article.is_scheduled(now):
        return f"Scheduled for {format_moment(article.published_at)}"
    if not article.is_published(now):
        return f"Expired {format_moment(article.expires_at)}"
    if article.expires_at:
        return f"Live until {format_moment(article.expires_at)}"
    return "Live"


def reviewers():
    """Active staff who can publish any story and have an email address."""
    User = get_user_model()
    return (
        User.objects.filter(is_active=True, is_staff=True)
        .filter(
            Q(is_superuser=True)
            | Q(groups__name=EDITOR)
            | Q(user_permissions__codename="publish_article")
        )
        .exclude(email="")
        .distinct()
    )


@task()
def email_reviewers(
    article_id: int, headline: str, submitted_by: str, attempt: int = 1
) -> int:
    """Tell the editors a story is waiting for them. Returns the number of emails.
    Runs in the task worker; a mail server that fails is tried again later
    (newsroom/tasks.py), the whole batch at once (an editor may get a repeat, never
    nothing)."""
    link = settings.SITE_URL + reverse(
        "admin:articles_article_change", args=[article_id]
    )
    addresses = list(reviewers().values_list("email", flat=True))
    subject = subject_line(f"For review: {headline}")
    message = (
        f"{submitted_by} has sent “{headline}” for review.\n\n"
        f"Read, edit and publish it here: {link}\n"
    )
    # One message each, so editors do not see each other's addresses.
    with retry_on_failure(
        email_reviewers, article_id, headline, submitted_by, attempt=attempt
    ):
        return send_mass_mail(
            [(subject, message, settings.DEFAULT_FROM_EMAIL, [to]) for to in addresses]
        )


def notify_reviewers_on_commit(article, user) -> None:
    """Queue the review email once the submission is committed (never for a rollback)."""
    name = user.get_full_name() or user.get_username()
    transaction.on_commit(
        lambda: email_reviewers.enqueue(article.pk, article.headline, name)
    )
