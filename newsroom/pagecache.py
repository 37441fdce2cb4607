"""A page cache for anonymous readers, invalidated exactly by a content version.

How it stays correct:

* Only anonymous GET/HEAD requests are served or stored: a request carrying a
  cookie the site reads (:func:`cookies_the_site_reads`) other than the CSRF
  cookie, or an ``Authorization`` header, goes straight to the view. Cookies the
  site never reads (``_ga`` and other analytics) are ignored.
* One page per address *as the view reads it*: for an anonymous request every query
  parameter its view does not read (``settings.PAGE_CACHE_QUERY_PARAMETERS``) is
  dropped before the view runs, so ``?utm_source=…`` and junk share one entry
  and one render, and a junk value never appears in a page shared with others.
* Only responses that are safe to share are stored: status 200/301/404, no
  ``Set-Cookie`` (so no page that rendered a CSRF token or a message), no
  ``Cache-Control: private/no-cache/no-store`` (so no editor preview), no
  ``Vary: Cookie`` when the request had a cookie.
* Each page is stored with the versions of the *tags* it shows
  (newsroom/cachetags.py): a story, a list… Any committed write to something the
  public pages show (stories, bylines, tags, quotes, corrections, sections,
  authors, comments) bumps the tags of what it changed, so every page showing it
  is stale on the very next request and the others stay cached. The writes come
  from code we don't own (the admin, reversion's revert, taggit, importers), which
  is why this file listens to model signals; each app says which tags a write of
  its models changes (``watch(model, tags=…)``). Code that writes with
  ``QuerySet.update()`` or ``bulk_create()`` (no signals) calls :func:`changed`
  or :func:`content_changed` itself.
* Entries, and the ``max-age`` given to browsers and proxies, expire no later than
  the next moment a story appears or leaves by itself (a scheduled publish time
  or an expiry time) and the next local midnight (the masthead shows the date),
  so a scheduled story is on every page at its publish time without a worker.

The versions live in the cache when the cache is shared (Redis: every worker and
every app server sees a bump). With a process-local cache (local memory) they are
the modification times of small files in ``NEWSROOM_VAR_DIR``, so gunicorn workers
on one machine still see each other's bumps.

A bump that cannot reach Redis (an outage, a cut line) is counted in the database
(``PageCacheState``), which outlives the process that made the change. Every process
compares that count with the one last applied in Redis at most once a second (one
primary-key query; a hit stays free of queries in between) and bumps when they
differ, so no public page outlives an unpublish by more than about a second after
Redis can be reached again.
"""

import hashlib
import logging
import time
from datetime import UTC, datetime, timedelta

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpRequest, HttpResponse, QueryDict
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.cache import (
    cc_delim_re,
    get_conditional_response,
    patch_cache_control,
    patch_vary_headers,
    set_response_etag,
)
from django.utils.http import http_date

from newsroom import cachetags, liveslots
from newsroom.cachetags import EVERYTHING, SCHEDULE, SITE
from newsroom.models import PageCacheState
from newsroom.routers import PIN_COOKIE

logger = logging.getLogger("newsroom.pagecache")

VERSION_KEY = "pagecache:version"
# The PageCacheState.missed_bumps count already applied to the version in Redis.
APPLIED_KEY = "pagecache:missed-bumps-applied"
# How often each process reads PageCacheState (one primary-key query).
MISSED_BUMP_CHECK_SECONDS = 1
CACHEABLE_STATUSES = {200, 301, 404}
UNSHAREABLE_DIRECTIVES = {"private", "no-cache", "no-store"}
# Headers a stored page must not carry to other readers.
UNSTORED_HEADERS = {"set-cookie", "x-page-cache"}


# The content version -----------------------------------------------------------


def _process_local() -> bool:
    return cachetags._process_local()


def content_version() -> str:
    """A version that changes whenever any public content changes."""
    return cachetags.versions([EVERYTHING])[EVERYTHING]


def bump_content_version() -> None:
    """Make every cached page stale now."""
    changed_now([SITE])


def changed_now(tags) -> None:
    """Make the pages showing these tags stale now (no transaction involved)."""
    if not cachetags.bump(tags):
        _record_missed_bump()


_next_check = 0.0


def _record_missed_bump() -> None:
    """Redis did not hear of a content change: tell the database, which every process
    reads (apply_missed_bumps). The bump comes after the writer's commit, so this
    is a transaction of its own."""
    global _next_check
    logger.warning("Page cache invalidation missed Redis; recorded in the database")
    try:
        PageCacheState.record_missed_bump()
    except DatabaseError:
        logger.exception("Page cache invalidation could not be recorded either")
    _next_check = 0.0


