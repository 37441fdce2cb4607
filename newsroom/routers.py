"""Read replicas: public reads go to a replica, everything else to the primary.

With ``DATABASE_REPLICA_URLS`` set, settings adds the aliases ``replica1``,
``replica2``… and this router sends reads there only while a request is *public*:

* a GET or HEAD request (a POST and its reads go to the primary),
* outside the admin,
* from a browser without cookies other than the CSRF cookie (a logged-in editor,
  or a reader who has just commented, sees their own writes: replicas lag),
* and only until the request writes: the first write pins the rest of the
  request to the primary, and a short-lived cookie pins the next few seconds of
  that browser too (the redirect after a POST reads what was just written).

Everything outside a request (management commands, tasks, the shell) uses the
primary. Without replicas the router always answers ``default``.
"""

import random
from contextvars import ContextVar

from django.conf import settings
from django.db import connections
from django.http import HttpRequest, HttpResponse
from django.urls import NoReverseMatch, reverse

PIN_COOKIE = "newsroom_primary"
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# The replica this request may read from; None means "use the primary".
_read_alias: ContextVar[str | None] = ContextVar("newsroom_read_alias", default=None)
# Did this request write? (Set by the router, read by the middleware.)
_wrote: ContextVar[bool] = ContextVar("newsroom_wrote", default=False)


def pin_primary() -> None:
    """Send every further query of this request to the primary."""
    _read_alias.set(None)
    _wrote.set(True)


def read_alias() -> str:
    """Where a read made now goes."""
    alias = _read_alias.get()
    if alias is None or connections["default"].in_atomic_block:
        return "default"
    return alias


class ReplicaRouter:
    def db_for_read(self, model, **hints) -> str:
        return read_alias()

    def db_for_write(self, model, **hints) -> str:
        pin_primary()
        return "default"

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        # Replicas hold the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints) -> bool:
        # Replicas copy the primary's schema through replication.
        return db == "default"


def _admin_prefix() -> str:
    try:
        return reverse("admin:index")
    except NoReverseMatch:
        return "/admin/"


def request_may_use_replica(request: HttpRequest) -> bool:
    """Public reads: safe method, not the admin, no cookie but the CSRF one."""
    if request.method not in SAFE_METHODS:
        return False
    if request.path.startswith(_admin_prefix()):
        return False
    return set(request.COOKIES) <= {settings.CSRF_COOKIE_NAME}


class PrimaryPinMiddleware:
    """Choose, per request, whether reads may go to a replica (see the module doc)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        replicas = settings.DATABASE_REPLICAS
        if not replicas:
            return self.get_response(request)
        alias = random.choice(replicas) if request_may_use_replica(request) else None
        alias_token = _read_alias.set(alias)
        wrote_token = _wrote.set(False)
        try:
            response = self.get_response(request)
            if _wrote.get() and settings.DATABASE_REPLICA_PIN_SECONDS > 0:
                response.set_cookie(
                    PIN_COOKIE,
                    "1",
                    max_age=settings.DATABASE_REPLICA_PIN_SECONDS,
                    secure=request.is_secure(),
                    httponly=True,
                    samesite="Lax",
                )
            return response
        finally:
            _read_alias.reset(alias_token)
            _wrote.reset(wrote_token)
