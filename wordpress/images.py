"""Featured and inline images, copied from --media-dir (a copy of the site's
wp-content/uploads) into the image library through images.uploads.add_upload():
checked and re-encoded like an editor's upload, and a file already in the
library (same bytes) is reused, not stored again. Nothing is downloaded."""

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File

from images import processing
from images.uploads import add_upload
from wordpress.models import WordPressImport
from wordpress.report import ItemLog
from wordpress.survey import Attachment


def uploads_path(attachment: Attachment) -> str:
    """'https://site/wp-content/uploads/2016/11/a.jpg' → '2016/11/a.jpg'."""
    return unquote(urlsplit(attachment.url).path).partition("/uploads/")[2]


class ImageImport:
    """A run's images: each post's featured image, and the images in its body."""

    def __init__(self, media_dir: Path | None, *, site: str, dry_run: bool):
        self.media_dir = media_dir
        self.site = site
        self.dry_run = dry_run
        # Inline images already in the library: path under uploads/ → our URL.
        self.media_urls: dict[str, str] = {}
        # Library images a file turned out to be already in (same bytes).
        self.found_existing: set[int] = set()

    def featured_missing(self, item, article, attachment) -> bool:
        """True when the post has a featured image we have not got yet (e.g. a first
        run without --media-dir), so an unchanged post is looked at again."""
        if attachment is None or article.featured_image_id or self.media_dir is None:
            return False
        relative = uploads_path(attachment)
        path = (self.media_dir / relative).resolve()
        return bool(relative) and path.is_relative_to(self.media_dir) and path.is_file()

    def import_featured(self, item, article, attachment, label, log) -> None:
        thumbnail_id = item.meta.get("_thumbnail_id", "").strip()
        mapping = WordPressImport.objects.filter(
            site=self.site, kind=WordPressImport.Kind.FEATURED_IMAGE, wp_id=item.post_id
        ).first()
        if not thumbnail_id:
            if mapping is not None and article.featured_image_id:
                article.featured_image = None
                article.image_caption = article.image_credit = ""
                mapping.delete()
                log.add("images", "updated")
            return
        if attachment is None:
            log.skip("images", "the attachment is not in the export", label)
            return
        if (
            mapping is not None
            and mapping.object_id == int(thumbnail_id)
            and article.featured_image_id
        ):
            self._set_text(article, attachment, log)
            log.add("images", "unchanged")
            return
        if not attachment.alt:
            log.note(
                "featured image without alt text: the library's says the post's "
                "title; editors should describe the picture"
            )
        image = self._add(attachment, attachment.alt or f"Image: {label}", label, log)
        if image is None:
            return
        if not self.dry_run:
            article.featured_image = image
        self._set_text(article, attachment, log)
        log.add("images", "updated" if mapping else "created")
        WordPressImport.objects.update_or_create(
            site=self.site,
            kind=WordPressImport.Kind.FEATURED_IMAGE,
            wp_id=item.post_id,
            defaults={"object_id": int(thumbnail_id)},
        )

    def _set_text(self, article, attachment, log) -> None:
        """The attachment's caption and credit, as the story's own where they
        differ from the library image's (a reused image keeps its texts)."""
        image = article.featured_image
        caption, credit = attachment.caption[:500], attachment.credit[:250]
        article.image_caption = "" if image and image.caption == caption else caption
        article.image_credit = "" if image and image.credit == credit else credit

    def inline_url(self, url: str, label: str, log: ItemLog) -> str | None:
        """Our copy of an image in a post body (from --media-dir), or None to leave
        the link as it was (not a WordPress upload, or no copy to be had)."""
        relative = uploads_path(Attachment(url=url))
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
        name = PurePosixPath(relative).name
        image = self._add(Attachment(url=url), f"Image: {name}", label, log)
        if image is None:
            return None
        reused = image is not DRY_RUN and image.pk in self.found_existing
        log.add(
            "images", "unchanged" if reused else "created", key=f"inline:{relative}"
        )
        if self.dry_run:
            return None
        self.media_urls[relative] = image.file.url
        return self.media_urls[relative]

    def _add(self, attachment: Attachment, alt_text: str, label: str, log: ItemLog):
        """The attachment's file from --media-dir in the library (added now, or
        found there by its bytes), or None with the reason logged. A dry run
        only checks the file, and returns DRY_RUN for one that would be added."""
        relative = uploads_path(attachment)
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
            if self.dry_run:
                try:
                    processing.validate_image_upload(upload)
                except ValidationError as exc:
                    log.skip("images", f"{relative}: {exc.messages[0]}", label)
                    return None
                return DRY_RUN
            try:
                outcome = add_upload(
                    upload,
                    alt_text=alt_text[:300],
                    user=None,
                    caption=attachment.caption,
                    credit=attachment.credit[:200],
                )
            except (OSError, ValueError) as exc:
                log.skip("images", f"{relative}: unreadable ({exc})", label)
                return None
        if outcome.error:
            log.skip("images", f"{relative}: {outcome.error}", label)
            return None
        if outcome.existing:
            self.found_existing.add(outcome.existing.pk)
        return outcome.image or outcome.existing


# What _add() returns in a dry run for a file that would be added.
DRY_RUN = object()
