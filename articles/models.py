"""Stories and what hangs off them: sections, bylines, embedded quotes, corrections."""

import re
from datetime import datetime, time, timedelta

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from articles import images
from articles.sanitize import sanitize_body

BODY_EDITOR_EXTENSIONS = {
    "Bold": True,
    "Italic": True,
    "Link": {"enableTarget": False},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Heading": {"levels": [2, 3]},
    "Blockquote": True,
    "HardBreak": True,
    "HorizontalRule": True,
}

# A paragraph holding only "[quote N]" is where quote N of the story is placed.
QUOTE_PLACEHOLDER = re.compile(r"<p>\s*\[quote\s+(\d+)\]\s*</p>", re.IGNORECASE)


def unique_slug(text: str, max_length: int = 200) -> str:
    """A URL slug for any headline: non-Latin text keeps its letters, never empty."""
    slug = slugify(text, allow_unicode=True)[:max_length].strip("-")
    return slug or "story"


def local_day_bounds(day) -> tuple[datetime, datetime]:
    """The [start, end) instants of a calendar day in the site time zone."""
    zone = timezone.get_current_timezone()
    start = datetime.combine(day, time.min, tzinfo=zone)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=zone)


class Section(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    description = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(
        default=0, help_text="Order in the site navigation (lowest first)."
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("articles:section", args=[self.slug])


class Author(models.Model):
    """A byline: a staff member with an account, or a named contributor without one."""

    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True, allow_unicode=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profile",
        help_text="Leave empty for a contributor without an account.",
    )
    role = models.CharField(
        max_length=150, blank=True, help_text="e.g. Moscow correspondent"
    )
    bio = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.name, 150)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("articles:author", args=[self.slug])


class ArticleQuerySet(models.QuerySet):
    def published(self):
        """Live to readers: status Published, publish time passed, not yet expired."""
        now = timezone.now()
        return self.filter(
            status=Article.Status.PUBLISHED, published_at__lte=now
        ).filter(Q(expires_at__isnull=True) | Q(expires_at__gt=now))

    def visible_to(self, user):
        """Editors may preview anything; everyone else sees published()."""
        if user.is_authenticated and user.has_perm("articles.change_article"):
            return self
        return self.published()

    def for_listing(self):
        """Everything a story card shows, in a fixed number of queries."""
        return self.select_related("section").prefetch_related(
            "tags",
            models.Prefetch(
                "bylines", queryset=Byline.objects.select_related("author")
            ),
        )

    def on_day(self, day):
        """Stories whose publish time falls on this calendar day in the site time zone."""
        start, end = local_day_bounds(day)
        return self.filter(published_at__gte=start, published_at__lt=end)


