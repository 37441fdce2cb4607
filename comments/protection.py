"""Request-level abuse protection for the comment endpoint: the mechanisms that
comments/posting.py's refusals are built on.

- client_ip() and rate_limited() live in newsroom/ratelimit.py (re-exported here).
- same_site(): the Origin/Referer check that replaces the CSRF token for anonymous
  posters (the page with the form is shared by every reader and carries no token).
- form timestamps: signed, so "too fast" cannot be faked by editing the field.
"""

import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.middleware.csrf import CsrfViewMiddleware

# Re-exported: the comment code asks this one module for its request mechanisms.
from newsroom.ratelimit import client_ip, rate_limited, retry_after  # noqa: F401

TIMESTAMP_SALT = "comments.form-timestamp"
# A form older than this is still accepted, but its age no longer proves anything.
TIMESTAMP_MAX_AGE = 7 * 24 * 3600


def _allowed_origins(request) -> set[str]:
    origins = {f"{request.scheme}://{request.get_host()}"}
    origins.update(origin.rstrip("/") for origin in settings.CSRF_TRUSTED_ORIGINS)
    return origins


def same_site(request) -> bool:
    """Did the browser send this form from our own pages? Browsers always send Origin
    on a cross-site POST ("null" from sandboxes and privacy modes, which fails here);
    when Origin is absent we fall back to Referer. A request with neither did not come
    from another site's page in a browser, so it is not a forgery."""
    try:
        allowed = _allowed_origins(request)
    except Exception:  # DisallowedHost and friends: not our site
        return False
    origin = request.META.get("HTTP_ORIGIN")
    if origin is not None:
        return origin.rstrip("/") in allowed
    referer = request.META.get("HTTP_REFERER")
    if referer is not None:
        try:
            parts = urlsplit(referer)
        except ValueError:
            return False
        return f"{parts.scheme}://{parts.netloc}" in allowed
    return True


def csrf_token_valid(request) -> bool:
    """Django's full CSRF check (token + origin), for posters who are logged in:
    a forged post would be made in their name, so the token is required."""

    def protected_view(request):  # pragma: no cover - never called
        return None

    middleware = CsrfViewMiddleware(lambda request: None)
    return middleware.process_view(request, protected_view, (), {}) is None


def sign_timestamp(article_id: int, now: float | None = None) -> str:
    """The hidden form field: when the form was served, for which story, signed."""
    now = time.time() if now is None else now
    return signing.dumps([article_id, round(now, 1)], salt=TIMESTAMP_SALT)


def seconds_since_served(value: str, article_id: int) -> float | None:
    """How long the reader had the form, or None if the field was forged or stale."""
    try:
        served_for, served_at = signing.loads(
            value, salt=TIMESTAMP_SALT, max_age=TIMESTAMP_MAX_AGE
        )
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if served_for != article_id or not isinstance(served_at, int | float):
        return None
    return max(0.0, time.time() - served_at)