def apply_missed_bumps() -> None:
    """Bump the version for content changes whose own bump missed Redis.

    Checked at most every MISSED_BUMP_CHECK_SECONDS per process; whichever process
    first reaches Redis applies the bump for all (a second one now and then is
    harmless: one more round of misses)."""
    global _next_check
    now = time.time()
    if now < _next_check <= now + MISSED_BUMP_CHECK_SECONDS:
        return
    _next_check = now + MISSED_BUMP_CHECK_SECONDS
    missed = PageCacheState.missed()
    if missed and cache.get(APPLIED_KEY, 0) != missed and cachetags.bump([SITE]):
        cache.set(APPLIED_KEY, missed, timeout=None)


def content_changed(using: str = "default") -> None:
    """Invalidate every cached page when the transaction commits (now, outside
    one). Call this after writes that send no model signals (``bulk_create``,
    ``QuerySet.update``) when no finer tags (:func:`changed`) describe them.
    """
    changed([SITE], using=using)


def changed(tags, using: str = "default") -> None:
    """Invalidate the cached pages that show these tags (and the pages that declared
    nothing) when the transaction commits, or now outside one. Until the commit
    only this thread's own reads see the change (cachetags.BumpAtCommit): other
    readers' pages of the committed rows stay right until then."""
    tags = frozenset(tags)
    if not tags:
        return
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(cachetags.BumpAtCommit(tags, changed_now), using=using)
    else:
        changed_now(tags)


# What public pages show: each app registers its models in its AppConfig.ready().
# A new row in one of its `hidden_when_new` states is on no public page (a draft
# story, a comment held for moderation), so creating it leaves every cached page
# valid: under a flood of held comments the cache stays warm. Changing the row
# later still bumps. `tags(instance, deleted)` names what a write changed (None:
# nothing public; no function: SITE, every page).
_hidden_when_new: dict[str, frozenset[str]] = {}
_tags_of: dict[str, object] = {}
_relation_tags_of: dict[str, object] = {}


def _tags_for_write(sender, instance, *, deleted=False, **kwargs):
    tags_of = _tags_of.get(sender._meta.label)
    if tags_of is None:
        return [SITE]
    return tags_of(instance, deleted=deleted, **kwargs)


def _on_save(sender, instance, created=False, using="default", **kwargs):
    if created and getattr(instance, "status", None) in _hidden_when_new.get(
        sender._meta.label, ()
    ):
        return
    tags = _tags_for_write(sender, instance, created=created)
    changed(tags or (), using=using)


def _on_delete(sender, instance, using="default", **kwargs):
    changed(_tags_for_write(sender, instance, deleted=True) or (), using=using)


def _on_relation(sender, instance, action, using="default", **kwargs):
    if action.startswith("pre_"):
        return  # m2m_changed fires before and after; the "post_" one is enough
    tags_of = _relation_tags_of.get(sender._meta.label)
    tags = [SITE] if tags_of is None else tags_of(instance, action=action, **kwargs)
    changed(tags or (), using=using)


def watch(model, *, hidden_when_new=(), tags=None) -> None:
    """Public pages show rows of `model`: any committed write makes the pages named
    by `tags(instance, deleted=…)` stale (every page when `tags` is None)."""
    label = model._meta.label
    _hidden_when_new[label] = frozenset(hidden_when_new)
    if tags is not None:
        _tags_of[label] = tags
    uid = f"pagecache-{label}"
    post_save.connect(_on_save, sender=model, dispatch_uid=f"{uid}-save")
    post_delete.connect(_on_delete, sender=model, dispatch_uid=f"{uid}-delete")


def watch_relation(many_to_many, *, tags=None) -> None:
    """Public pages show this many-to-many relation (e.g. a story's tags):
    `tags(instance, action=…, pk_set=…, model=…, reverse=…)` names what changed."""
    through = many_to_many.through
    if tags is not None:
        _relation_tags_of[through._meta.label] = tags
    m2m_changed.connect(
        _on_relation,
        sender=through,
        dispatch_uid=f"pagecache-m2m-{through._meta.label}",
    )


def watched_models() -> list:
    return [apps.get_model(label) for label in _hidden_when_new]


# Functions answering "the next instant something appears or leaves by itself":
# the articles app registers its scheduled publish and expiry times.
_scheduled_changes: list = []


def watch_schedule(next_change) -> None:
    """`next_change(now)` returns the next datetime public content changes without
    a write (or None)."""
    if next_change not in _scheduled_changes:
        _scheduled_changes.append(next_change)


# When does the public site change by itself? -----------------------------------


def _next_local_midnight(now: datetime) -> datetime:
    today = timezone.localdate(now)
    return datetime.combine(
        today + timedelta(days=1),
        datetime.min.time(),
        tzinfo=timezone.get_current_timezone(),
    )


def schedule_version() -> str:
    """Changes whenever a publish or expiry time may have changed."""
    found = cachetags.versions([SCHEDULE, SITE])
    return f"{found[SCHEDULE]}.{found[SITE]}"


