"""Map a WordPress export onto our stories, bylines, sections, tags, images, comments.

Two passes over the file. The first validates all of it before anything is
written (a truncated or hostile file is refused whole) and collects the little
that later items refer to: authors' display names and attachments (featured
images usually come *after* the post that uses them). The second imports post
by post, each in its own transaction, so an interrupted import can simply be
run again: every record is keyed on its site and its WordPress ID in
`WordPressImport`, and a post whose data has not changed since the last run is
left alone (edits made here survive), while one that changed is re-applied.

The site comes first: WordPress numbers every blog's posts and comments from 1,
so an ID means nothing without the blog it belongs to. A second site's export
creates new stories and never updates the first's; deletions seen in an export
(a post in WordPress's trash, a comment no longer in it) withdraw only records
that came from that same site. docs/import.md says it for editors.
"""

import hashlib
import html
import ipaddress
import json
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.text import slugify
from PIL import Image
from taggit.models import Tag, TaggedItem

from articles.images import reencode_upload, validate_image_upload
from articles.models import (
    Article,
    Author,
    Byline,
    Quote,
    SearchEntry,
    Section,
    unique_slug,
)
from comments.content import render_comment_html
from comments.models import CONTENT_MAX, EMAIL_MAX, NAME_MAX, URL_MAX, Comment
from newsroom.pagecache import content_changed
from wordpress.body import convert_body, rewrite_urls
from wordpress.models import WordPressImport
from wordpress.wxr import (
    Channel,
    Item,
    WXRError,
    parse_wp_date,
    read_export,
)

# Bump when the mapping changes, so unchanged posts are re-applied once.
MAPPING_VERSION = "1"
# The digest of a post mapping once its story was withdrawn (not a hex digest).
TRASHED = "trashed on WordPress"

STORY_STATUS = {
    "publish": Article.Status.PUBLISHED,
    "future": Article.Status.PUBLISHED,  # a future publish time: scheduled
    "draft": Article.Status.DRAFT,
    "pending": Article.Status.REVIEW,
    "private": Article.Status.DRAFT,
}
SKIPPED_STATUS = {
    "trash": "in WordPress's trash",
    "auto-draft": "an auto-draft (never saved by its author)",
    "inherit": "a revision",
}
UNDATED_STATUSES = {"draft", "pending"}
# WordPress's default category says nothing about a story: never a section.
DEFAULT_CATEGORY = "uncategorized"
SLUG_OK = re.compile(r"[\w-]+")
PHP_CREDIT = re.compile(r's:6:"credit";s:\d+:"(?P<credit>[^"]*)";')
ROWS = ("stories", "quotes", "comments", "tags", "sections", "bylines", "images")
EXAMPLES_PER_REASON = 5
# A tag slug our tag pages answer to (articles.navigation.is_slug).
TAG_SLUG_OK = re.compile(r"[-\w]{1,100}")
# WordPress's default category base: /category/parent/child/.
CATEGORY_BASE = "/category/"
# Above this many characters of raw post HTML the body cannot come under the
# limit once converted: refuse it before spending time converting it.
RAW_BODY_FACTOR = 4


class SkipItem(Exception):
    """This item cannot be imported; the message is the reason."""


@dataclass
class Attachment:
    url: str
    alt: str = ""
    caption: str = ""
    credit: str = ""

    def as_key(self) -> list[str]:
        return [self.url, self.alt, self.caption, self.credit]


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    removed: int = 0  # deleted on WordPress: unpublished or trashed here


