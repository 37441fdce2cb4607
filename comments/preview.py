"""The commenter's own view of a held comment, through a signed, short-lived link.

After posting, a held comment's author is redirected to
`<article>?unapproved=<id>&moderation-hash=<signature>#comment-<id>` (WordPress's
scheme). Only that URL shows the comment, with "Your comment is awaiting moderation.",
and only for PREVIEW_SECONDS. Nothing is stored in a session or cookie, so the shared
article page never contains it; responses to such URLs are marked private/no-store
(comments.middleware) so a page cache keeps them out as well.
"""

from urllib.parse import urlencode

from django.core import signing

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