def next_scheduled_change(version: str, now: datetime) -> datetime:
    """The next instant pages change without a write, cached under the version
    (schedule_version())."""
    key = f"pagecache:{version}:next-change"
    stamp = cache.get(key)
    if stamp is None or stamp <= now.timestamp():
        upcoming = [change(now) for change in _scheduled_changes]
        stamp = min(
            [_next_local_midnight(now), *(when for when in upcoming if when)]
        ).timestamp()
        cache.set(key, stamp, timeout=max(1, int(stamp - now.timestamp())))
    return datetime.fromtimestamp(stamp, tz=UTC)


# The middleware ----------------------------------------------------------------


def cookies_the_site_reads() -> set[str]:
    """The cookies some server-side code reads: the only ones that can change a page.

    A cookie a new view reads belongs here. The comment form's remembered name is
    not one: only static/js/comments.js reads it, in the reader's own browser."""
    return {
        settings.SESSION_COOKIE_NAME,
        settings.CSRF_COOKIE_NAME,
        CookieStorage.cookie_name,  # messages ("Your comment is awaiting moderation")
        PIN_COOKIE,  # newsroom/routers.py: read your own write from the primary
    }


def _cookies_read(request: HttpRequest) -> set[str]:
    return set(request.COOKIES) & cookies_the_site_reads()


def _request_is_anonymous(request: HttpRequest) -> bool:
    if request.method not in ("GET", "HEAD"):
        return False
    if "HTTP_AUTHORIZATION" in request.META:
        return False
    return _cookies_read(request) <= {settings.CSRF_COOKIE_NAME}


def _parameters_read(path: str) -> list[str] | None:
    """The query parameters the view at `path` reads (PAGE_CACHE_QUERY_PARAMETERS),
    or None for a view that declares none (its query is left as it came).

    An address missing its trailing slash counts as the view it will redirect to,
    so the redirect keeps them."""
    candidates = [path]
    if settings.APPEND_SLASH and not path.endswith("/"):
        candidates.append(path + "/")
    for candidate in candidates:
        try:
            view_name = resolve(candidate).view_name
        except Resolver404:
            continue
        return settings.PAGE_CACHE_QUERY_PARAMETERS.get(view_name)
    return []


def keep_parameters_read(request: HttpRequest) -> None:
    """Drop every query parameter a declared view does not read, in place, and put
    the rest in one order: the view, the cache key and any redirect see one query."""
    if not request.META.get("QUERY_STRING"):
        return
    read = _parameters_read(request.path_info)
    if read is None:
        return
    kept = QueryDict(mutable=True)
    for name in sorted(read):
        if values := request.GET.getlist(name):
            kept.setlist(name, values)
    request.META["QUERY_STRING"] = kept.urlencode()
    request.GET = QueryDict(request.META["QUERY_STRING"])


def _response_is_shareable(request: HttpRequest, response: HttpResponse) -> bool:
    if response.status_code not in CACHEABLE_STATUSES:
        return False
    if response.streaming or response.cookies:
        return False
    directives = {
        d.split("=")[0].strip().lower()
        for d in cc_delim_re.split(response.get("Cache-Control", ""))
    }
    if directives & UNSHAREABLE_DIRECTIVES:
        return False
    vary = {v.strip().lower() for v in cc_delim_re.split(response.get("Vary", ""))}
    return not ("cookie" in vary and _cookies_read(request)) and "*" not in vary


def _page_key(request: HttpRequest, host: str) -> str:
    url = f"{request.scheme}://{host}{request.get_full_path()}"
    digest = hashlib.sha256(url.encode()).hexdigest()
    return f"pagecache:page:{digest}"


def _current_versions(entry: dict, now: datetime) -> dict[str, str] | None:
    """The current versions of what a stored page shows (and of its slots' tags:
    newsroom/liveslots.py), or None if the page is stale."""
    # The expiry is checked here too, not only by the cache's own: the cache
    # server's clock may differ from ours, and the publish time is ours.
    if entry["expires"] <= now.timestamp():
        return None
    depends_on = entry["depends_on"]
    current = cachetags.versions(depends_on.keys() | entry.get("slot_tags", set()))
    if any(current[tag] != version for tag, version in depends_on.items()):
        return None
    return current


def _fill_slots(response: HttpResponse, pieces, slots, versions) -> None:
    """Write the slots' current values into the page. Its ETag and length follow
    the content; it has no Last-Modified (the values change after it was stored)."""
    response.content = liveslots.fill(pieces, slots, versions)
    response.headers["Content-Length"] = str(len(response.content))
    response.headers.pop("Last-Modified", None)
    set_response_etag(response)