class Article(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        PUBLISHED = "published", "Published"

    headline = models.CharField(max_length=250)
    slug = models.SlugField(
        max_length=200,
        allow_unicode=True,
        blank=True,
        help_text="The last part of the story's URL. Made from the headline if left empty.",
    )
    standfirst = models.TextField(
        blank=True, help_text="The one- or two-sentence summary under the headline."
    )
    body = ProseEditorField(
        config={"extensions": BODY_EDITOR_EXTENSIONS},
        sanitize=sanitize_body,
        blank=True,
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Readers see this once it is Published and this time has passed. "
        "A time in the future schedules the story.",
    )
    expires_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Optional: the story leaves the site at this time.",
    )
    updated_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="Shown to readers as “Updated”; set by corrections.",
    )
    modified_at = models.DateTimeField(auto_now=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_created",
    )
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="articles",
    )
    authors = models.ManyToManyField(Author, through="Byline", related_name="articles")
    tags = TaggableManager(blank=True)

    featured_image = models.ImageField(
        upload_to="images/%Y/%m/",
        blank=True,
        width_field="featured_image_width",
        height_field="featured_image_height",
    )
    featured_image_width = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    featured_image_height = models.PositiveIntegerField(
        null=True, blank=True, editable=False
    )
    featured_image_renditions = models.JSONField(
        default=list, blank=True, editable=False
    )
    image_alt = models.CharField(
        "alt text",
        max_length=250,
        blank=True,
        help_text="Describe the image for readers who cannot see it. Required with an image.",
    )
    image_caption = models.CharField(max_length=500, blank=True)
    image_credit = models.CharField(max_length=250, blank=True)

    allow_comments = models.BooleanField(
        "comments open", default=True, help_text="Readers may comment on this story."
    )
    # Approved comments, kept by the comments app's transitions so lists need no join.
    comment_count = models.PositiveIntegerField(default=0, editable=False)

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        get_latest_by = "published_at"
        indexes = [
            # published() and every list, archive and feed ordered by publish time.
            models.Index(fields=["status", "-published_at"], name="article_status_pub"),
            # Dated permalink lookup: slug within a day.
            models.Index(fields=["slug", "published_at"], name="article_slug_pub"),
            models.Index(
                fields=["section", "status", "-published_at"],
                name="article_section_pub",
            ),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.headline)
        self.body = sanitize_body(self.body)
        image_changed = self._featured_image_changed()
        super().save(*args, **kwargs)
        if image_changed:
            self.featured_image_renditions = images.make_renditions(self.featured_image)
            super().save(update_fields=["featured_image_renditions"])

    def get_absolute_url(self):
        if self.published_at is None:
            return reverse("articles:preview", args=[self.pk])
        day = timezone.localdate(self.published_at)
        return reverse(
            "articles:detail",
            kwargs={
                "year": f"{day.year:04d}",
                "month": f"{day.month:02d}",
                "day": f"{day.day:02d}",
                "slug": self.slug,
            },
        )

    def clean(self):
        if self.featured_image and not self.image_alt.strip():
            raise ValidationError(
                {
                    "image_alt": "Alt text is required when the story has a featured image."
                }
            )
        if (
            self.expires_at
            and self.published_at
            and self.expires_at <= self.published_at
        ):
            raise ValidationError(
                {"expires_at": "The expiry time must be after the publish time."}
            )

    def _featured_image_changed(self) -> bool:
        if not self.featured_image:
            self.featured_image_renditions = []
            return False
        if self.pk is None:
            return True
        previous = (
            Article.objects.filter(pk=self.pk)
            .values_list("featured_image", flat=True)
            .first()
        )
        return (
            previous != self.featured_image.name or not self.featured_image_renditions
        )

    def is_published(self, now=None) -> bool:
        """Mirror of ArticleQuerySet.published() for one story."""
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.expires_at is None or self.expires_at > now)
        )

    def is_scheduled(self, now=None) -> bool:
        now = now or timezone.now()
        return self.status == self.Status.PUBLISHED and bool(
            self.published_at and self.published_at > now
        )

    @property
    def byline_list(self):
        """Authors in byline order (uses the prefetched bylines when present)."""
        return [byline.author for byline in self.bylines.all()]

    def body_with_quotes(self):
        """The body HTML with each "[quote N]" paragraph replaced by that quote's figure."""
        from django.template.loader import render_to_string

        quotes = {quote.number: quote for quote in self.quotes.all()}

        def replace(match):
            quote = quotes.get(int(match.group(1)))
            if quote is None:
                return ""
            return render_to_string("articles/_quote.html", {"quote": quote})

        return QUOTE_PLACEHOLDER.sub(replace, self.body)

    def placed_quote_numbers(self) -> set[int]:
        return {int(n) for n in QUOTE_PLACEHOLDER.findall(self.body)}


class Byline(models.Model):
    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="bylines"
    )
    author = models.ForeignKey(Author, on_delete=models.PROTECT, related_name="bylines")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "author"], name="byline_once_per_article"
            )
        ]

    def __str__(self):
        return f"{self.author} on {self.article}"


class Quote(models.Model):
    """Something someone said, embedded in a story and searchable on its own."""

    class Kind(models.TextChoices):
        STATEMENT = "statement", "Statement"
        TWEET = "tweet", "Tweet"
        INTERVIEW = "interview", "Interview"
        OTHER = "other", "Other"

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="quotes"
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
        self.speaker_slug = unique_slug(self.speaker, 150)
        super().save(*args, **kwargs)

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
        Article, on_delete=models.CASCADE, related_name="corrections"
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
