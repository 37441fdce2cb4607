"""Webhooks (an endpoint, the events it wants, its signing secret) and the log of
every delivery attempt."""

import secrets
import uuid

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import models

from webhooks import addresses


class Event(models.TextChoices):
    PUBLISHED = "story.published", "Story published (live or at its scheduled time)"
    UPDATED = "story.updated", "Live story updated"
    UNPUBLISHED = "story.unpublished", "Story unpublished or expired"
    CORRECTED = "story.corrected", "Correction, clarification or update note added"
    COMMENT_APPROVED = "comment.approved", "Comment approved"


validate_web_url = URLValidator(schemes=["http", "https"])


def new_secret() -> str:
    return secrets.token_hex(32)


class WebhookQuerySet(models.QuerySet):
    def wanting(self, event: str) -> list["Webhook"]:
        """Active webhooks subscribed to `event` (few rows: filtered in Python,
        as SQLite cannot search inside a JSON list)."""
        return [hook for hook in self.filter(is_active=True) if event in hook.events]


class Webhook(models.Model):
    name = models.CharField(max_length=100, help_text="Who receives it, for the desk.")
    url = models.URLField(
        "URL",
        max_length=500,
        validators=[validate_web_url],
        help_text="An http:// or https:// address on the public internet. We POST "
        "JSON to it and do not follow redirects.",
    )
    events = models.JSONField(default=list, help_text="What it is told about.")
    secret = models.CharField(
        max_length=64,
        default=new_secret,
        editable=False,
        help_text="The receiver checks X-Newsroom-Signature with it (docs/api.md).",
    )
    is_active = models.BooleanField(
        "active", default=True, help_text="Inactive webhooks receive nothing."
    )
    created_at = models.DateTimeField(auto_now_add=True)

    objects = WebhookQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]

    def __str__(self):
        return self.name

    def clean(self):
        unknown = set(self.events or []) - set(Event.values)
        if unknown or not isinstance(self.events, list):
            raise ValidationError({"events": "Choose among the listed events."})
        try:
            validate_web_url(self.url)
        except ValidationError:
            return  # the field's own error says so
        try:
            addresses.check(self.url)
        except addresses.Refused as exc:
            raise ValidationError({"url": str(exc)}) from None


class Delivery(models.Model):
    """One attempt to deliver one event to one webhook. A failed attempt that may
    be retried is followed by a new row (attempt + 1) due at `retry_at`."""

    class Outcome(models.TextChoices):
        PENDING = "pending", "Pending"
        DELIVERED = "delivered", "Delivered"
        FAILED = "failed", "Failed"
        DROPPED = "dropped", "Dropped"

    webhook = models.ForeignKey(
        Webhook, on_delete=models.CASCADE, related_name="deliveries"
    )
    event = models.CharField(max_length=40, choices=Event.choices)
    # The same for every attempt and replay of one event (X-Newsroom-Delivery).
    event_id = models.UUIDField(default=uuid.uuid4, db_index=True)
    body = models.TextField(help_text="The JSON sent, exactly.")
    attempt = models.PositiveSmallIntegerField(default=1)
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, default=Outcome.PENDING
    )
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    status_code = models.PositiveSmallIntegerField(null=True, blank=True)
    response_ms = models.PositiveIntegerField(
        "response time (ms)", null=True, blank=True
    )
    error = models.TextField(blank=True)
    retry_at = models.DateTimeField(
        null=True, blank=True, help_text="When the next attempt is due, if any."
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name_plural = "deliveries"
        # The admin's log of one webhook, newest first.
        indexes = [models.Index(fields=["webhook", "-created_at"])]

    def __str__(self):
        return f"{self.event} to {self.webhook} (attempt {self.attempt})"

    def follow_up(self, *, attempt: int) -> "Delivery":
        """A new pending attempt of the same event and body."""
        return Delivery.objects.create(
            webhook_id=self.webhook_id,
            event=self.event,
            event_id=self.event_id,
            body=self.body,
            attempt=attempt,
        )
