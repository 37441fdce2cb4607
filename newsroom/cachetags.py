"""What a cached page shows, named by tags, and a version for each tag.

A page is stored with the version of every tag it depends on; a write bumps the
tags of what it changed; a hit compares the stored versions with the current ones
(one ``get_many`` on Redis, one ``stat`` per tag with the local-memory cache). So a
write costs a bump per tag it names, whatever the number of cached pages, and only
the pages that show what changed are rendered again.

Two tags are special:

* ``EVERYTHING`` is bumped by every write. A page that declares nothing depends
  on it alone: it is fresh after any change, exactly as when the whole site had one
  version. New pages are correct before anyone thinks about their tags.
* ``SITE`` is bumped by writes no finer tag describes (a section renamed, the
  discussion settings, a Redis outage). A page that declares its tags depends on
  it too (:func:`depends_on` adds it).

The apps name their own tags (the articles app: ``story:<id>`` for anything a
story shows, ``home``, ``section:<id>``…); this module knows no app.
"""

import contextvars
import functools
import hashlib
import os
import re
import secrets
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import connections

EVERYTHING = "everything"
SITE = "site"
# Bumped when a publish or expiry time may have changed: the next instant the site
# changes by itself (newsroom/pagecache.py) is computed again.
SCHEDULE = "schedule"

# With the local-memory cache each gunicorn worker has its own cache, so the
# versions are the modification times of files every worker can stat: one file
# per tag ever bumped (a story edited, a section…), in 256 folders so none grows
# past a few hundred files at 100,000 stories.
_UNSAFE_IN_FILE_NAMES = re.compile(r"[^A-Za-z0-9_-]")

_collected: contextvars.ContextVar[set | None] = contextvars.ContextVar(
    "pagecache_tags", default=None
)


# What the page being rendered shows -------------------------------------------


def start_collecting() -> contextvars.Token:
    return _collected.set(set())


def stop_collecting(token: contextvars.Token) -> set[str]:
    tags = _collected.get() or set()
    _collected.reset(token)
    return tags


def depends_on(*tags: str) -> None:
    """The page being rendered shows what these tags name: it stays cached until
    one of them (or SITE) is bumped. Outside a cacheable request, nothing."""
    collected = _collected.get()
    if collected is not None:
        collected.update(tags)
        collected.add(SITE)


def shows(tag: str) -> None:
    """Like depends_on, for data a page reads as a matter of course (a story row):
    it does not by itself make the page precise, so a page that declares nothing
    still depends on EVERYTHING."""
    collected = _collected.get()
    if collected is not None:
        collected.add(tag)


def page_dependencies(collected: set[str]) -> set[str]:
    """The tags a page is stored under: its own if it declared any, else EVERYTHING."""
    return collected if SITE in collected else {EVERYTHING}


# The versions -------------------------------------------------------------------


def _process_local() -> bool:
    return isinstance(caches["default"], LocMemCache)


@functools.lru_cache(maxsize=65536)
def _tag_file_in(var_dir: str, tag: str) -> str:
    folder = hashlib.blake2b(tag.encode(), digest_size=1).hexdigest()
    name = _UNSAFE_IN_FILE_NAMES.sub("_", tag.replace(":", "-"))
    return os.path.join(var_dir, "pagecache", folder, name)


def _tag_file(tag: str) -> str:
    # Strings, worked out once per tag: a page checks twenty tags on each request.
    return _tag_file_in(str(settings.VAR_DIR), tag)


def _key(tag: str) -> str:
    return f"pagecache:tag:{tag}"


def versions(tags) -> dict[str, str]:
    """The current version of each tag, as this thread sees it: a tag a write in
    its open transaction will bump at commit (BumpAtCommit) reads as changed here
    already, and nowhere else until the commit."""
    tags = list(tags)
    found = _stored_versions(tags)
    if pending := _pending_bumps():
        for tag in tags:
            if tag in pending:
                found[tag] += pending[tag]
    return found


