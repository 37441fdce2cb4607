"""Who else has a story open in the desk: a heartbeat per open change form, kept in
the cache, gone after a few silent intervals.

Why the cache and not a table: presence is a few seconds-old fact that nobody needs
after two minutes. In the cache it expires by itself, costs no database write per
heartbeat (every open form sends one every PRESENCE_INTERVAL_SECONDS) and never
touches the page cache's change tracking. On Redis (production) every gunicorn
worker sees the same entries. With the local-memory cache (the default without
REDIS_URL) each process has its own: the one-process development server shows
presence, but several workers would each see only the heartbeats they served, so
run the desk on Redis with more than one worker. A Redis outage is a cache miss:
nobody is shown, nothing fails.

One cache entry per story holds everyone in it ({user id: (name, opened, seen)}).
Two heartbeats at the same instant may both read it and the second write drops the
first one's entry: it is back at that editor's next heartbeat.
"""

import time
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache


@dataclass(frozen=True)
class Editor:
    """Someone with the story open: their name and when they opened it (epoch s)."""

    user_id: int
    name: str
    opened: float


def timeout() -> int:
    """Seconds of silence after which an editor no longer counts as present."""
    return 4 * settings.PRESENCE_INTERVAL_SECONDS


def now() -> float:
    return time.time()


def display_name(user) -> str:
    return user.get_full_name() or user.get_username()


def _key(story_id: int) -> str:
    return f"presence:{story_id}"


def _live(story_id: int, now: float) -> dict:
    entries = cache.get(_key(story_id)) or {}
    return {
        user_id: entry
        for user_id, entry in entries.items()
        if now - entry[2] < timeout()
    }


def _others(entries: dict, user) -> list[Editor]:
    return sorted(
        (
            Editor(user_id, name, opened)
            for user_id, (name, opened, _seen) in entries.items()
            if user_id != user.pk
        ),
        key=lambda editor: editor.opened,
    )


def beat(story_id: int, user) -> list[Editor]:
    """Record that `user` has the story open now; the others who have it open,
    first opened first. "Opened" is this user's first heartbeat since they were
    last gone."""
    moment = now()
    entries = _live(story_id, moment)
    opened = entries[user.pk][1] if user.pk in entries else moment
    entries[user.pk] = (display_name(user), opened, moment)
    cache.set(_key(story_id), entries, timeout=timeout())
    return _others(entries, user)


def leave(story_id: int, user) -> None:
    """The user closed the story: drop them at once (not after the timeout)."""
    entries = _live(story_id, now())
    if entries.pop(user.pk, None) is not None:
        cache.set(_key(story_id), entries, timeout=timeout())


def others(story_id: int, user) -> list[Editor]:
    """Who else has the story open, without counting a heartbeat."""
    return _others(_live(story_id, now()), user)