@dataclass
class Report:
    """What the import did (or, in a dry run, would do), row by row."""

    source: str = ""
    dry_run: bool = False
    tallies: dict[str, Tally] = field(
        default_factory=lambda: {r: Tally() for r in ROWS}
    )
    skips: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    skip_counts: Counter = field(default_factory=Counter)
    removals: dict[tuple[str, str], list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    removal_counts: Counter = field(default_factory=Counter)
    site_lines: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    notes: Counter = field(default_factory=Counter)
    note_examples: dict[str, list[str]] = field(
        default_factory=lambda: defaultdict(list)
    )
    other_items: Counter = field(default_factory=Counter)

    def add(self, row: str, outcome: str, n: int = 1) -> None:
        setattr(self.tallies[row], outcome, getattr(self.tallies[row], outcome) + n)

    def skip(self, row: str, reason: str, example: str = "", n: int = 1) -> None:
        self.add(row, "skipped", n)
        self.skip_counts[(row, reason)] += n
        if example and len(self.skips[(row, reason)]) < EXAMPLES_PER_REASON:
            self.skips[(row, reason)].append(example)

    def note(self, text: str, example: str = "") -> None:
        self.notes[text] += 1
        if example and len(self.note_examples[text]) < EXAMPLES_PER_REASON:
            self.note_examples[text].append(example)

    def remove(self, row: str, reason: str, example: str = "", n: int = 1) -> None:
        self.add(row, "removed", n)
        self.removal_counts[(row, reason)] += n
        if example and len(self.removals[(row, reason)]) < EXAMPLES_PER_REASON:
            self.removals[(row, reason)].append(example)

    def lines(self) -> list[str]:
        heading = f"WordPress import of {self.source}"
        if self.dry_run:
            heading += (
                " — DRY RUN: nothing was written; the counts say what would happen"
            )
        lines = [heading, *self.site_lines, ""]
        lines.append(
            f"{'':10}{'created':>9}{'updated':>9}{'unchanged':>11}{'skipped':>9}"
            f"{'removed':>9}"
        )
        for row in ROWS:
            t = self.tallies[row]
            lines.append(
                f"{row:10}{t.created:>9}{t.updated:>9}{t.unchanged:>11}{t.skipped:>9}"
                f"{t.removed:>9}"
            )
        for title, counts, examples in (
            ("Skipped:", self.skip_counts, self.skips),
            ("Removed (deleted on WordPress):", self.removal_counts, self.removals),
        ):
            if counts:
                lines += ["", title]
                lines += _reason_lines(counts, examples)
        if self.other_items:
            kinds = ", ".join(
                f"{n} {kind}" for kind, n in sorted(self.other_items.items())
            )
            lines += ["", f"Not stories, not imported: {kinds}."]
        if self.notes:
            lines += ["", "Notes:"]
            for note, n in sorted(self.notes.items()):
                shown = self.note_examples.get(note) or []
                more = f": {', '.join(shown)}" if shown else ""
                if shown and n > len(shown):
                    more += ", …"
                lines.append(f"  {note} ({n}){more}")
        if self.warnings:
            lines += ["", "Warnings:"]
            lines += [f"  {warning}" for warning in self.warnings]
        return lines


def _reason_lines(counts: Counter, examples: dict) -> list[str]:
    lines = []
    for (row, reason), count in sorted(counts.items()):
        shown = examples.get((row, reason)) or []
        more = f": {', '.join(shown)}" if shown else ""
        if shown and count > len(shown):
            more += ", …"
        lines.append(f"  {row} — {reason} ({count}){more}")
    return lines


@dataclass
class Category:
    name: str
    parent: str = ""  # the parent's nicename
    description: str = ""


@dataclass
class Survey:
    """Pass one: the whole file read once, before anything is written."""

    channel: Channel = field(default_factory=Channel)
    authors: dict[str, str] = field(default_factory=dict)  # login → display name
    categories: dict[str, Category] = field(default_factory=dict)  # by nicename
    attachments: dict[str, Attachment] = field(default_factory=dict)
    posts: int = 0


def survey_export(path: Path) -> Survey:
    survey = Survey()
    for kind, record in read_export(path):
        if kind == "channel":
            survey.channel = record
        elif kind == "author":
            login = record.get("author_login", "")
            if login:
                survey.authors[login] = record.get("author_display_name") or login
        elif kind == "category":
            nicename = record.get("category_nicename", "")
            if nicename:
                survey.categories[nicename] = Category(
                    name=plain_text(record.get("cat_name", "")) or nicename,
                    parent=record.get("category_parent", ""),
                    description=plain_text(record.get("category_description", "")),
                )
        elif (
            kind == "item"
            and record.post_type == "attachment"
            and record.post_id.isascii()
            and record.post_id.isdigit()
        ):
            survey.attachments[record.post_id] = Attachment(
                url=record.attachment_url or record.guid,
                alt=record.meta.get("_wp_attachment_image_alt", "").strip(),
                caption=plain_text(record.excerpt),
                credit=_credit(record.meta.get("_wp_attachment_metadata", "")),
            )
        elif kind == "item" and record.post_type == "post":
            survey.posts += 1
    return survey


def site_key(url: str) -> str:
    """A WordPress blog's identity: 'https://Herald.example.com/news/' →
    'herald.example.com/news'. http and https are the same site."""
    url = (url or "").strip()
    if "://" not in url:
        url = "//" + url
    parts = urlsplit(url)
    return (parts.netloc.lower() + parts.path.rstrip("/"))[:200]


def plain_text(value: str) -> str:
    """HTML or entity-laden WordPress text → plain text with single spaces."""
    text = html.unescape(strip_tags(value or ""))
    return " ".join(text.split())


def _too_long(length: int, limit: int, what: str = "") -> str:
    what = f" {what}" if what else ""
    return (
        f"body too long: {length:,} characters{what}, over the "
        f"ARTICLE_BODY_MAX_CHARS limit of {limit:,}; not imported"
    )


def _post_digest(item: Item, attachment: Attachment | None, with_media: bool) -> str:
    return _digest(
        item.title,
        item.post_name,
        item.content,
        item.excerpt,
        item.post_date,
        item.post_date_gmt,
        item.status,
        item.comment_status,
        item.post_password,
        item.creator,
        item.terms,
        attachment.as_key() if attachment else None,
        # Body images are copied only with --media-dir: its first use re-applies.
        with_media,
    )


def _describe(exc: Exception) -> str:
    text = " ".join(str(exc).split())[:200]
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _uploads_path(attachment: Attachment) -> str:
    """'https://site/wp-content/uploads/2016/11/a.jpg' → '2016/11/a.jpg'."""
    return unquote(urlsplit(attachment.url).path).partition("/uploads/")[2]


def _credit(php_serialized: str) -> str:
    found = PHP_CREDIT.search(php_serialized or "")
    return html.unescape(found.group("credit")).strip()[:250] if found else ""


def _digest(*parts) -> str:
    raw = json.dumps([MAPPING_VERSION, *parts], ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def _aware(gmt_text: str, local_text: str):
    """WordPress's GMT time when it has one, else its local time read in TIME_ZONE."""
    gmt = parse_wp_date(gmt_text)
    if gmt is not None:
        return gmt.replace(tzinfo=UTC)
    local = parse_wp_date(local_text)
    if local is not None:
        return timezone.make_aware(local)
    return None


class _ItemLog:
    """Counts for one post, merged into the report only if its transaction commits."""

    def __init__(self):
        self.events: list[tuple[str, tuple]] = []

    def add(self, row, outcome, n=1, key=None):
        self.events.append(("add", (row, outcome, n, key)))

    def skip(self, row, reason, example="", n=1):
        self.events.append(("skip", (row, reason, example, n)))

    def remove(self, row, reason, example="", n=1):
        self.events.append(("remove", (row, reason, example, n)))

    def note(self, text, example=""):
        self.events.append(("note", (text, example)))


class WordPressImporter:
    def __init__(
        self,
        path: Path,
        *,
        media_dir: Path | None = None,
        dry_run: bool = False,
        site: str = "",
        keep_deleted: bool = False,
        unattributed: str = "",
        progress: Callable[[int, int], None] | None = None,
    ):
        self.path = Path(path)
        self.media_dir = media_dir.resolve() if media_dir else None
        self.dry_run = dry_run
        self.given_site = site_key(site) if site else ""
        self.site = ""
        self.keep_deleted = keep_deleted
        self.unattributed = unattributed  # "claim", "leave" or "" (decide by evidence)
        self.progress = progress or (lambda done, total: None)
        self.report = Report(source=self.path.name, dry_run=dry_run)
        self.with_comments = apps.is_installed("comments")
        self.counted: set[tuple[str, str]] = set()  # sections, tags, bylines seen
        self.url_changes: list[tuple[str, str]] = []
        self.clock_mismatches: list[tuple] = []
        # Old WordPress address → ours, for category and tag pages that moved.
        self.term_addresses: dict[str, str] = {}
        self.sticky: list[str] = []
        self.base_path = ""
        self.survey: Survey | None = None
        self.site_urls: list[str] = []
        # Inline images already copied: path under uploads/ → our URL. Files are not
        # transactional, so this survives a failed post.
        self.media_urls: dict[str, str] = {}
        # Looked-up rows by WordPress key; emptied when a post's transaction fails.
        self.cache: dict[str, dict] = {"tags": {}, "sections": {}, "authors": {}}

    # --- driving -----------------------------------------------------------

    def check_file(self) -> Survey:
        """Read the whole file once; WXRError if it cannot be imported."""
        if self.survey is None:
            self.survey = survey_export(self.path)
            self.site = self.site_of(self.survey.channel)
        return self.survey

    def run(self) -> Report:
        survey = self.check_file()  # raises WXRError before any write
        self.article_type = ContentType.objects.get_for_model(Article)
        channel = survey.channel
        self.site_urls = [channel.base_blog_url, channel.base_site_url, channel.link]
        self.base_path = urlsplit(
            survey.channel.base_blog_url or survey.channel.link
        ).path.rstrip("/")
        if not self.with_comments:
            self.report.warnings.append(
                "Comments were not imported: the comments app is not installed."
            )
        done = 0
        outer = transaction.atomic() if self.dry_run else nullcontext()
        with outer:
            self._introduce_site(channel)
            for kind, record in read_export(self.path):
                if kind != "item":
                    continue
                if record.post_type != "post":
                    if record.post_type != "attachment":
                        self.report.other_items[record.post_type or "untyped"] += 1
                    continue
                self.import_post(record)
                done += 1
                self.progress(done, survey.posts)
            if self.dry_run:
                transaction.set_rollback(True)
            else:
                content_changed()  # bulk writes sent no signals: refresh cached pages
        self._add_url_warnings()
        return self.report

    # --- which site ------------------------------------------------------------

    def site_of(self, channel: Channel) -> str:
        """--site when given, else the blog's address from the export. The blog's,
        not the network's: each blog of a multisite network numbers its own posts."""
        found = site_key(channel.base_blog_url or channel.base_site_url or channel.link)
        if self.given_site:
            return self.given_site
        if not found:
            raise WXRError(
                f"{self.path.name} does not say which site it comes from (no "
                "wp:base_blog_url, wp:base_site_url or <link>): name it with --site."
            )
        return found

    def _introduce_site(self, channel: Channel) -> None:
        """Say whose IDs these are, and claim records made before sites were kept."""
        found = site_key(channel.base_blog_url or channel.base_site_url or channel.link)
        records = WordPressImport.objects.filter(site=self.site)
        known = records.exists()
        line = f"Site: {self.site}"
        if self.given_site and found and found != self.site:
            line += f" (given with --site; the export says {found})"
        if not known:
            line += " — imported for the first time"
        self.report.site_lines.append(line)
        self._claim_unattributed(known)
        others = (
            WordPressImport.objects.filter(kind=WordPressImport.Kind.POST)
            .exclude(site__in=[self.site, ""])
            .values_list("site", flat=True)
            .distinct()
        )
        others = sorted(others)
        if others and not known:
            self.report.site_lines.append(
                f"Stories from {', '.join(others)} are left as they are. If this is "
                f"one of those sites under a new address, import with --site "
                f"{others[0]} instead."
            )

    def _claim_unattributed(self, site_known: bool) -> None:
        """Records from before sites were recorded came from the one site imported
        then. This export claims them when it holds that very data: most of the
        posts they share have the fingerprint the records kept. Otherwise the
        newsroom decides (--unattributed), since guessing wrong would let another
        site's posts overwrite these stories."""
        unattributed = WordPressImport.objects.filter(site="")
        total = unattributed.count()
        if not total:
            return
        stored = dict(
            unattributed.filter(kind=WordPressImport.Kind.POST).values_list(
                "wp_id", "digest"
            )
        )
        shared = matching = 0
        for kind, item in read_export(self.path):  # once, while such records exist
            if kind != "item" or item.post_type != "post" or item.post_id not in stored:
                continue
            shared += 1
            attachment = self.survey.attachments.get(
                item.meta.get("_thumbnail_id", "").strip()
            )
            if stored[item.post_id] in {
                _post_digest(item, attachment, with_media)
                for with_media in (True, False)
            }:
                matching += 1
        evidence = f"{matching} of the {shared} posts they share with this export"
        claim = self.unattributed == "claim" or (
            not self.unattributed and shared and matching * 2 > shared
        )
        if claim and site_known:
            raise WXRError(
                f"{total} import records from before sites were recorded cannot join "
                f"{self.site}, which has records of its own: import with "
                "--unattributed leave."
            )
        if claim:
            unattributed.update(site=self.site)
            self.report.site_lines.append(
                f"{total} import records from before sites were recorded now belong "
                f"to {self.site} ({evidence} are unchanged since they were imported)."
            )
        elif self.unattributed == "leave" or site_known:
            self.report.site_lines.append(
                f"{total} import records from before sites were recorded are left "
                "alone: this import neither reads nor updates them."
            )
        else:
            raise WXRError(
                f"{total} import records from before sites were recorded may or may "
                f"not be from {self.site} ({evidence} are unchanged since they were "
                "imported). Say which: --unattributed claim (they are this site's) or "
                "--unattributed leave (another site's)."
            )

    # --- one post ------------------------------------------------------------

    def import_post(self, item: Item) -> None:
        label = f"#{item.post_id} “{plain_text(item.title)[:60] or '(no title)'}”"
        comments = len(item.comments)
        if not (item.post_id.isascii() and item.post_id.isdigit()):
            reason = "no WordPress post ID"
        elif item.status == "trash" and self._withdraw(item, label):
            return
        elif item.status in SKIPPED_STATUS or item.status not in STORY_STATUS:
            reason = SKIPPED_STATUS.get(item.status, f"unknown status “{item.status}”")
        else:
            reason = ""
        log = _ItemLog()
        if not reason:
            try:
                try:
                    with transaction.atomic():
                        self._import_post(item, label, log)
                except BaseException:
                    self.cache = {name: {} for name in self.cache}  # rolled-back rows
                    raise
            except SkipItem as exc:
                reason = str(exc)
            except Exception as exc:  # a user's file must never end in a traceback
                reason = f"could not be saved ({_describe(exc)})"
        if reason:
            self.report.skip("stories", reason, label)
            if comments:
                self.report.skip("comments", "their story was not imported", n=comments)
            return
        self._merge(log)
        if item.sticky:
            self.sticky.append(label)

    def _withdraw(self, item: Item, label: str) -> bool:
        """A post in WordPress's trash that we imported before: unpublish our story.
        False when we never imported it (then it is simply skipped)."""
        mapping = WordPressImport.objects.filter(
            site=self.site, kind=WordPressImport.Kind.POST, wp_id=item.post_id
        ).first()
        story = mapping and Article.objects.filter(pk=mapping.object_id).first()
        if story is None:
            return False
        if self.keep_deleted:
            self.report.skip(
                "stories", "in WordPress's trash, kept here (--keep-deleted)", label
            )
        elif mapping.digest == TRASHED:
            # Withdrawn by an earlier run: an editor may have published it again.
            self.report.add("stories", "unchanged")
        else:
            if story.status != Article.Status.DRAFT:
                story.status = Article.Status.DRAFT
                story.save(update_fields=["status", "modified_at"])
            mapping.digest = TRASHED
            mapping.save(update_fields=["digest", "imported_at"])
            self.report.remove(
                "stories", "in WordPress's trash: unpublished (now a draft)", label
            )
        if item.comments:
            self.report.skip(
                "comments", "their story is in WordPress's trash", n=len(item.comments)
            )
        return True

    def _merge(self, log: _ItemLog) -> None:
        for kind, args in log.events:
            if kind == "add":
                row, outcome, n, key = args
                if key is not None:
                    if (row, key) in self.counted:
                        continue
                    self.counted.add((row, key))
                self.report.add(row, outcome, n)
            elif kind == "skip":
                self.report.skip(*args[:3], n=args[3])
            elif kind == "remove":
                self.report.remove(*args[:3], n=args[3])
            else:
                self.report.note(*args)

    def _import_post(self, item: Item, label: str, log: _ItemLog) -> None:
        mapping = WordPressImport.objects.filter(
            site=self.site, kind=WordPressImport.Kind.POST, wp_id=item.post_id
        ).first()
        article = None
        if mapping is not None:
            article = (
                Article.objects.select_related("section")
                .filter(pk=mapping.object_id)
                .first()
            )
        attachment = self.survey.attachments.get(
            item.meta.get("_thumbnail_id", "").strip()
        )
        digest = _post_digest(item, attachment, self.media_dir is not None)
        if (
            article is not None
            and mapping.digest == digest
            and not self._image_missing(item, article, attachment)
        ):
            log.add("stories", "unchanged")
            self._count_unchanged_parts(item, article, log)
        else:
            created = article is None
            article = article or Article()
            self._apply_story(item, article, attachment, label, log)
            if mapping is None:
                WordPressImport.objects.create(
                    site=self.site,
                    kind=WordPressImport.Kind.POST,
                    wp_id=item.post_id,
                    object_id=article.pk,
                    digest=digest,
                )
            else:
                mapping.object_id, mapping.digest = article.pk, digest
                mapping.save(update_fields=["object_id", "digest", "imported_at"])
            log.add("stories", "created" if created else "updated")
        if self.with_comments:
            self._import_comments(item, article, label, log)

    def _count_unchanged_parts(
        self, item: Item, article: Article, log: _ItemLog
    ) -> None:
        log.add("quotes", "unchanged", article.quotes.count())
        if article.featured_image:
            log.add("images", "unchanged")
        for tag in article.tags.all():
            log.add("tags", "unchanged", key=tag.name)
        if article.section_id:
            # The same key as _section()'s, so a section is counted once.
            log.add("sections", "unchanged", key=article.section.slug)
        for login in self._logins(item):
            log.add("bylines", "unchanged", key=login)

    def _apply_story(self, item, article, attachment, label, log) -> None:
        adding = article.pk is None  # nothing hangs off a new story yet
        status = STORY_STATUS[item.status]
        published_at = _aware(item.post_date_gmt, item.post_date)
        if item.status in UNDATED_STATUSES:
            published_at = None
        elif published_at is None:
            raise SkipItem(
                "no valid publication date (WordPress left it as 0000-00-00 00:00:00)"
            )
        if item.post_password:
            status = Article.Status.DRAFT
            log.note("password-protected on WordPress: imported as a draft")
        if item.status == "private":
            log.note("private on WordPress: imported as a draft")
        headline = plain_text(item.title) or "(no title)"
        if len(headline) > 250:
            log.note("headline longer than 250 characters: shortened")
            headline = headline[:249] + "…"
        slug = unquote(item.post_name).strip()
        if not SLUG_OK.fullmatch(slug):
            slug = unique_slug(slug or headline)
        limit = settings.ARTICLE_BODY_MAX_CHARS
        if len(item.content) > RAW_BODY_FACTOR * limit:
            raise SkipItem(_too_long(len(item.content), limit, "of WordPress HTML"))
        body = convert_body(item.content)
        if len(body.html) > limit:
            raise SkipItem(_too_long(len(body.html), limit))
        for note in body.notes:
            log.note(note)

        article.headline = headline
        article.slug = slug[:200]
        article.standfirst = plain_text(item.excerpt)
        article.body = rewrite_urls(
            body.html,
            image_url=lambda url: self._inline_image(url, label, log),
            site_urls=self.site_urls,
        )
        article.status = status
        article.published_at = published_at
        article.allow_comments = item.comment_status != "closed"
        article.section = self._section(item, log)
        self._featured_image(item, article, attachment, label, log)
        article.save()
        if article.slug != slug[:200]:
            # Article.save() gives a clashing slug a -2 on its day (another
            # story, perhaps another site's post of the same name and date).
            log.note(
                "address taken by another story that day: a suffix was added",
                f"{label} → {unquote(article.get_absolute_url())}",
            )

        self._set_tags(article, self._tag_names(item), log, adding)
        self._bylines(item, article, log, adding)
        had_quotes = 0 if adding else article.quotes.all().delete()[0]
        Quote.objects.bulk_create(
            [
                Quote(
                    article=article,
                    number=quote.number,
                    text=quote.text,
                    speaker=quote.speaker,
                    # Quote.save() derives this; bulk_create does not call save().
                    speaker_slug=unique_slug(quote.speaker, 150),
                    speaker_role=quote.speaker_role,
                    source_name=quote.source_name[:200],
                    source_url=quote.source_url[:500],
                    said_on=quote.said_on,
                    kind=quote.kind,
                )
                for quote in body.quotes
            ]
        )
        # Tags and quotes went in without the signals and save() that reindex.
        SearchEntry.objects.rebuild([article.pk])
        if had_quotes:
            log.add("quotes", "updated", min(had_quotes, len(body.quotes)))
            log.add("quotes", "created", max(0, len(body.quotes) - had_quotes))
        else:
            log.add("quotes", "created", len(body.quotes))
        if published_at is not None:
            self._check_url(item, article, label)

    # --- taxonomies and people ---------------------------------------------------

    def _section(self, item: Item, log: _ItemLog) -> Section | None:
        categories = [
            (nicename, name)
            for domain, nicename, name in item.terms
            if domain == "category" and nicename != DEFAULT_CATEGORY
        ]
        if not categories:
            return None
        nicename, name = categories[0]
        category = self.survey.categories.get(nicename) or Category(name=nicename)
        name = plain_text(name) or category.name
        slug = slugify(unquote(nicename))[:100] or slugify(name)[:100]
        if not slug:
            # Section URLs take ASCII slugs only; keep a stable one for this category.
            slug = "section-" + hashlib.sha1(nicename.encode()).hexdigest()[:8]
        section = self.cache["sections"].get(slug)
        if section is None:
            section = (
                Section.objects.filter(slug=slug).first()
                or Section.objects.filter(name=name[:100]).first()
            )
            if section is None:
                section = Section.objects.create(
                    name=name[:100], slug=slug, description=category.description
                )
                log.add("sections", "created", key=section.slug)
            elif category.description and not section.description:
                section.description = category.description
                section.save(update_fields=["description"])
                log.add("sections", "updated", key=section.slug)
            self.cache["sections"][slug] = section
            self._note_category(nicename, section, log)
        log.add("sections", "unchanged", key=section.slug)
        return section

    def _note_category(self, nicename: str, section: Section, log: _ItemLog) -> None:
        """Say what a section cannot keep of its category: its parent, its address."""
        path, seen, current = [], set(), nicename
        while current and current not in seen:  # parent chain, loops guarded
            seen.add(current)
            path.insert(0, current)
            parent = self.survey.categories.get(current)
            current = parent.parent if parent else ""
        if len(path) > 1:
            parent = self.survey.categories.get(path[-2])
            log.note(
                "subcategory on WordPress: sections here have no parents, so it "
                "is a section of its own",
                f"{section.name} (under {parent.name if parent else path[-2]})",
            )
        # /category/…/<slug>/ redirects to the section of that slug (articles/urls.py).
        if unquote(path[-1]) != section.slug:
            old = CATEGORY_BASE + "/".join(path) + "/"
            self.term_addresses[old] = section.get_absolute_url()

    def _tag_names(self, item: Item) -> dict[str, str]:
        """Tag name → its WordPress slug ('' for a further category: WordPress
        shows those at /category/…/, which no tag keeps)."""
        names: dict[str, str] = {}
        categories = 0
        for domain, nicename, name in item.terms:
            name = plain_text(name)[:100]
            if not name:
                continue
            if domain == "category" and nicename != DEFAULT_CATEGORY:
                categories += 1
                if categories == 1:
                    continue  # the first category is the section
                nicename = ""
            elif domain != "post_tag":
                continue
            names.setdefault(name, nicename)
        return names

    def _set_tags(
        self, article: Article, names: dict[str, str], log: _ItemLog, adding: bool
    ) -> None:
        """The story's tags become exactly these, written in bulk."""
        wanted = {}
        for name, wp_slug in names.items():
            tag = self.cache["tags"].get(name)
            if tag is None:
                tag = Tag.objects.filter(name=name).first()
                if tag is None:
                    tag = self._new_tag(name, unquote(wp_slug).strip())
                    log.add("tags", "created", key=name)
                self.cache["tags"][name] = tag
                if wp_slug and unquote(wp_slug) != tag.slug:
                    # Our tag pages are at the same /tag/<slug>/: a slug of its
                    # own here means the old link is a 404.
                    old = f"/tag/{wp_slug}/"
                    self.term_addresses[old] = reverse("articles:tag", args=[tag.slug])
            log.add("tags", "unchanged", key=name)
            wanted[tag.pk] = tag
        tagged = TaggedItem.objects.filter(
            content_type=self.article_type, object_id=article.pk
        )
        have = set() if adding else set(tagged.values_list("tag_id", flat=True))
        if have - wanted.keys():
            tagged.exclude(tag_id__in=list(wanted)).delete()
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(
                    tag=tag, content_type=self.article_type, object_id=article.pk
                )
                for pk, tag in wanted.items()
                if pk not in have
            ]
        )

    def _new_tag(self, name: str, wp_slug: str) -> Tag:
        """A tag at WordPress's address for it, so old /tag/…/ links keep working,
        when our tag pages can answer to that slug and no other tag has it."""
        if (
            TAG_SLUG_OK.fullmatch(wp_slug)
            and not Tag.objects.filter(slug=wp_slug).exists()
        ):
            return Tag.objects.create(name=name, slug=wp_slug)
        return Tag.objects.create(name=name)  # taggit makes the slug

    def _logins(self, item: Item) -> list[str]:
        """dc:creator, then Co-Authors Plus co-authors, each once."""
        logins = [item.creator] if item.creator else []
        for domain, nicename, _name in item.terms:
            if domain == "author":
                login = nicename.removeprefix("cap-")
                if login and login not in logins:
                    logins.append(login)
        return logins

    def _bylines(
        self, item: Item, article: Article, log: _ItemLog, adding: bool
    ) -> None:
        if not adding:
            Byline.objects.filter(article=article).delete()
        for position, login in enumerate(self._logins(item)):
            author = self._author(login, log)
            Byline.objects.create(article=article, author=author, position=position)

    def _author(self, login: str, log: _ItemLog) -> Author:
        """A contributor byline (no account) per WordPress login, found again by login."""
        if login not in self.cache["authors"]:
            self.cache["authors"][login] = self._find_author(login, log)
        return self.cache["authors"][login]

    def _find_author(self, login: str, log: _ItemLog) -> Author:
        name = plain_text(self.survey.authors.get(login, login))[:150] or login[:150]
        digest = _digest(name)
        mapping = WordPressImport.objects.filter(
            site=self.site, kind=WordPressImport.Kind.AUTHOR, wp_id=login[:200]
        ).first()
        author = mapping and Author.objects.filter(pk=mapping.object_id).first()
        if author:
            if mapping.digest != digest:
                author.name = name
                author.save(update_fields=["name"])
                mapping.digest = digest
                mapping.save(update_fields=["digest", "imported_at"])
                log.add("bylines", "updated", key=login)
            else:
                log.add("bylines", "unchanged", key=login)
            return author
        slug = unique_slug(name, 150)
        taken = WordPressImport.objects.filter(
            kind=WordPressImport.Kind.AUTHOR,
            object_id__in=Author.objects.filter(slug=slug).values("pk"),
        ).exists()
        author = None if taken else Author.objects.filter(slug=slug).first()
        if author is None:
            if taken:
                slug = unique_slug(f"{name} {login}", 150)
            author, created = Author.objects.get_or_create(
                slug=slug, defaults={"name": name}
            )
            log.add("bylines", "created" if created else "unchanged", key=login)
        else:
            # A byline of the same name that was written here: the same person.
            log.add("bylines", "unchanged", key=login)
            log.note("WordPress author matched to an existing byline of the same name")
        WordPressImport.objects.update_or_create(
            site=self.site,
            kind=WordPressImport.Kind.AUTHOR,
            wp_id=login[:200],
            defaults={"object_id": author.pk, "digest": digest},
        )
        return author

    # --- featured image ---------------------------------------------------------

    def _image_missing(self, item, article, attachment) -> bool:
        """True when the post has a featured image we have not got yet (e.g. a first
        run without --media-dir), so an unchanged post is looked at again."""
        if attachment is None or article.featured_image or self.media_dir is None:
            return False
        relative = _uploads_path(attachment)
        path = (self.media_dir / relative).resolve()
        return bool(relative) and path.is_relative_to(self.media_dir) and path.is_file()

    def _featured_image(self, item, article, attachment, label, log) -> None:
        thumbnail_id = item.meta.get("_thumbnail_id", "").strip()
        mapping = WordPressImport.objects.filter(
            site=self.site, kind=WordPressImport.Kind.FEATURED_IMAGE, wp_id=item.post_id
        ).first()
        if not thumbnail_id:
            if mapping is not None and article.featured_image:
                article.featured_image = None
                article.image_alt = article.image_caption = article.image_credit = ""
                mapping.delete()
                log.add("images", "updated")
            return
        if attachment is None:
            log.skip("images", "the attachment is not in the export", label)
            return
        if (
            mapping is not None
            and mapping.object_id == int(thumbnail_id)
            and article.featured_image
        ):
            self._set_image_text(article, attachment, log)
            log.add("images", "unchanged")
            return
        content = self._read_image(attachment, label, log)
        if content is None:
            return
        if not self.dry_run:
            article.featured_image.save(content.name, content, save=False)
        self._set_image_text(article, attachment, log)
        log.add("images", "updated" if mapping else "created")
        WordPressImport.objects.update_or_create(
            site=self.site,
            kind=WordPressImport.Kind.FEATURED_IMAGE,
            wp_id=item.post_id,
            defaults={"object_id": int(thumbnail_id)},
        )

    def _set_image_text(self, article, attachment, log) -> None:
        article.image_alt = attachment.alt[:250]
        article.image_caption = attachment.caption[:500]
        article.image_credit = attachment.credit[:250]
        if not attachment.alt:
            log.note("featured image without alt text: editors must add it")

    def _inline_image(self, url: str, label: str, log: _ItemLog) -> str | None:
        """Our copy of an image in a post body (from --media-dir), or None to leave
        the link as it was (not a WordPress upload, or no copy to be had)."""
        relative = _uploads_path(Attachment(url=url))
        if not relative:
            return None
        if relative in self.media_urls:
            log.add("images", "unchanged", key=f"inline:{relative}")
            return self.media_urls[relative]
        if self.media_dir is None:
            log.note(
                "image in a story body still loads from WordPress (no --media-dir)"
            )
            return None
        content = self._read_image(Attachment(url=url), label, log)
        if content is None:
            return None
        extension = content.name.rsplit(".", 1)[-1]
        name = str(PurePosixPath("wordpress", relative).with_suffix(f".{extension}"))
        if self.dry_run:
            log.add("images", "created", key=f"inline:{relative}")
            return None
        if default_storage.exists(name):  # copied by an earlier run
            log.add("images", "unchanged", key=f"inline:{relative}")
        else:
            name = default_storage.save(name, content)
            log.add("images", "created", key=f"inline:{relative}")
        self.media_urls[relative] = default_storage.url(name)
        return self.media_urls[relative]

    def _read_image(self, attachment: Attachment, label: str, log: _ItemLog):
        """The attachment's file from --media-dir, checked and re-encoded, or None."""
        relative = _uploads_path(attachment)
        if not relative:
            log.skip("images", "the attachment URL has no /uploads/ path", label)
            return None
        if self.media_dir is None:
            log.skip("images", "no --media-dir given", label)
            return None
        path = (self.media_dir / relative).resolve()
        if not path.is_relative_to(self.media_dir):
            log.skip("images", "the attachment path leaves --media-dir", label)
            return None
        if not path.is_file():
            log.skip("images", f"file missing: {relative}", label)
            return None
        with path.open("rb") as handle:
            upload = File(handle, name=path.name)
            try:
                validate_image_upload(upload)
                return reencode_upload(upload)
            except ValidationError as exc:
                if isinstance(exc.__cause__, Image.DecompressionBombError):
                    # Pillow refuses to even open it; "not an image" would mislead.
                    reason = (
                        f"{relative}: too many pixels to decode safely (over "
                        f"{Image.MAX_IMAGE_PIXELS * 2 // 1_000_000} megapixels, "
                        "a decompression bomb)"
                    )
                else:
                    reason = f"{relative}: {exc.messages[0]}"
                log.skip("images", reason, label)
            except (OSError, ValueError) as exc:
                log.skip("images", f"{relative}: unreadable ({exc})", label)
        return None

    # --- URLs ------------------------------------------------------------------

    def _check_url(self, item: Item, article: Article, label: str) -> None:
        """Note a story whose URL here differs from the one it had on WordPress."""
        local = parse_wp_date(item.post_date)
        here = timezone.localtime(article.published_at).replace(tzinfo=None)
        if local is not None and parse_wp_date(item.post_date_gmt) and here != local:
            self.clock_mismatches.append((local, here, here.date() != local.date()))
        if item.status != "publish" or not item.link:
            return
        old = unquote(urlsplit(item.link).path)
        if self.base_path and old.startswith(self.base_path + "/"):
            old = old[len(self.base_path) :]
        new = unquote(article.get_absolute_url())
        if old != new:
            self.url_changes.append((old, new))

    def _add_url_warnings(self) -> None:
        zone = timezone.get_current_timezone_name()
        if self.clock_mismatches:
            wp, here, _ = self.clock_mismatches[0]
            moved = sum(1 for *_x, day_moved in self.clock_mismatches if day_moved)
            self.report.warnings.append(
                f"TIME_ZONE is {zone}, but WordPress's local times differ for "
                f"{len(self.clock_mismatches)} stories (e.g. WordPress {wp:%Y-%m-%d %H:%M}, "
                f"here {here:%Y-%m-%d %H:%M}); {moved} of them fall on another day, so "
                "their dated URLs change. Set TIME_ZONE to the WordPress site's time "
                "zone (Settings → General) and import again."
            )
        if self.url_changes:
            old, new = self.url_changes[0]
            self.report.warnings.append(
                f"{len(self.url_changes)} stories have a different URL here than on "
                f"WordPress (e.g. {old} → {new}); ?p=ID links still redirect."
            )
        if self.term_addresses:
            moved = sorted(self.term_addresses.items())
            examples = ", ".join(f"{old} → {new}" for old, new in moved[:5])
            self.report.warnings.append(
                f"{len(moved)} category or tag pages have another address here, so "
                f"old links to them are 404: {examples}"
                + (", …" if len(moved) > 5 else "")
                + ". Redirect them at the web server (docs/import.md)."
            )
        if self.sticky:
            examples = ", ".join(self.sticky[:5]) + (
                ", …" if len(self.sticky) > 5 else ""
            )
            self.report.warnings.append(
                f"{len(self.sticky)} stories were sticky on WordPress: this site has "
                "no pinned or featured stories, so they are ordinary stories here "
                f"(by date): {examples}."
            )

    # --- comments ----------------------------------------------------------------

    def _import_comments(
        self, item: Item, article: Article, label: str, log: _ItemLog
    ) -> None:
        mark = len(log.events)
        try:
            with transaction.atomic():
                changed = CommentImport(
                    item, article, log, site=self.site, keep_deleted=self.keep_deleted
                ).run()
                if changed:
                    Comment.objects.recount([article.pk])
        except Exception as exc:  # the story stays; its comments are reported
            del log.events[mark:]
            log.skip(
                "comments",
                f"could not be saved ({_describe(exc)})",
                label,
                n=len(item.comments),
            )


