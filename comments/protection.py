"""Request-level abuse protection for the comment endpoint.

- client_ip(): REMOTE_ADDR, or X-Forwarded-For only when REMOTE_ADDR is a trusted proxy.
- rate_limited(): a fixed-window counter in the cache (cache.add + cache.incr), so the
  limit holds across gunicorn workers when the cache is Redis.
- same_site(): the Origin/Referer check that replaces the CSRF token for anonymous
  posters (the page with the form is shared by every reader and carries no token).
- form timestamps: signed, so "too fast" cannot be faked by editing the field.
"""

import hashlib
import ipaddress
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.middleware.csrf import CsrfViewMiddleware

TIMESTAMP_SALT = "comments.form-timestamp"
# A form older than this is still accepted, but its age no longer proves anything.
TIMESTAMP_MAX_AGE = 7 * 24 * 3600


def _valid_ip(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_ip(request) -> str | None:
    """The reader's IP address. X-Forwarded-For is believed only when the request
    came from one of settings.TRUSTED_PROXIES, and then the right-most address that
    is not itself a trusted proxy is the client."""
    remote = _valid_ip(request.META.get("REMOTE_ADDR", ""))
    trusted = set(settings.TRUSTED_PROXIES)
    if remote is None or remote not in trusted:
        return remote
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    for candidate in reversed(forwarded.split(",")):
        ip = _valid_ip(candidate)
        if ip is None:
            break
        if ip not in trusted:
            return ip
    return remote


def rate_limited(key: str, limit: int, window: int) -> bool:
    """Count one hit for key; True once more than `limit` hits fell in this window."""
    if limit <= 0:
        return False
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"comments:rate:{digest}:{bucket}"
    cache.add(cache_key, 0, timeout=window + 1)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        cache.add(cache_key, 1, timeout=window + 1)
        count = 1
    return count > limit


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
