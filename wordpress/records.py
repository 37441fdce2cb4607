"""The fingerprint each import record keeps of the WordPress data it was made from
(WordPressImport.digest): a post, comment or author whose data has not changed
since the last run is left alone, so edits made here survive."""

import hashlib
import json

from wordpress.survey import Attachment
from wordpress.wxr import Item

# Bump when the mapping changes, so unchanged posts are re-applied once.
MAPPING_VERSION = "1"
# The digest of a post mapping once its story was withdrawn (not a hex digest).
TRASHED = "trashed on WordPress"


def digest_of(*parts) -> str:
    """The digest of some WordPress data under this version of the mapping."""
    raw = json.dumps([MAPPING_VERSION, *parts], ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8", "surrogatepass")).hexdigest()


def post_digest(item: Item, attachment: Attachment | None, with_media: bool) -> str:
    return digest_of(
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
