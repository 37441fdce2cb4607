"""Reader comments under stories, and the Discussion settings that govern them.

Every change of status goes through one model method (approve, unapprove, mark_spam,
not_spam, trash, restore, delete_permanently). Each is a conditional UPDATE on the
status the moderator saw, so when two moderators act on the same comment at once
exactly one of them changes it, and `Article.comment_count` moves exactly once.
"""

import hashlib
import json

from django.conf import settings
from django.core.cache import cache
from django.core.validators import MaxLengthValidator
from django.db import IntegrityError, models, transaction
from django.db.models import F, Q
from django.db.models.functions import Greatest, JSONObject
from django.utils import timezone

from articles.invalidation import comments_changed
from articles.models import Article
from comments import events
from comments.content import render_comment_html, validate_web_url

# The anonymous page cache: UPDATEs send no signals, so we tell it ourselves.
from newsroom import pagecache

# WordPress's column sizes, so imported comments always fit.
NAME_MAX = 245
EMAIL_MAX = 100
URL_MAX = 200
CONTENT_MAX = 65525


class CommentQuerySet(models.QuerySet):
    def approved(self):
        """Shown to readers: a moderator (or the screening) approved it."""
        return self.filter(status=Comment.Status.APPROVED)

    def pending(self):
        """Held for moderation: readers never see it, only its own author's preview."""
        return self.filter(status=Comment.Status.PENDING)

    def for_article_page(self, article):
        """The approved comments of one story, oldest first, in a single query."""
        return self.approved().filter(article=article).order_by("created_at", "id")

    def with_queue_rank(self):
        """queue_rank 0 for pending, 1 otherwise: the moderation queue's first key."""
        return self.annotate(
            queue_rank=models.Case(
                models.When(status=Comment.Status.PENDING, then=0),
                default=1,
                output_field=models.IntegerField(),
            )
        )

    def moderation_queue(self):
        """Pending first, then everything else; oldest first within each."""
        return self.with_queue_rank().order_by("queue_rank", "created_at", "id")

    def recount(self, article_ids=None) -> int:
        """Repair Article.comment_count from the approved rows; returns stories fixed."""
        articles = Article.objects.all()
        if article_ids is not None:
            articles = articles.filter(pk__in=article_ids)
        fixed = 0
        for article_id, stored in articles.values_list("pk", "comment_count"):
            actual = self.approved().filter(article_id=article_id).count()
            if actual != stored:
                Article.objects.filter(pk=article_id).update(comment_count=actual)
                fixed += 1
        return fixed


