"""Structured request logs: one line per request, JSON with ``LOG_FORMAT=json``.

Each request gets an id: the ``X-Request-ID`` the proxy in front sent (nginx's
``$request_id``) when it looks like an id, or a fresh one. It is echoed in the
response's ``X-Request-ID`` header, so a reader's error report, the nginx log and
this log line can be matched. The query string is never logged: it can carry
tokens.
"""

import json
import logging
import re
import time
import uuid
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse

logger = logging.getLogger("newsroom.request")

REQUEST_ID_HEADER = "X-Request-ID"
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,128}$")
# Attributes every LogRecord has; anything else was passed in `extra`.
# Django's loggers also pass the request object: its repr shows the query string.
_STANDARD_ATTRS = set(vars(logging.makeLogRecord({}))) | {
    "message",
    "asctime",
    "request",
}


def request_id_for(request: HttpRequest) -> str:
    """The proxy's request id when it is well formed, otherwise a new one."""
    incoming = request.headers.get(REQUEST_ID_HEADER, "")
    if _REQUEST_ID.match(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestLogMiddleware:
    """Outermost middleware: time the whole request and log one line for it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        request.id = request_id_for(request)
        response = self.get_response(request)
        duration_ms = round((time.perf_counter() - started) * 1000, 1)
        response[REQUEST_ID_HEADER] = request.id
        fields = {
            "request_id": request.id,
            "method": request.method,
            "path": request.path,
            "status": response.status_code,
            "duration_ms": duration_ms,
        }
        cache_state = response.get("X-Page-Cache")
        if cache_state:
            fields["page_cache"] = cache_state
        logger.info(
            "%s %s %s %.1fms",
            request.method,
            request.path,
            response.status_code,
            duration_ms,
            extra=fields,
        )
        return response


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message and any extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(
                timespec="milliseconds"
            ),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for name, value in vars(record).items():
            if name not in _STANDARD_ATTRS and not name.startswith("_"):
                entry[name] = value
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)
