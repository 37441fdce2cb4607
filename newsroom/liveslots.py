"""Small figures on a cached page that change more often than the page: filled in
each time the page is served.

A list's cards show each story's comment count. Were the count part of the stored
page, every approved comment would make every list showing its story stale, and a
busy thread would keep the home page rendering. Instead the count is a *slot*: while
a cacheable page renders, the template writes a mark in its place
(:func:`slot`); the page cache stores the page cut at the marks, with what each slot
shows, and fills them in on every response, hit or miss, from values kept under the
version of the slot's own tag (newsroom/cachetags.py). So an approval bumps
``comments:<id>``: the lists stay cached, and the next response reads that story's
count again, once for all the pages that show it.

A value is read *after* the version it is kept under, so a write committing in
between is kept under the old version and read again under the new one.

An app registers each kind of slot (:func:`register`): the tag whose version
changes with the value, how to load the values of many keys in one query, and how
to write a value as HTML. Outside a cacheable render, :func:`slot` writes the value
it is given, so the page reads the same with the cache off.
"""

import contextvars
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.core.cache import cache
from django.utils.safestring import SafeString, mark_safe


@dataclass(frozen=True)
class Kind:
    tag: Callable[[object], str]
    load: Callable[[list], dict]
    render: Callable[..., str]


_kinds: dict[str, Kind] = {}


def register(name: str, *, tag, load, render) -> None:
    """`tag(key)` names the cache tag bumped when the value changes; `load(keys)`
    returns {key: value} (one query); `render(value, *args)` writes it as HTML."""
    _kinds[name] = Kind(tag=tag, load=load, render=render)


@dataclass
class Recording:
    """The slots of the page being rendered, and this render's own mark, which
    nobody can write into the content beforehand."""

    mark: str = field(default_factory=lambda: f"\x00slot-{secrets.token_hex(8)}-")
    slots: list[tuple[str, object, tuple]] = field(default_factory=list)

    def split(self, content: bytes) -> list[bytes]:
        """The content cut at the marks: one piece more than there are slots."""
        mark = re.escape(self.mark.encode())
        return re.split(mark + rb"\d+\x00", content)


_recording: contextvars.ContextVar[Recording | None] = contextvars.ContextVar(
    "liveslots", default=None
)


def start_recording() -> contextvars.Token:
    return _recording.set(Recording())


def stop_recording(token: contextvars.Token) -> Recording:
    recording = _recording.get()
    _recording.reset(token)
    return recording


def slot(name: str, key, *args, value) -> SafeString:
    """A value that may change while the page stays cached: its mark while a
    cacheable page renders, else the `value` given, written as HTML."""
    recording = _recording.get()
    if recording is None:
        return mark_safe(_kinds[name].render(value, *args))
    recording.slots.append((name, key, args))
    return mark_safe(f"{recording.mark}{len(recording.slots) - 1}\x00")


def tags_of(slots: Iterable[tuple[str, object, tuple]]) -> set[str]:
    return {_kinds[name].tag(key) for name, key, _ in slots}


def _value_key(name: str, key, version: str) -> str:
    return f"pagecache:slot:{name}:{key}:{version}"


def fill(pieces: list[bytes], slots: list, versions: dict[str, str]) -> bytes:
    """The page with each slot written from its current value. `versions` holds the
    current version of each slot's tag (tags_of), read before this call."""
    if not slots:
        return pieces[0]
    wanted = {
        (name, key): _value_key(name, key, versions[_kinds[name].tag(key)])
        for name, key, _ in slots
    }
    found = cache.get_many(list(wanted.values()))
    missing: dict[str, list] = {}
    for (name, key), cache_key in wanted.items():
        if cache_key not in found:
            missing.setdefault(name, []).append(key)
    for name, keys in missing.items():
        loaded = _kinds[name].load(keys)
        fresh = {wanted[name, key]: loaded.get(key) for key in keys}
        cache.set_many(fresh, timeout=3600)
        found.update(fresh)
    out = [pieces[0]]
    for (name, key, args), piece in zip(slots, pieces[1:], strict=True):
        value = found[wanted[name, key]]
        out.append(_kinds[name].render(value, *args).encode())
        out.append(piece)
    return b"".join(out)
