"""Featured and inline images, copied from --media-dir (a copy of the site's
wp-content/uploads): checked and re-encoded like an editor's upload. Nothing is
downloaded."""

from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.files import File
from django.core.files.storage import default_storage
from PIL import Image

from articles.images import reencode_upload, validate_image_upload
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
        # Inline images already copied: path under uploads/ → our URL. Files are not
        # transactional, so this survives a failed post.
        self.media_urls: dict[str, str] = {}

    def featured_missing(self, item, article, attachment) -> bool:
        """True when the post has a featured image we have not got yet (e.g. a first
        run without --media-dir), so an unchanged post is looked at again."""
        if attachment is None or article.featured_image or self.media_dir is None:
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
            self._set_text(article, attachment, log)
            log.add("images", "unchanged")
            return
        content = self._read(attachment, label, log)
        if content is None:
            return
        if not self.dry_run:
            article.featured_image.save(content.name, content, save=False)
        self._set_text(article, attachment, log)
        log.add("images", "updated" if mapping else "created")
        WordPressImport.objects.update_or_create(
            site=self.site,
            kind=WordPressImport.Kind.FEATURED_IMAGE,
            wp_id=item.post_id,
            defaults={"object_id": int(thumbnail_id)},
        )

    def _set_text(self, article, attachment, log) -> None:
        article.image_alt = attachment.alt[:250]
        article.image_caption = attachment.caption[:500]
        article.image_credit = attachment.credit[:250]
        if not attachment.alt:
            log.note("featured image without alt text: editors must add it")

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
        content = self._read(Attachment(url=url), label, log)
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

    def _read(self, attachment: Attachment, label: str, log: ItemLog):
        """The attachment's file from --media-dir, checked and re-encoded, or None."""
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