def _respond(request: HttpRequest, entry: dict, versions: dict) -> HttpResponse:
    response = HttpResponse(entry["content"], status=entry["status"])
    for name, value in entry["headers"]:
        response.headers[name] = value
    if "slots" in entry:
        _fill_slots(response, entry["pieces"], entry["slots"], versions)
    if request.method == "HEAD":
        response.content = b""  # the headers (its length) stay the page's
    response["X-Page-Cache"] = "hit"
    return get_conditional_response(
        request,
        etag=response.get("ETag"),
        last_modified=None if "slots" in entry else entry["stored_at"],
        response=response,
    )


class PageCacheMiddleware:
    """Serve anonymous readers from the cache; store what is safe to share.

    Sits right after WhiteNoise, so a hit skips sessions, CSRF, auth and views;
    SecurityMiddleware (outside) still adds its headers to every response.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        seconds = settings.PAGE_CACHE_SECONDS
        if seconds <= 0 or not _request_is_anonymous(request):
            return self._mark_private(self.get_response(request))
        try:
            key_host = request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # let CommonMiddleware answer 400
        keep_parameters_read(request)
        if not _process_local():
            apply_missed_bumps()
        key = _page_key(request, key_host)
        entry = cache.get(key)
        now = timezone.now()
        if entry is not None and (current := _current_versions(entry, now)) is not None:
            return _respond(request, entry, current)

        # Made before the render: a page a write committed during is served but
        # not stored.
        guard = cachetags.WriteGuard([SCHEDULE, SITE])
        schedule = f"{guard.versions[SCHEDULE]}.{guard.versions[SITE]}"  # as schedule_version()
        until_change = next_scheduled_change(schedule, now) - now
        collecting = cachetags.start_collecting()
        recording = liveslots.start_recording()
        try:
            response = self.get_response(request)
        finally:
            shown = cachetags.stop_collecting(collecting)
            slots = liveslots.stop_recording(recording)
        # Slots are filled on every response, stored or not: no mark leaves here.
        stored_content = {}
        if slots.slots and not response.streaming:
            pieces = slots.split(response.content)
            slot_tags = liveslots.tags_of(slots.slots)
            stored_content = {
                "content": b"",
                "pieces": pieces,
                "slots": slots.slots,
                "slot_tags": slot_tags,
            }
            _fill_slots(response, pieces, slots.slots, cachetags.versions(slot_tags))
        ttl = int(min(seconds, until_change.total_seconds()))
        if ttl < 1 or not _response_is_shareable(request, response):
            return self._mark_private(response)

        max_age = min(ttl, settings.PAGE_CACHE_MAX_AGE)
        patch_cache_control(response, public=True, max_age=max_age, s_maxage=max_age)
        patch_vary_headers(response, ("Cookie", "Accept-Encoding"))
        if not response.has_header("ETag"):
            set_response_etag(response)  # none for an empty body (a redirect)
        stored_at = int(now.timestamp())
        if not stored_content:
            response["Last-Modified"] = http_date(stored_at)
        response["X-Page-Cache"] = "miss"
        depends = guard.versions_if_unchanged(cachetags.page_dependencies(shown))
        if request.method == "GET" and depends is not None:
            # Only a GET's response is stored: a view may answer HEAD without
            # its body, with the same headers.
            entry = {
                "status": response.status_code,
                "content": response.content,
                "headers": [
                    (name, value)
                    for name, value in response.headers.items()
                    if name.lower() not in UNSTORED_HEADERS
                ],
                "stored_at": stored_at,
                "expires": now.timestamp() + ttl,
                "depends_on": depends,
                **stored_content,
            }
            cache.set(key, entry, timeout=ttl)
        return get_conditional_response(
            request,
            etag=response.get("ETag"),
            last_modified=None if stored_content else stored_at,
            response=response,
        )

    @staticmethod
    def _mark_private(response: HttpResponse) -> HttpResponse:
        # A page we would not share must not be shared by a proxy in front either.
        if settings.PAGE_CACHE_SECONDS > 0 and not response.streaming:
            if not response.has_header("Cache-Control"):
                patch_cache_control(response, private=True)
        return response


def remember(name: str, compute, *, timed: bool = False, tags=None):
    """A value derived from public content, cached until that content changes:
    until any write, or until one of `tags` is bumped.

    timed=True for values that also change when a scheduled story goes live or an
    expiry passes (list totals): they are kept only until the next such instant."""
    tags = sorted({*tags, SITE}) if tags else [EVERYTHING]
    version = ".".join(cachetags.versions(tags).values())
    if timed:
        scheduled = next_scheduled_change(schedule_version(), timezone.now())
        version += f":{scheduled.timestamp()}"
    digest = hashlib.sha256(f"{name}|{'|'.join(tags)}".encode()).hexdigest()[:32]
    key = f"pagecache:data:{digest}:{version}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, timeout=3600)
    return value
