"""Addresses a story answers to besides its own: old ones and preview links."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ArticleRedirect(models.Model):
    """An old address of a published story whose slug or date changed.

    The article page looks here before answering 404 and sends a permanent
    redirect to the story's current address while the story is live.
    """

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="old_addresses"
    )
    day = models.DateField()
    slug = models.SlugField(max_length=200, allow_unicode=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["day", "slug"], name="redirect_address")
        ]

    def __str__(self):
        return f"/{self.day:%Y/%m/%d}/{self.slug}/ → {self.article}"


class PreviewLinkQuerySet(models.QuerySet):
    def active(self):
        """Links that still open: not revoked and not past their expiry time."""
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class PreviewLink(models.Model):
    """A signed, expiring, revocable read-only preview for someone without an account."""

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="preview_links"
    )
    note = models.CharField(
        "for", max_length=200, blank=True, help_text="Who it is for, e.g. our lawyer."
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = PreviewLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"Preview of {self.article} for {self.note or 'anyone with the link'}"
