"""Pass one: the whole export read once, before anything is written.

It validates all of the file (a truncated or hostile file is refused whole) and
collects the little that later items refer to: authors' display names,
categories, and attachments (featured images usually come *after* the post that
uses them).
"""

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.html import strip_tags

from wordpress.wxr import Channel, read_export

PHP_CREDIT = re.compile(r's:6:"credit";s:\d+:"(?P<credit>[^"]*)";')


@dataclass
class Attachment:
    url: str
    alt: str = ""
    caption: str = ""
    credit: str = ""

    def as_key(self) -> list[str]:
        return [self.url, self.alt, self.caption, self.credit]


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


def plain_text(value: str) -> str:
    """HTML or entity-laden WordPress text → plain text with single spaces."""
    text = html.unescape(strip_tags(value or ""))
    return " ".join(text.split())


def _credit(php_serialized: str) -> str:
    found = PHP_CREDIT.search(php_serialized or "")
    return html.unescape(found.group("credit")).strip()[:250] if found else ""
