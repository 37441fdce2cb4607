"""One signed POST to one endpoint, with a timeout, to a checked address only.

Plain http.client (no client library): the connection goes to the address that
addresses.resolve() just approved, TLS still checks the certificate against the
host name, redirects are never followed, and at most RESPONSE_BYTES of the answer
are read (for the log)."""

import hashlib
import hmac
import http.client
import socket
import ssl
import time
from dataclasses import dataclass
from urllib.parse import urljoin, urlsplit

from django.conf import settings

from webhooks import addresses

RESPONSE_BYTES = 1024


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """sha256=<hex HMAC-SHA256 of "<timestamp>.<body>"> (docs/api.md)."""
    message = timestamp.encode("ascii") + b"." + body
    digest = hmac.new(secret.encode("utf-8"), message, hashlib.sha256).hexdigest()
    return f"sha256={digest}"


@dataclass
class Answer:
    status_code: int | None = None
    response_ms: int | None = None
    error: str = ""
    retry: bool = False  # worth another attempt later

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class _CheckedConnection(http.client.HTTPConnection):
    """Connects only to an address the SSRF rule approves, resolved right here."""

    def connect(self):
        found = addresses.resolve(self.host, self.port)
        last = None
        for family, kind, proto, _, sockaddr in found:
            sock = socket.socket(family, kind, proto)
            sock.settimeout(self.timeout)
            try:
                sock.connect(sockaddr)
            except OSError as exc:
                sock.close()
                last = exc
                continue
            self.sock = sock
            return
        raise last or OSError("no address to connect to")


class _CheckedHTTPSConnection(http.client.HTTPSConnection, _CheckedConnection):
    """HTTPSConnection.connect() calls _CheckedConnection.connect(), then wraps the
    socket in TLS for self.host (certificate and SNI as usual)."""


def post(url: str, body: bytes, headers: dict[str, str]) -> Answer:
    """POST `body`; never raises for anything the endpoint or the network does."""
    try:
        scheme, host, port = addresses.check_url(url)
    except addresses.Refused as exc:
        return Answer(error=f"Refused: {exc}")
    timeout = settings.WEBHOOKS_TIMEOUT
    if scheme == "https":
        connection = _CheckedHTTPSConnection(
            host, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        connection = _CheckedConnection(host, port, timeout=timeout)
    parts = urlsplit(url)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    started = time.monotonic()
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(RESPONSE_BYTES)
        status, location = response.status, response.getheader("Location", "")
    except addresses.Unresolved as exc:
        return Answer(error=str(exc), retry=True)
    except addresses.Refused as exc:
        return Answer(error=f"Refused: {exc}")
    except TimeoutError:
        error = f"Timed out after {timeout} s."
        return Answer(response_ms=_ms_since(started), error=error, retry=True)
    except (OSError, http.client.HTTPException, ValueError) as exc:
        error = f"{type(exc).__name__}: {exc}"
        return Answer(response_ms=_ms_since(started), error=error, retry=True)
    finally:
        connection.close()
    answer = Answer(status_code=status, response_ms=_ms_since(started))
    if 300 <= status < 400:
        answer.error = _redirect_error(urljoin(url, location))
    elif status >= 400:
        # 4xx other than "too many" and "timeout" will not change by waiting.
        answer.error = f"The endpoint answered {status}."
        answer.retry = status >= 500 or status in (408, 429)
    return answer


def _redirect_error(location: str) -> str:
    """Redirects are not followed: say where it pointed, and whether that would
    have been refused anyway."""
    note = "Redirects are not followed; point the webhook at the final address."
    try:
        addresses.check(location)
    except addresses.Refused as exc:
        return f"Redirected to {location[:200]}: refused ({exc}) {note}"
    return f"Redirected to {location[:200]}. {note}"


def _ms_since(started: float) -> int:
    return round((time.monotonic() - started) * 1000)
