"""The image library: one Image per picture, found again instead of re-uploaded."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone

from images import processing, usage

# A search looks at this many words at most: a pasted paragraph stays one query
# of bounded size.
SEARCH_MAX_TERMS = 8
SEARCH_MAX_CHARS = 200


class ImageInUse(Exception):
    """An image that a story shows cannot be deleted."""

    def __init__(self, image, uses):
        self.uses = uses
        labels = ", ".join(label for label, _url in uses)
        super().__init__(f"“{image}” is in use and was not deleted: {labels}.")


class ImageQuerySet(models.QuerySet):
    def search(self, q: str) -> "ImageQuerySet":
        """Images whose alt text, caption, credit or original file name contain
        every word of `q` (any case); all images when `q` is blank."""
        q = q[:SEARCH_MAX_CHARS].replace("\x00", "")  # PostgreSQL refuses NUL
        for term in q.split()[:SEARCH_MAX_TERMS]:
            self = self.filter(
                Q(alt_text__icontains=term)
                | Q(caption__icontains=term)
                | Q(credit__icontains=term)
                | Q(original_name__icontains=term)
            )
        return self

    def recent(self) -> "ImageQuerySet":
        """Newest upload first."""
        return self.order_by("-uploaded_at", "-pk")

    def in_use(self) -> "ImageQuerySet":
        """Images some registered use shows (images/usage.py); none when nothing
        is registered."""
        condition = usage.in_use_filter()
        return self.none() if condition is None else self.filter(condition)

    def unused(self) -> "ImageQuerySet":
        """Images no registered use shows: these may be deleted."""
        # NOT IN over our own primary keys: a registered query that yields NULLs
        # (an optional foreign key) cannot make every image look used.
        used = Image.objects.in_use().values("pk")
        return self.exclude(pk__in=used)

    def for_list(self) -> "ImageQuerySet":
        """What a list of images shows, in one query: the uploader comes along."""
        return self.select_related("uploaded_by")


def _fraction_validators():
    return [MinValueValidator(0.0), MaxValueValidator(1.0)]


class Image(models.Model):
    file = models.ImageField(
        upload_to="library/%Y/%m/",
        max_length=255,
        help_text="Stored re-encoded under a random name, without EXIF or GPS data.",
    )
    original_name = models.CharField(
        max_length=255,
        blank=True,
        help_text="The file's name on the uploader's computer (searchable).",
    )
    alt_text = models.CharField(
        "alt text",
        max_length=300,
        help_text="What the picture shows, for readers who cannot see it. Required.",
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(
        max_length=200, blank=True, help_text="Photographer or agency."
    )
    licence = models.CharField(
        "licence / copyright",
        max_length=300,
        blank=True,
        help_text="Who owns the picture and on what terms we may use it.",
    )
    focal_x = models.FloatField(
        "focal point x",
        default=0.5,
        validators=_fraction_validators(),
        help_text="0 is the left edge, 1 the right; crops keep this point in view.",
    )
    focal_y = models.FloatField(
        "focal point y",
        default=0.5,
        validators=_fraction_validators(),
        help_text="0 is the top edge, 1 the bottom.",
    )
    # Set from the re-encoded file at upload (images/uploads.py), not through
    # ImageField's width_field: that re-reads the file whenever a row loads
    # with them empty, an object-store request per row of a list.
    width = models.PositiveIntegerField(editable=False, null=True)
    height = models.PositiveIntegerField(editable=False, null=True)
    byte_size = models.PositiveBigIntegerField(
        "bytes", editable=False, null=True, help_text="Of the stored file."
    )
    content_hash = models.CharField(
        max_length=64,
        editable=False,
        db_index=True,  # "is this file already in the library?" on every upload
        help_text="SHA-256 of the file as uploaded.",
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    uploaded_at = models.DateTimeField(default=timezone.now, editable=False)
    renditions = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="Files made from the original (images/processing.py).",
    )

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["-uploaded_at", "-pk"]
        get_latest_by = "uploaded_at"
        indexes = [
            # The admin list, the chooser's "recent" and the month filter.
            models.Index(fields=["-uploaded_at", "-id"], name="images_recent_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""), name="images_alt_text_required"
            ),
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1)
                & Q(focal_y__gte=0, focal_y__lte=1),
                name="images_focal_point_inside",
            ),
        ]

    def __str__(self):
        text = self.alt_text or self.original_name or f"Image {self.pk}"
        return text if len(text) <= 60 else text[:59] + "…"

    def save(self, *args, **kwargs):
        self.alt_text = self.alt_text.strip()
        super().save(*args, **kwargs)

    def clean(self):
        self.alt_text = self.alt_text.strip()
        if not self.alt_text:
            raise ValidationError(
                {"alt_text": "Alt text is required: say what the picture shows."}
            )

    def delete(self, *args, **kwargs):
        """Delete the record, then its files once the deletion commits; an image
        in use is refused (ImageInUse lists the uses)."""
        if uses := usage.usages(self):
            raise ImageInUse(self, uses)
        storage = self.file.storage
        names = [self.file.name, *(r["name"] for r in self.renditions)]
        result = super().delete(*args, **kwargs)
        transaction.on_commit(lambda: processing.delete_files(storage, names))
        return result

    # --- Renditions -------------------------------------------------------------

    def renditions_of(self, kind: str) -> list[dict]:
        return [r for r in self.renditions if r.get("kind") == kind]

    @property
    def thumbnail(self) -> dict | None:
        """The small WebP the admin and the chooser show; None until made."""
        return next(iter(self.renditions_of("thumb")), None)

    def picture(self, kind: str = "width", sizes: str = "100vw") -> dict:
        """What a <picture> needs: one <source> per format (WebP first), the
        fallback src in the original's format, width/height of the largest.
        `kind` is "width" (the whole image) or a crop (card, social, square).
        Until renditions exist: the original alone."""
        made = self.renditions_of(kind)
        if not made:
            return {
                "src": self.file.url if self.file else "",
                "width": self.width,
                "height": self.height,
                "sources": [],
                "sizes": sizes,
                "alt": self.alt_text,
            }
        by_type: dict[str, list[dict]] = {}
        for rendition in made:
            by_type.setdefault(rendition["type"], []).append(rendition)
        sources = []
        for mime, items in sorted(by_type.items(), key=lambda i: i[0] != "image/webp"):
            items.sort(key=lambda r: r["width"])
            srcset = ", ".join(f"{r['url']} {r['width']}w" for r in items)
            sources.append({"type": mime, "srcset": srcset, "largest": items[-1]})
        if sources[-1]["type"] != "image/webp" or not self.file:
            fallback = sources[-1]["largest"]  # the original's own format
        else:  # WebP widths only (a featured image from before the library)
            fallback = {
                "url": self.file.url,
                "width": self.width,
                "height": self.height,
            }
        return {
            "src": fallback["url"],
            "width": fallback["width"] or sources[-1]["largest"]["width"],
            "height": fallback["height"] or sources[-1]["largest"]["height"],
            "sources": sources,
            "sizes": sizes,
            "alt": self.alt_text,
        }
