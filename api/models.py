"""Partner API keys: shown once, stored as a SHA-256 hash, revocable, counted.

A key is 32 random bytes, so a plain SHA-256 is enough to store it (a slow
password hash guards guessable secrets; nobody guesses 256 bits). The first
characters after ``nr_`` are kept in clear (`prefix`) so an admin can tell keys
apart without the secret.
"""

import hashlib
import secrets

from django.conf import settings
from django.core.cache import caches
from django.db import models
from django.db.models import F
from django.utils import timezone

KEY_PREFIX = "nr_"
# How long a key's lookup is remembered in the counters cache; revoking forgets it.
LOOKUP_SECONDS = 60
# Uses are counted in the counters cache and written to the row at most this often.
USAGE_FLUSH_SECONDS = 60


def key_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


class ApiKeyQuerySet(models.QuerySet):
    def issue(self, name: str, rate_limit: int | None = None) -> tuple["ApiKey", str]:
        """A new key: the row, and the secret to show once (never stored)."""
        key = self.model(name=name, rate_limit=rate_limit)
        raw = key.new_secret()
        key.save()
        return key, raw

    def active(self):
        """Keys that open the API: not revoked."""
        return self.filter(revoked_at__isnull=True)

    def find(self, raw: str) -> "ApiKey | None":
        """The active key with this secret, or None (unknown or revoked).
        Remembered for LOOKUP_SECONDS so a cached page costs no query."""
        digest = key_hash(raw)
        counters = caches["counters"]
        cache_key = f"apikey:{digest}"
        found = counters.get(cache_key)
        if found is None:
            key = self.active().filter(key_hash=digest).first()
            found = (key.pk, key.rate_limit) if key else (0, None)
            counters.set(cache_key, found, timeout=LOOKUP_SECONDS)
        pk, rate_limit = found
        if not pk:
            return None
        return ApiKey(pk=pk, key_hash=digest, rate_limit=rate_limit)


class ApiKey(models.Model):
    name = models.CharField(
        max_length=150, help_text="Who uses it, e.g. “Mobile app” or a partner's name."
    )
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    rate_limit = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Requests per window for this key. Empty: API_KEY_RATE_LIMIT.",
    )
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    usage_count = models.PositiveBigIntegerField(default=0, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ApiKeyQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "API key"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def new_secret(self) -> str:
        """Give this (unsaved) key a new secret; returns it, to be shown once."""
        raw = KEY_PREFIX + secrets.token_urlsafe(32)
        self.prefix = raw[: len(KEY_PREFIX) + 6]
        self.key_hash = key_hash(raw)
        return raw

    @property
    def uses(self) -> int:
        """Requests made with it, including those not yet written to the row."""
        return self.usage_count + (
            caches["counters"].get(f"apikey-uses:{self.pk}") or 0
        )

    @property
    def limit(self) -> int:
        return self.rate_limit or settings.API_KEY_RATE_LIMIT

    def revoke(self) -> bool:
        """Stop the key now (every server: the remembered lookup is forgotten).
        False if it was already revoked."""
        done = ApiKey.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )
        caches["counters"].delete(f"apikey:{self.key_hash}")
        return bool(done)

    def count_use(self) -> None:
        """One request made with this key: counted in the counters cache, added to
        the row at most every USAGE_FLUSH_SECONDS (no write per request)."""
        counters = caches["counters"]
        pending = f"apikey-uses:{self.pk}"
        counters.add(pending, 0, timeout=None)
        try:
            counters.incr(pending)
        except ValueError:
            counters.set(pending, 1, timeout=None)
        if counters.add(f"apikey-flush:{self.pk}", 1, timeout=USAGE_FLUSH_SECONDS):
            self.flush_uses()

    def flush_uses(self) -> None:
        """Add the uses counted in the cache to the row."""
        counters = caches["counters"]
        pending = f"apikey-uses:{self.pk}"
        uses = counters.get(pending) or 0
        if uses:
            counters.decr(pending, uses)
            ApiKey.objects.filter(pk=self.pk).update(
                usage_count=F("usage_count") + uses, last_used_at=timezone.now()
            )


# --- Desk tokens: trusted tools writing as one newsroom user ----------------------

DESK_TOKEN_PREFIX = "nrd_"
# last_used_at is written at most this often per token (no write per request).
TOUCH_SECONDS = 60


class DeskTokenQuerySet(models.QuerySet):
    def issue(self, user, name: str) -> tuple["DeskToken", str]:
        """A new token for `user`: the row, and the secret to show once."""
        token = self.model(user=user, name=name)
        raw = token.new_secret()
        token.save()
        return token, raw

    def active(self):
        """Tokens that open the desk API: not revoked, their user still active."""
        return self.filter(revoked_at__isnull=True, user__is_active=True)

    def find(self, raw: str) -> "DeskToken | None":
        """The active token with this secret (with its user), or None: unknown,
        revoked, or its user deactivated. Read from the database every time, so
        a revocation or a deactivation stops it at once on every server."""
        if not raw.startswith(DESK_TOKEN_PREFIX):
            return None
        return (
            self.active().select_related("user").filter(key_hash=key_hash(raw)).first()
        )


class DeskToken(models.Model):
    """A desk tool's credential: it acts as its user, with exactly that user's
    role (articles/workflow.py); revoke it, or deactivate the user, to stop it."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="desk_tokens",
        help_text="The tool acts as this person, with their role and no more.",
    )
    name = models.CharField(
        max_length=150, help_text="Which tool uses it, e.g. “Wire importer”."
    )
    prefix = models.CharField(max_length=12, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    revoked_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = DeskTokenQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "desk token"

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    def new_secret(self) -> str:
        """Give this (unsaved) token a new secret; returns it, to be shown once."""
        raw = DESK_TOKEN_PREFIX + secrets.token_urlsafe(32)
        self.prefix = raw[: len(DESK_TOKEN_PREFIX) + 6]
        self.key_hash = key_hash(raw)
        return raw

    def revoke(self) -> bool:
        """Stop the token now. False if it was already revoked."""
        return bool(
            DeskToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
                revoked_at=timezone.now()
            )
        )

    def touch(self) -> None:
        """Record a use: last_used_at, written at most every TOUCH_SECONDS."""
        if caches["counters"].add(f"desktoken-used:{self.pk}", 1, TOUCH_SECONDS):
            DeskToken.objects.filter(pk=self.pk).update(last_used_at=timezone.now())