class BumpAtCommit:
    """An on_commit() callback bumping tags when a write's transaction commits.

    Until then, readers elsewhere keep the pages that show the committed rows; a
    bump before the commit made them render and store pages of the old rows that
    the commit's bump threw away again (twice the misses for every write made in a
    transaction: an editor's save, a publish). The writer's own later reads in the
    transaction (an admin redirect, a test) still see the tags changed: versions()
    finds the callbacks waiting on this thread's connections."""

    def __init__(self, tags, bump):
        self.tags = frozenset({*tags, EVERYTHING})
        self.bump = bump
        self.done = False
        # Its own: a page stored under it (by its own thread) matches no version
        # after a rollback.
        self.token = secrets.token_hex(4)

    def __call__(self):
        self.done = True
        self.bump(self.tags)


def _pending_bumps() -> dict[str, str]:
    """The bumps waiting for a commit on this thread's connections, by tag (a
    digest of their tokens). A rolled-back savepoint's callbacks leave the queue
    (Django discards them), so they stop counting."""
    tokens = {}
    for connection in connections.all(initialized_only=True):
        # Django's own queue of (savepoint ids, callback, robust) entries.
        for entry in connection.run_on_commit:
            callback = entry[1]
            if isinstance(callback, BumpAtCommit) and not callback.done:
                for tag in callback.tags:
                    tokens.setdefault(tag, []).append(callback.token)
    # One short suffix however many writes wait: versions end up in cache keys.
    return {
        tag: "+" + hashlib.blake2b("".join(mine).encode(), digest_size=6).hexdigest()
        for tag, mine in tokens.items()
    }


def _stored_versions(tags: list[str]) -> dict[str, str]:
    if _process_local():
        found = {}
        for tag in tags:
            try:
                found[tag] = str(os.stat(_tag_file(tag)).st_mtime_ns)
            except FileNotFoundError:
                found[tag] = "0"
        return found
    stored = cache.get_many([_key(tag) for tag in tags])
    found = {}
    for tag in tags:
        value = stored.get(_key(tag))
        if value is None:
            # Never bumped, or evicted: start from the clock, never from an old
            # number a stored page might carry.
            cache.add(_key(tag), time.time_ns(), timeout=None)
            value = cache.get(_key(tag))
        found[tag] = str(value)
    return found


def bump(tags) -> bool:
    """Make every page showing one of these tags (and every page that declared
    nothing) stale. False if the shared cache could not be told."""
    tags = {*tags, EVERYTHING}
    if _process_local():
        for tag in tags:
            path = Path(_tag_file(tag))
            path.parent.mkdir(parents=True, exist_ok=True)
            path.touch()
            stamp = max(time.time_ns(), path.stat().st_mtime_ns + 1)
            os.utime(path, ns=(stamp, stamp))
        return True
    reached = True
    for tag in tags:
        try:
            cache.incr(_key(tag))
        except ValueError:  # evicted or never read: any new value invalidates
            cache.set(_key(tag), time.time_ns(), timeout=None)
        # ResilientRedisCache swallows an outage; it says whether the call got through.
        reached = reached and getattr(cache, "last_call_reached", True)
    return reached


class WriteGuard:
    """Whether a write committed while something was read and rendered: made before
    the first read, asked before what was rendered is kept. Every write bumps
    EVERYTHING, so if its version is unchanged, so is every other; if not, the
    render may have mixed old rows with new ones, and is served but not kept."""

    def __init__(self, tags=()):
        # Read with EVERYTHING in one call (one Redis round trip): the page cache
        # needs the schedule's versions before a render too.
        self.versions = versions({*tags, EVERYTHING})

    def versions_if_unchanged(self, tags) -> dict[str, str] | None:
        """The current versions of `tags` (to keep a render under), or None if
        anything was written since the guard was made."""
        tags = set(tags)
        current = versions(tags | {EVERYTHING})
        if current[EVERYTHING] != self.versions[EVERYTHING]:
            return None
        if EVERYTHING not in tags:
            del current[EVERYTHING]
        return current
