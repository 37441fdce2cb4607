"""``/healthz``: can this app server do its job right now?

It asks every configured database for ``SELECT 1`` (PostgreSQL with a two-second
statement timeout; connecting is bounded by ``DATABASE_CONNECT_TIMEOUT``) and writes
and reads back a cache key (bounded by the Redis socket timeouts). The answer is
JSON naming each check and ``ok`` or ``error`` with the exception's class, never
its message (messages can carry host names and credentials), and is never cached.

* 200 ``ok``: everything answers.
* 200 ``degraded``: the cache is down. The site still serves from the database
  (newsroom/cache_backend.py), so a load balancer should keep this server.
* 503 ``unavailable``: a database is down; take this server out of rotation.
"""

import logging
import secrets
import time
from contextlib import nullcontext

from django.core.cache import cache
from django.db import connections, transaction
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers
from django.views.decorators.http import require_safe

logger = logging.getLogger("newsroom.health")

STATEMENT_TIMEOUT_MS = 2000


def check_database(alias: str) -> str:
    """ "ok", or the error class of a failed SELECT 1 on this database."""
    connection = connections[alias]
    try:
        # A transaction only for SET LOCAL: on SQLite (IMMEDIATE mode) it would
        # take the write lock and make every probe queue behind writers.
        in_transaction = (
            transaction.atomic(using=alias)
            if connection.vendor == "postgresql"
            else nullcontext()
        )
        with in_transaction, connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(f"SET LOCAL statement_timeout = {STATEMENT_TIMEOUT_MS}")
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:
        # Django drops a broken connection when the request ends.
        logger.warning("Health check: database %s failed: %r", alias, exc)
        return f"error: {type(exc).__name__}"
    return "ok"


def check_cache() -> str:
    """ "ok" if a value written to the cache reads back."""
    key = f"healthz:{secrets.token_hex(8)}"
    value = secrets.token_hex(8)
    try:
        cache.set(key, value, timeout=10)
        ok = cache.get(key) == value
        cache.delete(key)
    except Exception as exc:
        logger.warning("Health check: cache failed: %r", exc)
        return f"error: {type(exc).__name__}"
    return "ok" if ok else "error: no read-back"


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    started = time.perf_counter()
    databases = {alias: check_database(alias) for alias in connections}
    cache_state = check_cache()
    if any(state != "ok" for state in databases.values()):
        status, code = "unavailable", 503
    elif cache_state != "ok":
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    response = JsonResponse(
        {
            "status": status,
            "checks": {"database": databases, "cache": cache_state},
            "duration_ms": round((time.perf_counter() - started) * 1000, 1),
        },
        status=code,
    )
    add_never_cache_headers(response)
    return response
