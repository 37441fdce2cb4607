"""May this POST be accepted at all? The refusals of the comment endpoint, in the
order the view asks for them, each returned as a `Refusal` (the reader's message,
the HTTP status and, for a 429, Retry-After) or None when the post may go on.

What status an accepted comment gets, and why, is comments/moderation.py's
`screen()`. One posting check lives there too: `moderation.save()` repeats the
flood check inside the insert's transaction (under an advisory lock on
PostgreSQL), because only there is it race-safe; `comment_refusal()` below is the
cheap early answer that spares most floods the spam checks.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.forms import Form
from django.http import HttpRequest

from articles.models import Article
from comments.models import Comment, DiscussionSettings
from comments.protection import csrf_token_valid, rate_limited, retry_after, same_site

# WordPress refuses a second comment from the same IP or email within 15 seconds.
FLOOD_SECONDS = 15
FLOOD_MESSAGE = "You are posting comments too quickly. Slow down."
DUPLICATE_MESSAGE = (
    "Duplicate comment detected; it looks as though you’ve already said that!"
)
CONFIRM_MESSAGE = (
    "You are logged in as {}: please press “Post Comment” again to confirm."
)


@dataclass(frozen=True)
class Refusal:
    """Why a comment may not be posted: the reader's message and the HTTP status."""

    message: str
    status: int
    retry_after: int | None = None  # seconds, for a 429's Retry-After


FLOOD = Refusal(FLOOD_MESSAGE, 429, retry_after=FLOOD_SECONDS)
CLOSED = Refusal("Comments are closed.", 403)
DUPLICATE = Refusal(DUPLICATE_MESSAGE, 409)
CROSS_SITE = Refusal("Comments must be sent from this site's pages.", 403)
INVALID = Refusal("", 400)  # the form's own field errors say what is wrong


def request_refusal(
    request: HttpRequest, ip: str | None, *, limited: bool
) -> Refusal | None:
    """Refuse before reading the form: too many posts from this IP in the window
    (limited=False for moderators), or a form sent from another site."""
    window = settings.COMMENTS_RATE_WINDOW
    if limited and rate_limited(f"ip:{ip}", settings.COMMENTS_RATE_LIMIT, window):
        return Refusal(FLOOD_MESSAGE, 429, retry_after=retry_after(window))
    if not same_site(request):
        return CROSS_SITE
    return None


def comments_open(
    article: Article, now: datetime, discussion: DiscussionSettings
) -> bool:
    """Readers may comment on a published story whose comments are on, until the
    Discussion setting "close comments on articles older than N days" closes them."""
    if not (article.allow_comments and article.is_published(now)):
        return False
    if discussion.close_comments_for_old_articles and article.published_at:
        age_limit = timedelta(days=discussion.close_comments_days_old)
        return now < article.published_at + age_limit
    return True


def story_refusal(
    article: Article, now: datetime, discussion: DiscussionSettings
) -> Refusal | None:
    """A published story whose comments are closed (a missing one is a 404)."""
    return None if comments_open(article, now, discussion) else CLOSED


def form_refusal(request: HttpRequest, form: Form) -> Refusal | None:
    """A logged-in poster without a valid CSRF token (a forged post would be made in
    their name: the form comes back, with a token, to confirm), or a bad field."""
    if request.user.is_authenticated and not csrf_token_valid(request):
        return Refusal(CONFIRM_MESSAGE.format(request.user.get_username()), 403)
    return None if form.is_valid() else INVALID


def is_flood(comment: Comment, now: datetime) -> bool:
    """A comment from the same IP or email within FLOOD_SECONDS is a flood."""
    recent = Comment.objects.filter(
        created_at__gt=now - timedelta(seconds=FLOOD_SECONDS)
    )
    # Two index probes: an OR of the two would make the database scan.
    if comment.ip_address and recent.filter(ip_address=comment.ip_address).exists():
        return True
    email_key = Comment.fold_email(comment.author_email)
    return bool(email_key) and recent.filter(email_key=email_key).exists()


def is_duplicate(comment: Comment) -> bool:
    """The same text from the same author on the same story and parent."""
    return (
        Comment.objects.filter(fingerprint=comment.make_fingerprint())
        .exclude(status=Comment.Status.TRASH)
        .exists()
    )


def comment_refusal(
    comment: Comment, now: datetime, *, flood_applies: bool
) -> Refusal | None:
    """A duplicate, or a flood (flood_applies=False for moderators). WordPress's
    order: a duplicate is reported as such even inside the flood window. A cheap
    early answer; moderation.save() repeats the flood check atomically."""
    if is_duplicate(comment):
        return DUPLICATE
    if flood_applies and is_flood(comment, now):
        return FLOOD
    return None