class Comment(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        APPROVED = "approved", "Approved"
        SPAM = "spam", "Spam"
        TRASH = "trash", "Trash"

    # Where each transition may start from: the methods below and the admin's
    # buttons (which offer only the ones that apply) read this one table.
    SOURCES = {
        "approve": {Status.PENDING},
        "unapprove": {Status.APPROVED},
        "mark_spam": {Status.PENDING, Status.APPROVED, Status.TRASH},
        "not_spam": {Status.SPAM},
        "trash": {Status.PENDING, Status.APPROVED, Status.SPAM},
        "restore": {Status.TRASH},
    }

    article = models.ForeignKey(
        Article, on_delete=models.CASCADE, related_name="comments"
    )
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="replies",
        help_text="The comment this one replies to.",
    )
    depth = models.PositiveSmallIntegerField(
        default=1, editable=False, help_text="1 for a top-level comment."
    )
    status = models.CharField(
        max_length=10, choices=Status.choices, default=Status.PENDING, db_index=False
    )
    # Where a comment returns to on "Not spam" / "Restore".
    previous_status = models.CharField(
        max_length=10, choices=Status.choices, blank=True, editable=False
    )
    status_reason = models.CharField(
        "reason",
        max_length=255,
        blank=True,
        help_text="Why the screening (or a moderator) gave it this status.",
    )

    author_name = models.CharField("name", max_length=NAME_MAX, blank=True)
    author_email = models.EmailField("email", max_length=EMAIL_MAX, blank=True)
    # The address folded for matching ("same author" rules, flood control): an
    # indexed equality instead of a case-insensitive scan of every comment.
    # No length limit: folding can lengthen an address ("İ".lower() is two characters).
    email_key = models.TextField(blank=True, editable=False)
    author_url = models.CharField(
        "website",
        max_length=URL_MAX,
        blank=True,
        validators=[validate_web_url],
        help_text="Only http and https addresses.",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    content = models.TextField(
        "comment",
        validators=[MaxLengthValidator(CONTENT_MAX)],
        help_text="What the reader typed: plain text and a few inline HTML tags.",
    )
    content_html = models.TextField(editable=False, blank=True)
    ip_address = models.GenericIPAddressField("IP address", null=True, blank=True)
    user_agent = models.CharField(max_length=255, blank=True)
    # sha256 of article, parent, author and text: a unique index refuses duplicates
    # even when two identical posts arrive at the same moment.
    fingerprint = models.CharField(max_length=64, editable=False)

    created_at = models.DateTimeField(default=timezone.now, db_index=False)
    modified_at = models.DateTimeField(auto_now=True)
    moderated_at = models.DateTimeField(null=True, blank=True, editable=False)
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    objects = CommentQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        get_latest_by = "created_at"
        permissions = [("moderate_comment", "Can moderate comments")]
        indexes = [
            # The article page: approved comments of one story, oldest first.
            models.Index(
                fields=["article", "status", "created_at"], name="comment_article_page"
            ),
            # The moderation queue and the admin's status filter.
            models.Index(fields=["status", "created_at"], name="comment_queue"),
            # Flood control: the latest comment from an IP or an email address.
            models.Index(fields=["ip_address", "created_at"], name="comment_ip_recent"),
            models.Index(
                fields=["email_key", "created_at"], name="comment_email_recent"
            ),
            # "Comment author must have a previously approved comment".
            models.Index(fields=["email_key", "status"], name="comment_email_status"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["fingerprint"],
                condition=~Q(status="trash"),
                name="comment_not_duplicate",
            ),
            models.CheckConstraint(
                condition=Q(author_url="")
                | Q(author_url__istartswith="http://")
                | Q(author_url__istartswith="https://"),
                name="comment_url_http_only",
            ),
        ]

    def __str__(self):
        # Admin pages select the article with the comment, so this costs no query.
        return f"Comment by {self.display_name} on “{self.article.headline}”"

    def save(self, *args, **kwargs):
        validate_web_url(self.author_url)  # admin, import and API paths alike
        self.content_html = render_comment_html(self.content)
        self.email_key = self.fold_email(self.author_email)
        adding = self._state.adding
        if adding:
            self.fingerprint = self.make_fingerprint()
            if self.parent_id:
                self.depth = self._parent_depth() + 1
        with transaction.atomic():
            super().save(*args, **kwargs)
            if adding and self.status == self.Status.APPROVED:
                _bump_count(self.article_id, +1)

    def get_absolute_url(self):
        return f"{self.article.get_absolute_url()}#comment-{self.pk}"

    def _parent_depth(self) -> int:
        if Comment.parent.is_cached(self):  # the form and the demo have it loaded
            return self.parent.depth
        return (
            Comment.objects.filter(pk=self.parent_id)
            .values_list("depth", flat=True)
            .first()
            or 0
        )

    @property
    def display_name(self) -> str:
        return self.author_name or "Anonymous"

    @staticmethod
    def fold_email(address: str) -> str:
        return address.strip().lower()

    def make_fingerprint(self) -> str:
        author = self.fold_email(self.author_email or self.author_name or "")
        text = " ".join(self.content.split())
        raw = f"{self.article_id}\x00{self.parent_id or 0}\x00{author}\x00{text}"
        return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()

    # --- transitions: each one conditional on the status the moderator saw -------

    def approve(self, by=None, reason: str = "") -> bool:
        """Pending → approved."""
        return self._move("approve", self.Status.APPROVED, by, reason)

    def unapprove(self, by=None, reason: str = "") -> bool:
        """Approved → pending."""
        return self._move("unapprove", self.Status.PENDING, by, reason)

    def mark_spam(self, by=None, reason: str = "") -> bool:
        """Pending, approved or trash → spam (remembering where it came from)."""
        return self._move("mark_spam", self.Status.SPAM, by, reason, remember=True)

    def not_spam(self, by=None, reason: str = "") -> bool:
        """Spam → the status it had before (pending if it was screened as spam)."""
        return self._move("not_spam", self._return_status(), by, reason)

    def trash(self, by=None, reason: str = "") -> bool:
        """Pending, approved or spam → trash (remembering where it came from)."""
        return self._move("trash", self.Status.TRASH, by, reason, remember=True)

    def restore(self, by=None, reason: str = "") -> bool:
        """Trash → the status it had before (pending if it was screened to trash)."""
        return self._move("restore", self._return_status(), by, reason)

    def may(self, transition: str) -> bool:
        """Does this transition apply to the comment's current status?"""
        return self.status in self.SOURCES.get(transition, ())

    def delete_permanently(self, by=None) -> bool:
        """Delete a spam or trashed comment for good; its replies move up a level.
        (`by` as the other transitions take it: a deletion leaves no row to note it.)"""
        binned = [self.Status.SPAM, self.Status.TRASH]
        if self.status not in binned:
            return False
        with transaction.atomic():
            # Claim the row first (a row lock on PostgreSQL) so a concurrent
            # "Restore" and this delete cannot both succeed.
            claimed = Comment.objects.filter(pk=self.pk, status__in=binned).update(
                modified_at=timezone.now()
            )
            if not claimed:
                return False
            Comment.objects.filter(parent_id=self.pk).update(parent_id=self.parent_id)
            Comment.objects.filter(pk=self.pk).delete()  # its signal bumps the cache
        return True

    def _return_status(self) -> str:
        if self.previous_status in {self.Status.PENDING, self.Status.APPROVED}:
            return self.previous_status
        return self.Status.PENDING

    def _move(self, transition, target, by, reason, remember=False) -> bool:
        old = self.status
        if not self.may(transition) or old == target:
            return False
        now = timezone.now()
        updates = {
            "status": target,
            "moderated_at": now,
            "moderated_by": by if getattr(by, "pk", None) else None,
            "modified_at": now,
            "previous_status": old if remember else "",
        }
        if reason:
            updates["status_reason"] = reason[:255]
        matching = Comment.objects.filter(
            pk=self.pk, status=old, previous_status=self.previous_status
        )
        try:
            with transaction.atomic():
                changed = matching.update(**updates)
                if changed:
                    delta = (target == self.Status.APPROVED) - (
                        old == self.Status.APPROVED
                    )
                    if delta:
                        _bump_count(self.article_id, delta)
        except IntegrityError:
            # Restoring a trashed comment whose twin was posted meanwhile.
            return False
        if not changed:
            return False
        if self.Status.APPROVED in (old, target):  # only approved comments are public
            pagecache.changed(comments_changed(self.article_id))
        if target == self.Status.APPROVED:
            events.announce_approved(self.pk, self.article_id)
        for field, value in updates.items():
            setattr(self, field, value)
        return True


def _bump_count(article_id: int, delta: int) -> None:
    count = (
        F("comment_count") + delta
        if delta > 0
        else Greatest(F("comment_count") + delta, 0)
    )
    Article.objects.filter(pk=article_id).update(comment_count=count)


class DiscussionSettings(models.Model):
    """WordPress's Settings → Discussion, edited in the admin without a deploy."""

    class Order(models.TextChoices):
        OLDEST = "asc", "Older comments at the top"
        NEWEST = "desc", "Newer comments at the top"

    class FirstPage(models.TextChoices):
        NEWEST = "newest", "Last page (newest comments) first"
        OLDEST = "oldest", "First page (oldest comments) first"

    comments_open_by_default = models.BooleanField(
        "allow comments on new articles",
        default=True,
        help_text="New stories start with comments open; each story can override it.",
    )
    require_name_email = models.BooleanField(
        "comment author must fill out name and email", default=True
    )
    close_comments_for_old_articles = models.BooleanField(
        "automatically close comments on old articles", default=False
    )
    close_comments_days_old = models.PositiveIntegerField(
        "close comments on articles older than (days)", default=14
    )
    thread_comments = models.BooleanField("enable threaded comments", default=True)
    thread_comments_depth = models.PositiveSmallIntegerField(
        "threaded comments levels deep",
        default=5,
        help_text="1 means no replies; WordPress allows up to 10.",
    )
    page_comments = models.BooleanField("break comments into pages", default=False)
    comments_per_page = models.PositiveSmallIntegerField(
        "top level comments per page", default=50
    )
    default_comments_page = models.CharField(
        "page displayed by default",
        max_length=6,
        choices=FirstPage.choices,
        default=FirstPage.NEWEST,
    )
    comment_order = models.CharField(
        "comment order", max_length=4, choices=Order.choices, default=Order.OLDEST
    )
    notify_on_post = models.BooleanField(
        "email moderators whenever anyone posts a comment", default=True
    )
    notify_on_hold = models.BooleanField(
        "email moderators when a comment is held for moderation", default=True
    )
    comment_moderation = models.BooleanField(
        "comment must be manually approved", default=False
    )
    comment_previously_approved = models.BooleanField(
        "comment author must have a previously approved comment", default=True
    )
    comment_max_links = models.PositiveSmallIntegerField(
        "hold a comment if it contains this many links or more",
        default=2,
        help_text="0 switches this rule off.",
    )
    moderation_keys = models.TextField(
        "moderation words",
        blank=True,
        help_text="One word, phrase or IP per line. A comment containing any of them "
        "in its content, name, email, website, IP or browser is held for moderation. "
        "Case, accents, zero-width characters and look-alike letters are ignored.",
    )
    disallowed_keys = models.TextField(
        "disallowed words",
        blank=True,
        help_text="Same matching as the moderation words, but the comment goes "
        "straight to the trash.",
    )
    show_avatars = models.BooleanField(default=True)
    min_seconds_to_submit = models.PositiveSmallIntegerField(
        "hold comments sent faster than (seconds)",
        default=3,
        help_text="A form sent this soon after the page was served is probably a bot. "
        "0 switches this rule off.",
    )

    CACHE_KEY = "comments:discussion-settings:v1"

    class Meta:
        verbose_name = "discussion settings"
        verbose_name_plural = "discussion settings"

    def __str__(self):
        return "Discussion settings"

    def save(self, *args, **kwargs):
        self.pk = 1  # a singleton
        super().save(*args, **kwargs)
        cache.delete(self.CACHE_KEY)
        transaction.on_commit(lambda: cache.delete(self.CACHE_KEY))
        pagecache.content_changed()  # e.g. comments closed: cached story pages are stale

    def delete(self, *args, **kwargs):
        cache.delete(self.CACHE_KEY)
        return super().delete(*args, **kwargs)

    # Cached for five minutes: a save clears it at once in this process and in a
    # shared (Redis) cache; other processes with a local-memory cache follow soon.
    CACHE_SECONDS = 300

    @classmethod
    def cached(cls) -> "DiscussionSettings | None":
        found = cache.get(cls.CACHE_KEY)
        return found if isinstance(found, cls) else None

    @classmethod
    def load(cls) -> "DiscussionSettings":
        """The one row (WordPress defaults until an administrator saves it), cached."""
        found = cls.cached()
        if found is None:
            found = cls.objects.filter(pk=1).first() or cls(pk=1)
            cache.set(cls.CACHE_KEY, found, cls.CACHE_SECONDS)
        return found

    @classmethod
    def as_json(cls):
        """A subquery giving the row as JSON, so a query that needs the settings on a
        cold cache can bring them along instead of costing a query of its own."""
        fields = {
            field.name: field.name
            for field in cls._meta.concrete_fields
            if field.name != "id"
        }
        return models.Subquery(
            cls.objects.filter(pk=1)
            .annotate(row=JSONObject(**fields))
            .values("row")[:1],
            output_field=models.JSONField(),
        )

    @classmethod
    def from_json(cls, row) -> "DiscussionSettings":
        """The settings from as_json() (None: never saved, the defaults), cached."""
        if isinstance(row, str):  # some backends hand back the JSON text
            row = json.loads(row)
        found = cls(pk=1)
        for field in cls._meta.concrete_fields:
            if isinstance(row, dict) and field.name in row:
                setattr(found, field.name, field.to_python(row[field.name]))
        cache.set(cls.CACHE_KEY, found, cls.CACHE_SECONDS)
        return found