COMMENT_STATUS = {
    "1": "approved",
    "approve": "approved",
    "0": "pending",
    "hold": "pending",
    "spam": "spam",
    "trash": "trash",
    "post-trashed": "trash",
}


class CommentImport:
    """One post's comments: threading kept, created in bulk, parents before replies."""

    def __init__(
        self,
        item: Item,
        article: Article,
        log: _ItemLog,
        *,
        site: str,
        keep_deleted: bool = False,
    ):
        self.Comment = Comment
        self.render = render_comment_html
        self.item = item
        self.article = article
        self.log = log
        self.site = site
        self.keep_deleted = keep_deleted

    def run(self) -> bool:
        Comment, log = self.Comment, self.log
        wanted = {}
        for wp in self.item.comments:
            if wp.comment_type in {"pingback", "trackback"}:
                log.skip("comments", "pingback or trackback")
                continue
            status = COMMENT_STATUS.get(wp.approved)
            created_at = _aware(wp.date_gmt, wp.date)
            if not wp.comment_id:
                log.skip("comments", "no comment ID")
            elif status is None:
                log.skip(
                    "comments", f"unknown status “{wp.approved}”", f"#{wp.comment_id}"
                )
            elif created_at is None:
                log.skip("comments", "no valid date", f"#{wp.comment_id}")
            elif not wp.content.strip():
                log.skip("comments", "empty", f"#{wp.comment_id}")
            else:
                wanted[wp.comment_id] = (wp, status, created_at)
        if not wanted:
            return self._withdraw_missing({})
        mappings = {
            m.wp_id: m
            for m in WordPressImport.objects.filter(
                site=self.site,
                kind=WordPressImport.Kind.COMMENT,
                wp_id__in=list(wanted),
            )
        }
        existing = Comment.objects.in_bulk([m.object_id for m in mappings.values()])
        ours: dict[str, object] = {}  # WordPress comment ID → our Comment
        for wp_id, mapping in mappings.items():
            if mapping.object_id in existing:
                ours[wp_id] = existing[mapping.object_id]
        # The comments app refuses two live comments with the same fingerprint
        # (which includes the story, so only this story's comments can clash).
        self.taken = dict(
            Comment.objects.filter(article=self.article)
            .exclude(status=Comment.Status.TRASH)
            .values_list("fingerprint", "pk")
        )
        self.new_records, self.changed_records = [], []
        changed = False
        # Parents before replies: walk the thread level by level.
        remaining = dict(wanted)
        while level_ids := [
            wp_id
            for wp_id, (wp, *_rest) in remaining.items()
            if wp.parent not in remaining
        ]:
            changed |= self._level(level_ids, wanted, mappings, ours)
            for wp_id in level_ids:
                del remaining[wp_id]
        for wp_id in remaining:  # a reply loop: WordPress never writes one
            log.skip("comments", "its parent chain loops", f"#{wp_id}")
        WordPressImport.objects.bulk_create(
            self.new_records,
            update_conflicts=True,
            unique_fields=["site", "kind", "wp_id"],
            update_fields=["object_id", "digest"],
        )
        WordPressImport.objects.bulk_update(self.changed_records, ["digest"])
        return self._withdraw_missing(ours) or changed

    def _withdraw_missing(self, ours: dict) -> bool:
        """This story's comments from this site that the export no longer has
        (WordPress leaves trashed and spam comments out) go to our trash."""
        Comment, log = self.Comment, self.log
        # Usually every comment of the story is one the export still has: then one
        # indexed query, and no search through the import records.
        present = {comment.pk for comment in ours.values()}
        others = [
            pk
            for pk in Comment.objects.filter(article=self.article).values_list(
                "pk", flat=True
            )
            if pk not in present
        ]
        if not others:
            return False
        exported = [wp.comment_id for wp in self.item.comments if wp.comment_id]
        gone = (
            WordPressImport.objects.filter(
                site=self.site, kind=WordPressImport.Kind.COMMENT, object_id__in=others
            )
            .exclude(wp_id__in=exported)
            .exclude(digest=TRASHED)  # withdrawn by an earlier run
        )
        comments = Comment.objects.in_bulk(others)
        changed = False
        for mapping in gone:
            comment = comments.get(mapping.object_id)
            example = f"#{mapping.wp_id}"
            if self.keep_deleted:
                log.skip(
                    "comments",
                    "no longer in the export, kept here (--keep-deleted)",
                    example,
                )
                continue
            # Should it come back, its data differs from TRASHED: it is re-applied.
            mapping.digest = TRASHED
            mapping.save(update_fields=["digest", "imported_at"])
            if comment is not None and comment.trash(
                reason="no longer in the WordPress export"
            ):
                changed = True
                log.remove(
                    "comments", "no longer in the export: moved to the trash", example
                )
        return changed

    def _fields(self, wp, status, created_at, parent) -> dict:
        url = wp.author_url.strip()[:URL_MAX]
        if not url.lower().startswith(("http://", "https://")):
            url = ""
        email = wp.author_email.strip()
        try:
            ip = str(ipaddress.ip_address(wp.author_ip.strip()))
        except ValueError:
            ip = None
        content = html.unescape(wp.content).strip()[:CONTENT_MAX]
        return {
            "article": self.article,
            "parent": parent,
            "depth": (parent.depth + 1) if parent is not None else 1,
            "status": status,
            "author_name": plain_text(wp.author)[:NAME_MAX],
            "author_email": email if len(email) <= EMAIL_MAX and "@" in email else "",
            "author_url": url,
            "ip_address": ip,
            "user_agent": wp.user_agent[:255],
            "content": content,
            "content_html": self.render(content),
            "created_at": created_at,
            "status_reason": "imported from WordPress",
        }

    def _level(self, level_ids, wanted, mappings, ours) -> bool:
        """Create or update one level of the threads; returns whether anything changed."""
        Comment, log = self.Comment, self.log
        candidates = []  # (comment, WordPress ID, digest)
        for wp_id in level_ids:
            wp, status, created_at = wanted[wp_id]
            digest = _digest(
                wp.author,
                wp.author_email,
                wp.author_url,
                wp.author_ip,
                wp.user_agent,
                wp.date,
                wp.date_gmt,
                wp.content,
                wp.approved,
                wp.parent,
            )
            comment = ours.get(wp_id)
            if comment is not None and mappings[wp_id].digest == digest:
                log.add("comments", "unchanged")
                continue
            fields = self._fields(wp, status, created_at, ours.get(wp.parent))
            if comment is None:
                comment = Comment(**fields)
            else:
                for name, value in fields.items():
                    setattr(comment, name, value)
            comment.fingerprint = comment.make_fingerprint()
            comment.email_key = Comment.fold_email(comment.author_email)
            candidates.append((comment, wp_id, digest))
        taken = self.taken
        new, updated = [], []
        for comment, wp_id, digest in candidates:
            if comment.status != Comment.Status.TRASH:
                if taken.get(comment.fingerprint, comment.pk) != comment.pk:
                    log.skip(
                        "comments",
                        "a duplicate (same author, text and parent)",
                        f"#{wp_id}",
                    )
                    continue
                taken[comment.fingerprint] = comment.pk or -1
            (updated if comment.pk else new).append((comment, wp_id, digest))
        if new:
            Comment.objects.bulk_create([c for c, *_ in new])
            for comment, wp_id, digest in new:
                taken[comment.fingerprint] = comment.pk
                self.new_records.append(
                    WordPressImport(
                        site=self.site,
                        kind=WordPressImport.Kind.COMMENT,
                        wp_id=wp_id,
                        object_id=comment.pk,
                        digest=digest,
                    )
                )
            log.add("comments", "created", len(new))
        if updated:
            Comment.objects.bulk_update(
                [c for c, *_ in updated],
                [
                    "parent",
                    "depth",
                    "status",
                    "author_name",
                    "author_email",
                    "email_key",
                    "author_url",
                    "ip_address",
                    "user_agent",
                    "content",
                    "content_html",
                    "created_at",
                    "fingerprint",
                ],
            )
            for _comment, wp_id, digest in updated:
                mappings[wp_id].digest = digest
                self.changed_records.append(mappings[wp_id])
            log.add("comments", "updated", len(updated))
        for comment, wp_id, _ in new + updated:
            ours[wp_id] = comment
        return bool(new or updated)
