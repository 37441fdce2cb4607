"""Optional Akismet spam check, switched on by the AKISMET_API_KEY setting.

A plain HTTP POST to comment-check (no client library needed). Errors and timeouts
return ERROR, which the screening turns into "pending": a comment is never lost and
never approved because Akismet was unreachable.
"""

import logging
import urllib.error
import urllib.parse
import urllib.request

from django.conf import settings

logger = logging.getLogger(__name__)

HAM = "ham"
SPAM = "spam"
DISCARD = "discard"
ERROR = "error"


def enabled() -> bool:
    return bool(getattr(settings, "AKISMET_API_KEY", ""))


def check(comment) -> str:
    """Ask Akismet about one comment: HAM, SPAM, DISCARD (blatant spam) or ERROR."""
    data = {
        "api_key": settings.AKISMET_API_KEY,
        "blog": settings.SITE_URL,
        "user_ip": comment.ip_address or "",
        "user_agent": comment.user_agent,
        "permalink": settings.SITE_URL + comment.article.get_absolute_url(),
        "comment_type": "reply" if comment.parent_id else "comment",
        "comment_author": comment.author_name,
        "comment_author_email": comment.author_email,
        "comment_author_url": comment.author_url,
        "comment_content": comment.content,
        "blog_lang": settings.SITE_LANGUAGE,
        "blog_charset": "UTF-8",
    }
    url = settings.AKISMET_API_URL.rstrip("/") + "/comment-check"
    body = urllib.parse.urlencode(data, errors="replace").encode("ascii")
    request = urllib.request.Request(
        url,
        data=body,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "User-Agent": "Newsroom/0.1 | Akismet/1.1",
        },
    )
    try:
        with urllib.request.urlopen(  # noqa: S310 - the URL comes from settings
            request, timeout=settings.AKISMET_TIMEOUT
        ) as response:
            answer = response.read(64).decode("ascii", "replace").strip()
            pro_tip = response.headers.get("X-akismet-pro-tip", "")
    except (OSError, urllib.error.URLError, ValueError) as exc:
        logger.warning("Akismet check failed: %s", exc)
        return ERROR
    if answer == "true":
        return DISCARD if pro_tip == "discard" else SPAM
    if answer == "false":
        return HAM
    logger.warning("Akismet answered %r", answer)
    return ERROR
