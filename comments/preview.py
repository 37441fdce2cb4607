"""The commenter's own view of a held comment, through a signed, short-lived link.

After posting, a held comment's author is redirected to
`<article>?unapproved=<id>&moderation-hash=<signature>#comment-<id>` (WordPress's
scheme). Only that URL shows the comment, with "Your comment is awaiting moderation.",
and only for PREVIEW_SECONDS. Responses to such URLs are marked private/no-store
(comments.middleware) so the page cache keeps them out. After that, the held
comments cookie below keeps showing it to its author (through static JS), for as
long as it is held; the shared article page never contains it.
"""

import posixpath
from urllib.parse import urlencode

from django.core import signing
from django.db.models import Q
from django.urls import reverse

from comments.avatars import avatar_for
from comments.models import Comment
from comments.rendering import render_thread

PREVIEW_SALT = "comments.pending-preview"
PREVIEW_SECONDS = 10 * 60
PARAM_ID = "unapproved"
PARAM_HASH = "moderation-hash"


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=PREVIEW_SALT)


def preview_url(comment) -> str:
    """Where to send the author of a just-posted, held comment."""
    signed = _signer().sign(str(comment.pk))
    _, moderation_hash = signed.split(":", 1)
    query = urlencode({PARAM_ID: comment.pk, PARAM_HASH: moderation_hash})
    return f"{comment.article.get_absolute_url()}?{query}#comment-{comment.pk}"


def previewed_comment_id(query) -> int | None:
    """The comment id a request's query string may preview, or None."""
    raw_id, moderation_hash = query.get(PARAM_ID, ""), query.get(PARAM_HASH, "")
    if not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) < 19):
        return None
    try:
        value = _signer().unsign(f"{raw_id}:{moderation_hash}", max_age=PREVIEW_SECONDS)
    except (signing.BadSignature, ValueError):
        return None
    return int(value)


def wants_preview(request) -> bool:
    return PARAM_HASH in request.GET or PARAM_ID in request.GET


# After the link expires: a signed cookie of the author's held comment ids, sent
# only to the comment endpoints (its path), so story pages, which the page cache
# shares between readers, never see it. static/js/comments.js asks
# /comments/held/ for them and inserts them into the author's own page.
HELD_COOKIE = "comments_held"
HELD_SALT = "comments.held-cookie"
HELD_COOKIE_AGE = 30 * 24 * 3600  # a held comment is usually decided well before
HELD_MAX = 20  # the newest ones; keeps the cookie small


def _held_cookie_path() -> str:
    # Both the form's endpoint (which adds an id) and the held endpoint read it.
    paths = [reverse("comments:post"), reverse("comments:held")]
    return posixpath.commonpath(paths).rstrip("/") + "/"


def held_ids(request) -> list[int]:
    """The held comment ids this browser posted (most recent first), or []."""
    raw = request.get_signed_cookie(
        HELD_COOKIE, default="", salt=HELD_SALT, max_age=HELD_COOKIE_AGE
    )
    ids = [part for part in raw.split(",") if part.isascii() and part.isdigit()]
    return [int(part) for part in ids if len(part) < 19][:HELD_MAX]


def set_held_ids(request, response, ids: list[int]) -> None:
    if not ids:
        response.delete_cookie(HELD_COOKIE, path=_held_cookie_path(), samesite="Lax")
        return
    response.set_signed_cookie(
        HELD_COOKIE,
        ",".join(str(pk) for pk in ids[:HELD_MAX]),
        salt=HELD_SALT,
        max_age=HELD_COOKIE_AGE,
        path=_held_cookie_path(),
        secure=request.is_secure(),
        httponly=True,  # only the server reads it
        samesite="Lax",
    )


def remember_held(request, response, comment) -> None:
    """Add a just-posted, held comment to its author's cookie."""
    others = [pk for pk in held_ids(request) if pk != comment.pk]
    set_held_ids(request, response, [comment.pk, *others])


def still_held(ids: list[int]):
    """Of these comments, the ones their author still sees as "awaiting moderation":
    pending ones, and ones the screening (not a moderator) sent to spam or trash,
    exactly as the signed link shows them; oldest first."""
    return (
        Comment.objects.filter(pk__in=ids)
        .exclude(status=Comment.Status.APPROVED)
        .filter(Q(status=Comment.Status.PENDING) | Q(moderated_at__isnull=True))
        .order_by("created_at", "id")
    )


def render_held(comments, article, show_avatars: bool) -> list[dict]:
    """Each held comment of this story as the thread would show it to its author."""
    shown = []
    for comment in comments:
        comment.awaiting_moderation = True
        comment.avatar = avatar_for(comment) if show_avatars else None
        html = render_thread([comment], article.get_absolute_url())
        shown.append({"id": comment.pk, "parent": comment.parent_id, "html": html})
    return shown
