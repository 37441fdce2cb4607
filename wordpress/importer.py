"""Map a WordPress export onto our stories, bylines, sections, tags, images, comments.

Two passes over the file. The first validates all of it before anything is
written (a truncated or hostile file is refused whole) and collects the little
that later items refer to: authors' display names and attachments (featured
images usually come *after* the post that uses them). The second imports post
by post, each in its own transaction, so an interrupted import can simply be
run again: every record is keyed on its site and its WordPress ID in
`WordPressImport`, and a post whose data has not changed since the last run is
left alone (edits made here survive), while one that changed is re-applied.

The site comes first (sites.py): an ID means nothing without the blog it
belongs to. Deletions seen in an export (a post in WordPress's trash, a comment
no longer in it) withdraw only records that came from that same site.
docs/import.md says it for editors.

This module drives the run and maps a post onto a story; its parts are mapped
by survey.py (pass one), sites.py, taxonomy.py, bylines.py, images.py,
comment_import.py and addresses.py, and counted in report.py.
"""

import re
from collections.abc import Callable
from contextlib import nullcontext
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.apps import apps
from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from articles.models import Article, Quote, SearchEntry, unique_slug
from newsroom.pagecache import content_changed
from wordpress.addresses import AddressChanges, rewrite_urls
from wordpress.body import convert_body
from wordpress.bylines import BylineImport, author_logins
from wordpress.comment_import import import_comments
from wordpress.images import ImageImport
from wordpress.models import WordPressImport
from wordpress.records import TRASHED, post_digest
from wordpress.report import ItemLog, Report, describe_error
from wordpress.sites import introduce_site, site_key, site_of
from wordpress.survey import Survey, plain_text, survey_export
from wordpress.taxonomy import TaxonomyImport
from wordpress.wxr import Item, aware_time, read_export

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
SLUG_OK = re.compile(r"[\w-]+")
# Above this many characters of raw post HTML the body cannot come under the
# limit once converted: refuse it before spending time converting it.
RAW_BODY_FACTOR = 4


class SkipItem(Exception):
    """This item cannot be imported; the message is the reason."""


def _too_long(length: int, limit: int, what: str = "") -> str:
    what = f" {what}" if what else ""
    return (
        f"body too long: {length:,} characters{what}, over the "
        f"ARTICLE_BODY_MAX_CHARS limit of {limit:,}; not imported"
    )


class WordPressImporter:
    """One export into this site: check_file() reads and checks it all, run()
    imports it post by post and returns the report."""

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
        self.sticky: list[str] = []
        self.survey: Survey | None = None
        self.site_urls: list[str] = []

    # --- driving -----------------------------------------------------------

    def check_file(self) -> Survey:
        """Read the whole file once; WXRError if it cannot be imported."""
        if self.survey is None:
            self.survey = survey_export(self.path)
            self.site = site_of(
                self.survey.channel, given=self.given_site, export_name=self.path.name
            )
        return self.survey

    def run(self) -> Report:
        survey = self.check_file()  # raises WXRError before any write
        channel = survey.channel
        self.site_urls = [channel.base_blog_url, channel.base_site_url, channel.link]
        # Made here, not in __init__: they need the export's site, categories and
        # authors, and a database that check_file() does not touch.
        self.addresses = AddressChanges(
            base_path=urlsplit(channel.base_blog_url or channel.link).path.rstrip("/")
        )
        self.taxonomy = TaxonomyImport(
            survey.categories,
            self.addresses,
            article_type=ContentType.objects.get_for_model(Article),
        )
        self.bylines = BylineImport(survey.authors, site=self.site)
        self.images = ImageImport(self.media_dir, site=self.site, dry_run=self.dry_run)
        if not self.with_comments:
            self.report.warnings.append(
                "Comments were not imported: the comments app is not installed."
            )
        done = 0
        outer = transaction.atomic() if self.dry_run else nullcontext()
        with outer:
            introduce_site(
                self.report,
                survey,
                self.path,
                site=self.site,
                given=self.given_site,
                unattributed=self.unattributed,
            )
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
        self.report.warnings += self.addresses.warnings()
        self._add_sticky_warning()
        return self.report

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
        log = ItemLog()
        if not reason:
            try:
                try:
                    with transaction.atomic():
                        self._import_post(item, label, log)
                except BaseException:
                    # Rows looked up in the rolled-back transaction are gone.
                    self.taxonomy.forget()
                    self.bylines.forget()
                    raise
            except SkipItem as exc:
                reason = str(exc)
            except Exception as exc:  # a user's file must never end in a traceback
                reason = f"could not be saved ({describe_error(exc)})"
        if reason:
            self.report.skip("stories", reason, label)
            if comments:
                self.report.skip("comments", "their story was not imported", n=comments)
            return
        self.report.merge(log)
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

    def _import_post(self, item: Item, label: str, log: ItemLog) -> None:
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
        digest = post_digest(item, attachment, self.media_dir is not None)
        if (
            article is not None
            and mapping.digest == digest
            and not self.images.featured_missing(item, article, attachment)
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
            import_comments(
                item,
                article,
                label,
                log,
                site=self.site,
                keep_deleted=self.keep_deleted,
            )

    def _count_unchanged_parts(
        self, item: Item, article: Article, log: ItemLog
    ) -> None:
        log.add("quotes", "unchanged", article.quotes.count())
        if article.featured_image_id:
            log.add("images", "unchanged")
        for tag in article.tags.all():
            log.add("tags", "unchanged", key=tag.name)
        if article.section_id:
            # The same key as TaxonomyImport.section()'s, so a section is counted once.
            log.add("sections", "unchanged", key=article.section.slug)
        for login in author_logins(item):
            log.add("bylines", "unchanged", key=login)

    def _apply_story(self, item, article, attachment, label, log) -> None:
        adding = article.pk is None  # nothing hangs off a new story yet
        status = STORY_STATUS[item.status]
        published_at = aware_time(item.post_date_gmt, item.post_date)
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
            image_url=lambda url: self.images.inline_url(url, label, log),
            site_urls=self.site_urls,
        )
        article.status = status
        article.published_at = published_at
        article.allow_comments = item.comment_status != "closed"
        article.section = self.taxonomy.section(item, log)
        self.images.import_featured(item, article, attachment, label, log)
        article.save()
        if article.slug != slug[:200]:
            # Article.save() gives a clashing slug a -2 on its day (another
            # story, perhaps another site's post of the same name and date).
            log.note(
                "address taken by another story that day: a suffix was added",
                f"{label} → {unquote(article.get_absolute_url())}",
            )

        self.taxonomy.set_tags(article, self.taxonomy.tag_names(item), log, adding)
        self.bylines.set_bylines(item, article, log, adding)
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
            self.addresses.check_story(item, article)

    def _add_sticky_warning(self) -> None:
        if self.sticky:
            examples = ", ".join(self.sticky[:5]) + (
                ", …" if len(self.sticky) > 5 else ""
            )
            self.report.warnings.append(
                f"{len(self.sticky)} stories were sticky on WordPress: this site has "
                "no pinned or featured stories, so they are ordinary stories here "
                f"(by date): {examples}."
            )
