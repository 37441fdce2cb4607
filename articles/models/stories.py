"""The story itself: its fields, its address, its workflow transitions."""

import reversion
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils import timezone
from django_prose_editor.fields import ProseEditorField
from taggit.managers import TaggableManager

from articles import body, events, workflow
from articles.invalidation import Listing, headline_of, shown_tag
from articles.models.common import unique_slug
from articles.models.links import ArticleRedirect
from articles.models.people import Author, Section
from articles.models.querysets import ArticleQuerySet
from articles.models.search_entries import SearchEntry
from articles.sanitize import (
    BODY_EDITOR_EXTENSIONS,
    sanitize_body,
    sanitize_stored_body,
    sanitize_trusted_body,
)
from articles.searchtext import INDEXED_FIELDS
from images.models import Image
from newsroom.cachetags import shows
from newsroom.reversing import remembered_reverse

# A paragraph holding only "[quote N]" is where quote N of the story is placed.
QUOTE_PLACEHOLDER = body.QUOTE_PLACEHOLDER


# How often a save looks for the next free address when others keep taking them.
ADDRESS_ATTEMPTS = 20


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
    # Search results and social cards; empty means the standfirst / the headline
    # (articles/seo.py).
    meta_description = models.CharField(
        max_length=300,
        blank=True,
        help_text="What search results show under the headline. Empty: the standfirst.",
    )
    social_headline = models.CharField(
        max_length=200,
        blank=True,
        help_text="The headline on shared links and social cards. Empty: the headline.",
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
    # The planning calendar (articles/planning.py): the day the desk means to run a
    # story that is not published yet. Readers never see it.
    planned_for = models.DateField(
        "planned for",
        null=True,
        blank=True,
        help_text="Optional: the day the desk plans to run this story, for the "
        "planning calendar. Readers never see it; the publish time decides.",
    )
    # The day part of the story's address (/YYYY/MM/DD/slug/): the publish time's
    # date in TIME_ZONE, stored so the database can keep each address unique.
    published_on = models.DateField(null=True, blank=True, editable=False)
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

    # A picture from the library (images/): its alt text, renditions and crops
    # live there; PROTECT because the library refuses to delete an image in use.
    featured_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Chosen from the image library; its alt text is the library's.",
    )
    # Shared links and social cards (articles/seo.py: social_image()); empty means
    # the featured image. PROTECT for the same reason.
    social_image = models.ForeignKey(
        Image,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="Optional: the picture on shared links and social cards, cropped "
        "to 1200×630. Empty: the featured image.",
    )
    image_caption = models.CharField(
        max_length=500,
        blank=True,
        help_text="Empty: the library image's caption.",
    )
    image_credit = models.CharField(
        max_length=250,
        blank=True,
        help_text="Empty: the library image's credit.",
    )

    # The library images the body places, kept by save(): the library's "used in"
    # and its refusal to delete them read this (images/usage.py), not the HTML.
    body_images = models.ManyToManyField(
        Image, through="BodyImage", related_name="+", blank=True, editable=False
    )

    raw_html = models.BooleanField(
        "hand-written HTML",
        default=False,
        help_text="Editors only: edit the body as HTML source and keep layout markup "
        "the editor would drop. Scripts, frames and event handlers are still removed.",
    )
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
            # next_visibility_change(): the next expiry, which ends cached pages.
            models.Index(
                fields=["expires_at"],
                name="article_expiry",
                condition=models.Q(expires_at__isnull=False),
            ),
            # The planning calendar: unpublished stories planned in a date range.
            models.Index(
                fields=["planned_for"],
                name="article_planned_for",
                condition=models.Q(planned_for__isnull=False),
            ),
        ]
        constraints = [
            # One story per address, even when two editors publish at once.
            models.UniqueConstraint(
                fields=["published_on", "slug"],
                condition=models.Q(published_on__isnull=False),
                name="article_address",
            ),
        ]
        # The roles in articles/workflow.py are built from these (see docs/workflow.md).
        permissions = [
            ("change_own_article", "Can write and edit own stories"),
            ("publish_own_article", "Can publish, schedule and unpublish own stories"),
            ("publish_article", "Can publish, schedule and unpublish any story"),
            ("keep_raw_html", "Can keep hand-written HTML in story bodies"),
        ]

    def __str__(self):
        return self.headline

    def save(self, *args, **kwargs):
        if not self.slug:
            self.slug = unique_slug(self.headline)
        self.body = self.cleaned_body()
        stored = self._stored_row()
        # Where the story stood in the public lists: what the page cache compares
        # with after the save (articles/invalidation.py).
        self._listed_as = Listing.of(stored) if stored else None
        self._headline_as = headline_of(stored) if stored else None
        old_address = None
        address_may_change = kwargs.get("update_fields") is None or bool(
            {"slug", "published_at"} & set(kwargs["update_fields"])
        )
        if address_may_change:
            self.published_on = self._address()[0] if self.published_at else None
            self.slug = self._slug_free_on_publish_day()
            old_address = (
                stored._address() if stored and stored.is_published() else None
            )
            if kwargs.get("update_fields") is not None:
                kwargs["update_fields"] = {*kwargs["update_fields"], "published_on"}
        if not self._state.adding and kwargs.get("update_fields") is None:
            # comment_count is the comments app's to keep: an editor's copy, loaded
            # before a comment was approved, must not write an old count back.
            kwargs["update_fields"] = [
                field.name
                for field in self._meta.concrete_fields
                if not field.primary_key and field.name != "comment_count"
            ]
        self._save_at_a_free_address(*args, **kwargs)
        if old_address and old_address != self._address():
            # Readers and search engines keep the old link: see ArticleRedirect.
            ArticleRedirect.objects.update_or_create(
                day=old_address[0], slug=old_address[1], defaults={"article": self}
            )
        update_fields = kwargs.get("update_fields")
        if update_fields is None or INDEXED_FIELDS & set(update_fields):
            SearchEntry.objects.rebuild([self.pk])
        if update_fields is None or "body" in update_fields:
            self._keep_body_images()

    def get_absolute_url(self):
        if self.published_at is None:
            return reverse("articles:preview", args=[self.pk])
        day = timezone.localdate(self.published_at)
        return remembered_reverse(
            "articles:detail",
            year=f"{day.year:04d}",
            month=f"{day.month:02d}",
            day=f"{day.day:02d}",
            slug=self.slug,
        )

    @classmethod
    def from_db(cls, db, field_names, values):
        story = super().from_db(db, field_names, values)
        # A page that loads a story shows something of it (newsroom/cachetags.py).
        shows(shown_tag(story.pk, field_names))
        return story

    def cleaned_body(self) -> str:
        """The body as it is stored: the editor's allow-list, or the trusted one for
        an editor's hand-written HTML (the live preview shows exactly this). The
        form already cleaned what a writer posted with sanitize_body (the field's
        own cleaning); this keeps what other paths store safe too."""
        clean = sanitize_trusted_body if self.raw_html else sanitize_stored_body
        return clean(self.body)

    def clean_fields(self, exclude=None):
        if self.raw_html:
            # The body field's own cleaning is the rich editor's allow-list; an
            # editor's hand-written HTML is cleaned by save() with the trusted one.
            exclude = {*(exclude or ()), "body"}
        super().clean_fields(exclude=exclude)

    def clean(self):
        if len(self.body or "") > settings.ARTICLE_BODY_MAX_CHARS:
            # Search, feeds and the page stay fast for every story only up to this.
            raise ValidationError(
                {
                    "body": f"The story is {len(self.body):,} characters long "
                    f"(with its formatting); the most a story may have is "
                    f"{settings.ARTICLE_BODY_MAX_CHARS:,}. Nothing is lost: "
                    "shorten it or split it into parts, then save again."
                }
            )
        if len(pictures := body.image_ids(self.body)) > body.MAX_IMAGES:
            # One query loads them all; this bounds the page's weight.
            raise ValidationError(
                {
                    "body": f"The story places {len(pictures)} pictures; the most a "
                    f"story may show is {body.MAX_IMAGES}. Nothing is lost: remove "
                    "some or split the story into parts, then save again."
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

    def _keep_body_images(self) -> None:
        """Record which existing library images the body places (an id that does
        not exist is left out: it renders nothing)."""
        ids = set(body.image_ids(self.body))
        placed = (
            set(Image.objects.filter(pk__in=ids).values_list("pk", flat=True))
            if ids
            else set()
        )
        rows = BodyImage.objects.filter(article=self)
        recorded = set(rows.values_list("image_id", flat=True))
        if gone := recorded - placed:
            rows.filter(image_id__in=gone).delete()
        if new := placed - recorded:
            BodyImage.objects.bulk_create(
                [BodyImage(article=self, image_id=i) for i in sorted(new)]
            )

    def _address(self):
        if self.published_at is None:
            return None
        return (timezone.localdate(self.published_at), self.slug)

    def _stored_row(self):
        """This story as stored, before a save (what lists and addresses need);
        None for a new story."""
        if self._state.adding or self.pk is None:
            return None
        return (
            Article.objects.filter(pk=self.pk)
            .only(
                "status", "published_at", "expires_at", "section_id", "headline", "slug"
            )
            .first()
        )

    def _save_at_a_free_address(self, *args, **kwargs):
        """Save; if another story took this address meanwhile (two publishes at once:
        the check above ran before their commit), take the next free slug."""
        for attempt in range(ADDRESS_ATTEMPTS):
            try:
                with transaction.atomic():
                    return super().save(*args, **kwargs)
            except IntegrityError:
                taken = (
                    self.published_on is not None
                    and Article.objects.filter(
                        published_on=self.published_on, slug=self.slug
                    )
                    .exclude(pk=self.pk)
                    .exists()
                )
                if not taken or attempt == ADDRESS_ATTEMPTS - 1:
                    raise
                self.slug = self._slug_free_on_publish_day()

    def _slug_free_on_publish_day(self) -> str:
        """Slugs are unique within a publication day: add -2, -3… on a clash."""
        if self.published_at is None:
            return self.slug
        same_day = Article.objects.filter(published_on=self.published_on)
        if self.pk:
            same_day = same_day.exclude(pk=self.pk)
        taken = set(
            same_day.filter(slug__startswith=self.slug).values_list("slug", flat=True)
        )
        candidate, n = self.slug, 1
        while candidate in taken:
            n += 1
            suffix = f"-{n}"
            candidate = self.slug[: 200 - len(suffix)] + suffix
        return candidate

    # Editorial transitions. Each asks articles.workflow whether the user may do it,
    # re-reads the row under a lock (IMMEDIATE transactions on SQLite) so two people
    # clicking at once cannot both succeed, and stores a revision.
    def apply(self, action: str, by, when=None, *, with_edits=False) -> None:
        """Run the transition a desk button or bulk action names, as user `by`;
        `when` is the publish time a schedule needs. Raises workflow.Refused with
        the reason for the editor, ValueError for an action that does not exist.

        with_edits=True (the admin's form): save this object, unsaved edits and
        the transition's fields together in one save, instead of the stored row."""
        match action:
            case "submit":
                self.submit_for_review(by, with_edits=with_edits)
            case "publish":
                self.publish(by, with_edits=with_edits)
            case "schedule":
                self.schedule(by, when, with_edits=with_edits)
            case "unpublish":
                self.unpublish(by, with_edits=with_edits)
            case _:
                raise ValueError(f"No transition {action!r}.")

    def submit_for_review(self, user, *, with_edits=False):
        """Draft → In review."""
        self._transition(
            user,
            "submit",
            change=lambda story, now: {"status": Article.Status.REVIEW},
            with_edits=with_edits,
        )

    def publish(self, user, *, with_edits=False):
        """Live now. A publish time already in the past (a re-publication) is kept."""

        def change(story, now):
            past = story.published_at and story.published_at <= now
            expired = story.expires_at and story.expires_at <= now
            return {
                "status": Article.Status.PUBLISHED,
                "published_at": story.published_at if past else now,
                "expires_at": None if expired else story.expires_at,
            }

        self._transition(
            user,
            "publish",
            change=change,
            with_edits=with_edits,
        )

    def schedule(self, user, when, *, with_edits=False):
        """Published with a future publish time: readers see it from `when` on."""
        if when is None or when <= timezone.now():
            raise workflow.Refused("Choose a publish time in the future to schedule.")
        if self.expires_at and self.expires_at <= when:
            raise workflow.Refused("The expiry time must be after the publish time.")
        self._transition(
            user,
            "schedule",
            change=lambda story, now: {
                "status": Article.Status.PUBLISHED,
                "published_at": when,
            },
            with_edits=with_edits,
        )

    def unpublish(self, user, *, with_edits=False):
        """Published (live, scheduled or expired) → Draft. The publish time is kept,
        so publishing again restores the same address."""
        self._transition(
            user,
            "unpublish",
            change=lambda story, now: {"status": Article.Status.DRAFT},
            with_edits=with_edits,
        )

    def may_start(self, action: str, now=None) -> bool:
        """Is the story in a state this transition starts from? (Whether the user
        may do it is articles.workflow's question.)"""
        now = now or timezone.now()
        if action == "submit":
            return self.status == self.Status.DRAFT
        if action in ("publish", "schedule"):
            return not self.is_published(now)
        if action == "unpublish":
            return self.status == self.Status.PUBLISHED
        raise ValueError(f"No transition {action!r}.")

    def _transition(self, user, action, *, change, with_edits=False):
        workflow.require(user, action, self)
        with transaction.atomic(), reversion.create_revision():
            if with_edits:
                # A new story, or one the admin's form has locked and checked for
                # a newer save (ArticleAdminForm): its edits go out in this save.
                story = self
            else:
                story = Article.objects.select_for_update().get(pk=self.pk)
            now = timezone.now()
            if not story.may_start(action, now):
                raise workflow.Refused(
                    f"“{story.headline}” is {workflow.describe_status(story, now)}: "
                    f"it cannot be {workflow.PAST_TENSE[action]}."
                )
            was_live = story.is_published(now)
            for name, value in change(story, now).items():
                setattr(story, name, value)
            story.save()
            reversion.set_user(user)
            reversion.set_comment(workflow.PAST_TENSE[action].capitalize() + ".")
            events.announce_transition(action, story, was_live=was_live, now=now)
        self.refresh_from_db()

    @property
    def featured_caption(self) -> str:
        """The story's own caption, else the library image's."""
        image = self.featured_image
        return self.image_caption or (image.caption if image else "")

    @property
    def featured_credit(self) -> str:
        """The story's own credit, else the library image's."""
        image = self.featured_image
        return self.image_credit or (image.credit if image else "")

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
        """The body as readers see it: quotes and pictures placed (articles/body.py)."""
        return body.render(self)

    def placed_quote_numbers(self) -> set[int]:
        return {int(n) for n in QUOTE_PLACEHOLDER.findall(self.body)}

    def placed_quote_counts(self) -> dict[int, int]:
        """How many times the body places each quote number."""
        counts: dict[int, int] = {}
        for n in QUOTE_PLACEHOLDER.findall(self.body):
            counts[int(n)] = counts.get(int(n), 0) + 1
        return counts


class BodyImage(models.Model):
    """A library image a story's body shows (kept by Article.save())."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    # PROTECT: the library refuses to delete an image in use anyway (ImageInUse);
    # this keeps a bulk delete from removing one under a story.
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "image"], name="body_image_once_per_story"
            )
        ]
        # The library's "used in" and in_use(): by image.
        indexes = [models.Index(fields=["image"], name="body_image_by_image")]

    def __str__(self):
        return f"Image {self.image_id} in story {self.article_id}"
