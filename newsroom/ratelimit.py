"""Who is asking, and how often: the project's one client-IP rule and rate limiter.

- client_ip(): REMOTE_ADDR, or X-Forwarded-For only when REMOTE_ADDR is a trusted proxy.
- rate_limited(): a fixed-window counter (cache.add + cache.incr) in the "counters"
  cache, so the limit holds across gunicorn workers when that cache is Redis.
- retry_after(): the seconds until the current window ends (for a 429's Retry-After).
"""

import hashlib
import ipaddress
import math
import time

from django.conf import settings
from django.core.cache import caches


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
    counters = caches["counters"]
    bucket = int(time.time() // window)
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    cache_key = f"rate:{digest}:{bucket}"
    counters.add(cache_key, 0, timeout=window + 1)
    try:
        count = counters.incr(cache_key)
    except ValueError:  # expired between add() and incr()
        counters.add(cache_key, 1, timeout=window + 1)
        count = 1
    return count > limit


def retry_after(window: int) -> int:
    """Whole seconds until the current fixed window of `window` seconds ends."""
    return max(1, math.ceil(window - time.time() % window))
