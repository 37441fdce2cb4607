"""Django's Redis cache, made safe to lose: a Redis outage is a cache miss, not a 500.

While Redis cannot be reached, reads return their default, writes are dropped and
``incr`` counts as a first hit, so every page is built from the database (slower,
correct) and rate limits fail open. After a connection error this process stops
asking Redis for ``DOWN_RETRY_SECONDS``, so an outage does not add a timeout to
every cache call; the first call after that tries again, and the site is back on
the cache as soon as Redis answers.

A write dropped during an outage (a session saved or ended, a cache invalidation)
would leave an old value behind in Redis when it returns, so the keys of dropped
writes are remembered and deleted first thing after recovery. That memory dies with
the process: a caller that must not lose a write checks ``last_call_reached`` and
records it elsewhere (the page cache's version bump goes to the database).
"""

import logging
import threading
import time

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.redis import RedisCache
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = logging.getLogger("newsroom.cache")

REDIS_DOWN = (RedisConnectionError, RedisTimeoutError)
# How many dropped keys to remember for clean-up; past this, say so in the log.
MAX_DROPPED_KEYS = 10_000


class ResilientRedisCache(RedisCache):
    """RedisCache whose connection errors degrade to misses (see the module doc)."""

    def __init__(self, server, params):
        params = dict(params)
        options = dict(params.get("OPTIONS") or {})
        self.down_retry_seconds = float(options.pop("DOWN_RETRY_SECONDS", 5))
        params["OPTIONS"] = options
        super().__init__(server, params)
        self._down_until = 0.0
        self._dropped: set[str] = set()
        self._overflowed = False
        self._lock = threading.Lock()
        # Whether the latest call got an answer from Redis (False: an outage
        # default). Cache instances are per thread, so this is the caller's own.
        self.last_call_reached = True

    # The outage bookkeeping ------------------------------------------------------

    def _available(self) -> bool:
        return time.monotonic() >= self._down_until

    def _went_down(self, exc: Exception, operation: str) -> None:
        with self._lock:
            first = self._down_until == 0.0
            self._down_until = time.monotonic() + self.down_retry_seconds
        if first:
            logger.warning(
                "Redis cache unreachable (%s during %s): serving without the cache",
                type(exc).__name__,
                operation,
            )

    def _drop(self, keys) -> None:
        with self._lock:
            room = MAX_DROPPED_KEYS - len(self._dropped)
            keys = list(keys)
            self._dropped.update(keys[: max(room, 0)])
            first_overflow = len(keys) > room and not self._overflowed
            self._overflowed = self._overflowed or first_overflow
        if first_overflow:
            logger.error(
                "More than %s cache writes dropped during the Redis outage; "
                "stale entries may remain until they expire",
                MAX_DROPPED_KEYS,
            )

    def _clear_dropped(self) -> int:
        """After an outage, before anything else: delete what we failed to write.

        Raises the connection error if Redis is still away."""
        with self._lock:
            dropped, self._dropped = self._dropped, set()
        if dropped:
            try:
                self._cache.delete_many(list(dropped))
            except REDIS_DOWN:
                self._drop(dropped)
                raise
        return len(dropped)

    def _call(self, operation: str, default, method, *args, dropped_keys=(), **kwargs):
        if not self._available():
            self.last_call_reached = False
            self._drop(dropped_keys)
            return default
        was_down = bool(self._down_until)
        self.last_call_reached = True  # also when Redis answers with an error
        try:
            cleared = self._clear_dropped() if was_down else 0
            result = method(*args, **kwargs)
        except REDIS_DOWN as exc:
            self.last_call_reached = False
            self._drop(dropped_keys)
            self._went_down(exc, operation)
            return default
        if was_down:
            with self._lock:
                self._down_until = 0.0
                self._overflowed = False
            logger.warning(
                "Redis cache reachable again; %s stale keys cleared", cleared
            )
        return result

    # The cache API ------------------------------------------------------------------

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key_name = self.make_and_validate_key(key, version=version)
        return self._call(
            "add", False, super().add, key, value, timeout, version,
            dropped_keys=[key_name],
        )  # fmt: skip

    def get(self, key, default=None, version=None):
        return self._call("get", default, super().get, key, default, version)

    def set(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key_name = self.make_and_validate_key(key, version=version)
        return self._call(
            "set", None, super().set, key, value, timeout, version,
            dropped_keys=[key_name],
        )  # fmt: skip

    def touch(self, key, timeout=DEFAULT_TIMEOUT, version=None):
        return self._call("touch", False, super().touch, key, timeout, version)

    def delete(self, key, version=None):
        key_name = self.make_and_validate_key(key, version=version)
        return self._call(
            "delete", False, super().delete, key, version, dropped_keys=[key_name]
        )

    def get_many(self, keys, version=None):
        return self._call("get_many", {}, super().get_many, keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", False, super().has_key, key, version)

    def incr(self, key, delta=1, version=None):
        # Counted as the first hit: rate limits fail open while Redis is away.
        key_name = self.make_and_validate_key(key, version=version)
        return self._call(
            "incr", delta, super().incr, key, delta, version, dropped_keys=[key_name]
        )

    def set_many(self, data, timeout=DEFAULT_TIMEOUT, version=None):
        names = [self.make_and_validate_key(key, version=version) for key in data]
        return self._call(
            "set_many", list(data), super().set_many, data, timeout, version,
            dropped_keys=names,
        )  # fmt: skip

    def delete_many(self, keys, version=None):
        names = [self.make_and_validate_key(key, version=version) for key in keys]
        return self._call(
            "delete_many", None, super().delete_many, keys, version,
            dropped_keys=names,
        )  # fmt: skip

    def clear(self):
        return self._call("clear", False, super().clear)
