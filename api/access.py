"""Who may read the API, how often, and with which query: checked before the page
cache (newsroom/pagecache.py), so a cached answer is limited like a fresh one.

- The query string must be valid UTF-8 without control characters, and name
  only parameters the view reads (PAGE_CACHE_QUERY_PARAMETERS, the one list
  the page cache keeps too): anything else is a 400, not silently dropped.
- `X-Api-Key: nr_…` identifies a partner: an unknown or revoked key is a 401;
  a valid one gets its own, higher limit and its uses counted. A key in a
  header, not in `Authorization`, so partners are served from the page cache.
- Everyone else is limited per client IP (newsroom/ratelimit.py's one rule).
- The desk API (/api/v1/desk/) writes: its views authenticate and limit per
  desk token (api/desk/access.py); only the query check applies here.

Every refusal is JSON: {"detail": "…"} with the status.
"""

from urllib.parse import unquote_to_bytes

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.urls import Resolver404, resolve
from django.utils.cache import (
    add_never_cache_headers,
    get_conditional_response,
    set_response_etag,
)
from django.utils.http import parse_http_date_safe

from api.models import ApiKey
from newsroom.ratelimit import client_ip, rate_limited, retry_after

API_PREFIX = "/api/"
# Trusted tools write here, limited per desk token by the desk's views (api/desk/).
DESK_PREFIX = "/api/v1/desk/"
KEY_HEADER = "HTTP_X_API_KEY"


def refusal(status: int, detail: str, **headers) -> JsonResponse:
    response = JsonResponse({"detail": detail}, status=status, headers=headers)
    add_never_cache_headers(response)  # about this client, never shared
    return response


def _resolved(path: str):
    """The view at this address, or at the address with a slash it redirects to."""
    for candidate in (path, path + "/"):
        try:
            return resolve(candidate)
        except Resolver404:
            continue
    return None


def query_problem(request: HttpRequest) -> str | None:
    """Why the query string cannot be read, or None."""
    raw = request.META.get("QUERY_STRING", "")
    if not raw:
        return None
    try:
        text = unquote_to_bytes(raw.replace("+", " ")).decode("utf-8")
    except UnicodeDecodeError:
        return "The query string is not valid UTF-8."
    if any(ord(c) < 32 or ord(c) == 127 for c in text):
        return "The query string contains control characters (e.g. a NUL byte)."
    match = _resolved(request.path_info)
    if match is None:
        return None  # the 404 says it better
    known = settings.PAGE_CACHE_QUERY_PARAMETERS.get(match.view_name)
    if known is None:
        return None
    unknown = sorted(set(request.GET) - set(known))
    if unknown:
        accepted = ", ".join(known) or "none"
        return f"Unknown query parameter {unknown[0]!r}. This endpoint accepts: {accepted}."
    return None


class ApiAccessMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path_info.startswith(API_PREFIX):
            return self.get_response(request)
        desk = request.path_info.startswith(DESK_PREFIX)
        if request.method not in ("GET", "HEAD", "OPTIONS") and not desk:
            return refusal(405, "The API is read-only: GET or HEAD.", Allow="GET, HEAD")
        if _resolved(request.path_info) is None:
            # Not the site's HTML 404 page: an API client reads JSON.
            return refusal(404, "No such API endpoint: see /api/v1/docs/.")
        if problem := query_problem(request):
            return refusal(400, problem)
        if desk:
            return self.get_response(request)
        raw_key = request.META.get(KEY_HEADER, "")
        if raw_key:
            key = ApiKey.objects.find(raw_key)
            if key is None:
                return refusal(401, "This API key is unknown or has been revoked.")
            limited = rate_limited(
                f"api:key:{key.pk}", key.limit, settings.API_RATE_WINDOW
            )
            if not limited:
                key.count_use()
        else:
            limited = rate_limited(
                f"api:ip:{client_ip(request)}",
                settings.API_RATE_LIMIT,
                settings.API_RATE_WINDOW,
            )
        if limited:
            wait = retry_after(settings.API_RATE_WINDOW)
            return refusal(
                429,
                f"Too many requests: try again in {wait} seconds"
                + ("." if raw_key else ", or ask for an API key."),
                **{"Retry-After": str(wait)},
            )
        return self._conditional(request, self.get_response(request))

    @staticmethod
    def _conditional(request: HttpRequest, response: HttpResponse) -> HttpResponse:
        """ETag (and 304) for answers the page cache did not handle (it was off,
        or the request carried a cookie)."""
        if request.method not in ("GET", "HEAD") or response.status_code != 200:
            return response
        if response.streaming or response.has_header("ETag"):
            return response
        set_response_etag(response)
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=parse_http_date_safe(response.get("Last-Modified", "")),
            response=response,
        )
