"""What readers get when an engine fails, and why nothing is ever half-written.

* ``AtomicWritesMiddleware`` runs every request that may write (anything but
  GET/HEAD/OPTIONS) in one database transaction, rolled back when the answer is a
  server error. A comment whose row was written before the connection dropped is
  therefore gone with the rest of the request, never left half-saved. Reads stay
  outside transactions (on SQLite, IMMEDIATE transactions would serialise them).
  A view marked ``@transaction.non_atomic_requests`` keeps its own, shorter
  transactions: the comment form must not hold SQLite's write lock while it waits
  for a spam check over the network.
* ``server_error`` (the project's ``handler500``) answers 503 with
  ``templates/503.html`` and ``Retry-After`` when the error was the database going
  away (``OperationalError``/``InterfaceError``), and the usual 500 page otherwise.
  Neither page touches the database.
"""

import logging
import sys

from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, transaction
from django.http import HttpRequest, HttpResponse, HttpResponseServerError
from django.template import TemplateDoesNotExist, loader
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import requires_csrf_token

logger = logging.getLogger("newsroom.faults")

DATABASE_DOWN = (OperationalError, InterfaceError)
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}
RETRY_AFTER_SECONDS = 30


class AtomicWritesMiddleware:
    """One transaction per writing request; a 5xx answer rolls it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in SAFE_METHODS or self._view_manages_transactions(request):
            return self.get_response(request)
        with transaction.atomic(using=DEFAULT_DB_ALIAS):
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True, using=DEFAULT_DB_ALIAS)
        return response

    @staticmethod
    def _view_manages_transactions(request: HttpRequest) -> bool:
        try:
            view = resolve(request.path_info).func
        except Resolver404:
            return False
        return DEFAULT_DB_ALIAS in getattr(view, "_non_atomic_requests", set())


def database_unavailable_response() -> HttpResponse:
    """The 503 page: static HTML, so it renders with the database gone."""
    try:
        content = loader.render_to_string("503.html")
    except TemplateDoesNotExist:
        content = "<h1>Service unavailable</h1>"
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Cache-Control"] = "no-store"
    return response


@requires_csrf_token
def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: a 503 for a lost database, Django's plain 500 page otherwise."""
    exc = sys.exc_info()[1]
    if isinstance(exc, DATABASE_DOWN):
        logger.error("Database unavailable: answering 503 (%s)", type(exc).__name__)
        return database_unavailable_response()
    try:
        content = loader.render_to_string("500.html")
    except TemplateDoesNotExist:
        content = "<h1>Server Error (500)</h1>"
    return HttpResponseServerError(content)
