"""What hangs off a story's text: embedded quotes and corrections."""

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from articles import events
from articles.models.common import unique_slug
from articles.models.search_entries import SearchEntry


def _articles():
    # By name: the stories module imports this one (for its querysets).
    return apps.get_model("articles", "Article").objects


class QuoteQuerySet(models.QuerySet):
    def published(self):
        """Quotes readers may see: those in stories that are published()."""
        return self.filter(article__in=_articles().published())


class Quote(models.Model):
    """Something someone said, embedded in a story and searchable on its own."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", "Statement"
        TWEET = "tweet", "Tweet"
        INTERVIEW = "interview", "Interview"
        OTHER = "other", "Other"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="quotes"
    )
    number = models.PositiveSmallIntegerField(
        default=1,
        help_text='Place it in the body with a paragraph reading "[quote N]".',
    )
    text = models.TextField()
    speaker = models.CharField(max_length=150, help_text="Who said it.")
    speaker_slug = models.SlugField(
        max_length=150, allow_unicode=True, blank=True, editable=False
    )
    speaker_role = models.CharField(
        max_length=150, blank=True, help_text="e.g. President of Russia"
    )
    source_name = models.CharField(
        max_length=200,
        blank=True,
        help_text="Where it was said, e.g. Kremlin press release.",
    )
    source_url = models.URLField(max_length=500, blank=True)
    said_on = models.DateField(null=True, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.STATEMENT)

    objects = QuoteQuerySet.as_manager()

    class Meta:
        ordering = ["article", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "number"], name="quote_number_per_article"
            )
        ]
        indexes = [models.Index(fields=["speaker_slug"], name="quote_speaker")]

    def __str__(self):
        return f"{self.speaker}: {self.text[:60]}"

    def save(self, *args, **kwargs):
        self.fill_speaker_slug()
        super().save(*args, **kwargs)
        SearchEntry.objects.rebuild([self.article_id])

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#quote-{self.number}"

    def fill_speaker_slug(self):
        """The speaker's page address, from the name (also for an unsaved preview)."""
        self.speaker_slug = unique_slug(self.speaker, 150)

    def delete(self, *args, **kwargs):
        result = super().delete(*args, **kwargs)
        SearchEntry.objects.rebuild([self.article_id])
        return result

    def get_speaker_url(self):
        return reverse("articles:speaker", args=[self.speaker_slug])

    def clean(self):
        if self.source_url and not self.source_url.lower().startswith(
            ("http://", "https://")
        ):
            raise ValidationError(
                {"source_url": "Only http and https links are allowed."}
            )


class Correction(models.Model):
    """A dated, public note on a story: correction, clarification or update."""

    class Kind(models.TextChoices):
        CORRECTION = "correction", "Correction"
        CLARIFICATION = "clarification", "Clarification"
        UPDATE = "update", "Update"

    article = models.ForeignKey(
        "articles.Article", on_delete=models.CASCADE, related_name="corrections"
    )
    kind = models.CharField(
        max_length=15, choices=Kind.choices, default=Kind.CORRECTION
    )
    text = models.TextField()
    noted_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["noted_at", "id"]
        indexes = [models.Index(fields=["-noted_at"], name="correction_noted")]

    def __str__(self):
        return f"{self.get_kind_display()} on {self.article}"

    def save(self, *args, **kwargs):
        adding = self._state.adding
        super().save(*args, **kwargs)
        if adding:
            events.announce(events.CORRECTED, self.article_id, correction_id=self.pk)
        # A note moves the story's public "Updated" time forward, never back.
        _articles().filter(pk=self.article_id).filter(
            Q(updated_at__isnull=True) | Q(updated_at__lt=self.noted_at)
        ).update(updated_at=self.noted_at)
