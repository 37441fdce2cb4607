"""Read a WordPress export (WXR 1.0–1.2) as a stream of plain records.

The file is parsed with defusedxml's iterparse: a DTD, entity declarations or
external references are refused (WordPress never writes them, attackers do), and
each <item> is dropped from the tree once it has been read, so memory stays flat
however large the export is. Every problem with the file itself is raised as a
WXRError with one line a user can act on.
"""

import gzip
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from xml.etree.ElementTree import ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse
from django.utils import timezone

SUPPORTED_VERSIONS = ("1.0", "1.1", "1.2")
WP_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/(\d+\.\d+)/$")
EXCERPT_NAMESPACE = re.compile(r"^https?://wordpress\.org/export/\d+\.\d+/excerpt/$")
NAMESPACES = {
    "http://purl.org/rss/1.0/modules/content/": "content",
    "http://purl.org/dc/elements/1.1/": "dc",
    "http://wellformedweb.org/CommentAPI/": "wfw",
}
ZERO_DATE = "0000-00-00 00:00:00"


class WXRError(Exception):
    """The file cannot be imported at all; the message is one line for the user."""


@dataclass
class Channel:
    version: str = ""
    title: str = ""
    link: str = ""
    base_site_url: str = ""
    base_blog_url: str = ""


@dataclass
class Comment:
    comment_id: str
    author: str = ""
    author_email: str = ""
    author_url: str = ""
    author_ip: str = ""
    user_agent: str = ""
    date: str = ""
    date_gmt: str = ""
    content: str = ""
    approved: str = ""
    comment_type: str = ""
    parent: str = "0"


@dataclass
class Item:
    """One <item>: a post, page, attachment or anything else WordPress stores."""

    post_id: str = ""
    post_type: str = ""
    title: str = ""
    link: str = ""
    guid: str = ""
    creator: str = ""
    content: str = ""
    excerpt: str = ""
    post_date: str = ""
    post_date_gmt: str = ""
    post_name: str = ""
    status: str = ""
    comment_status: str = ""
    post_password: str = ""
    post_parent: str = "0"
    attachment_url: str = ""
    sticky: bool = False
    # (domain, nicename, name) in document order.
    terms: list[tuple[str, str, str]] = field(default_factory=list)
    meta: dict[str, str] = field(default_factory=dict)
    comments: list[Comment] = field(default_factory=list)


def parse_wp_date(value: str) -> datetime | None:
    """A WordPress 'YYYY-MM-DD HH:MM:SS' as a naive datetime; None for 0000-00-00."""
    value = (value or "").strip()
    if not value or value == ZERO_DATE:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d %H:%M:%S")
    except ValueError:
        return None


def aware_time(gmt_text: str, local_text: str) -> datetime | None:
    """WordPress's GMT time when it has one, else its local time read in TIME_ZONE."""
    gmt = parse_wp_date(gmt_text)
    if gmt is not None:
        return gmt.replace(tzinfo=UTC)
    local = parse_wp_date(local_text)
    if local is not None:
        return timezone.make_aware(local)
    return None


def open_export(path: Path):
    """Open a plain or gzipped export; a wrongly gzipped file is refused up front."""
    try:
        handle = path.open("rb")
    except FileNotFoundError as exc:
        raise WXRError(f"{path}: no such file.") from exc
    except IsADirectoryError as exc:
        raise WXRError(f"{path} is a directory, not an export file.") from exc
    except OSError as exc:
        raise WXRError(f"{path} cannot be read: {exc.strerror}.") from exc
    magic = handle.read(2)
    handle.seek(0)
    if magic == b"\x1f\x8b":
        return gzip.GzipFile(fileobj=handle, mode="rb")
    if path.suffix.lower() in {".gz", ".gzip"}:
        handle.close()
        raise WXRError(f"{path.name} is named .gz but is not gzip-compressed.")
    return handle


def _name(tag: str) -> str:
    """'{uri}local' → 'prefix:local' with WordPress's usual prefixes."""
    if not tag.startswith("{"):
        return tag
    uri, local = tag[1:].split("}", 1)
    if WP_NAMESPACE.match(uri):
        return f"wp:{local}"
    if EXCERPT_NAMESPACE.match(uri):
        return f"excerpt:{local}"
    prefix = NAMESPACES.get(uri)
    return f"{prefix}:{local}" if prefix else tag


def _text(element) -> str:
    return element.text or ""


def _read_item(element) -> Item:
    item = Item()
    simple = {
        "title": "title",
        "link": "link",
        "guid": "guid",
        "dc:creator": "creator",
        "content:encoded": "content",
        "excerpt:encoded": "excerpt",
        "wp:post_id": "post_id",
        "wp:post_date": "post_date",
        "wp:post_date_gmt": "post_date_gmt",
        "wp:post_name": "post_name",
        "wp:status": "status",
        "wp:post_type": "post_type",
        "wp:comment_status": "comment_status",
        "wp:post_password": "post_password",
        "wp:post_parent": "post_parent",
        "wp:attachment_url": "attachment_url",
    }
    for child in element:
        name = _name(child.tag)
        if name in simple:
            setattr(
                item,
                simple[name],
                _text(child).strip()
                if name
                not in {
                    "content:encoded",
                    "excerpt:encoded",
                }
                else _text(child),
            )
        elif name == "wp:is_sticky":
            item.sticky = _text(child).strip() == "1"
        elif name == "category":
            item.terms.append(
                (
                    child.get("domain", "category"),
                    child.get("nicename", ""),
                    _text(child).strip(),
                )
            )
        elif name == "wp:postmeta":
            key = value = ""
            for part in child:
                if _name(part.tag) == "wp:meta_key":
                    key = _text(part).strip()
                elif _name(part.tag) == "wp:meta_value":
                    value = _text(part)
            if key:
                item.meta[key] = value
        elif name == "wp:comment":
            item.comments.append(_read_comment(child))
    return item


def _read_comment(element) -> Comment:
    fields = {
        "wp:comment_id": "comment_id",
        "wp:comment_author": "author",
        "wp:comment_author_email": "author_email",
        "wp:comment_author_url": "author_url",
        "wp:comment_author_IP": "author_ip",
        "wp:comment_agent": "user_agent",
        "wp:comment_date": "date",
        "wp:comment_date_gmt": "date_gmt",
        "wp:comment_content": "content",
        "wp:comment_approved": "approved",
        "wp:comment_type": "comment_type",
        "wp:comment_parent": "parent",
    }
    comment = Comment(comment_id="")
    for child in element:
        attribute = fields.get(_name(child.tag))
        if attribute:
            value = _text(child)
            setattr(
                comment, attribute, value if attribute == "content" else value.strip()
            )
    return comment


def _read_fields(element) -> dict[str, str]:
    """An author's or a term's <wp:…> fields, by name without the prefix."""
    return {_name(child.tag)[3:]: _text(child).strip() for child in element}


def read_export(path: Path) -> Iterator[tuple[str, object]]:
    """Yield ("channel", Channel) once, then ("author", dict), ("category", dict),
    ("tag", dict) and ("item", Item) records in file order.

    Raises WXRError for a file that is not (safe, complete, supported) WXR.
    """
    handle = open_export(path)
    seen = _Seen()
    try:
        yield from _records(path, handle, seen)
    except DefusedXmlException as exc:
        raise WXRError(
            f"{path.name} was refused: it declares a DTD, entities or external "
            "references, which WordPress exports never contain."
        ) from exc
    except ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        problem = str(exc).split(":")[0]
        if isinstance(handle, gzip.GzipFile) and _gzip_damaged(path):
            # A flipped bit in compressed data decompresses to garbage the XML
            # parser trips over long before gzip's checksum at the end catches it.
            raise WXRError(
                f"{path.name} is damaged: the gzip data is corrupt (its checksum "
                "does not match); copy or export the file again."
            ) from exc
        if not seen.element and problem == "no element found":
            raise WXRError(
                f"{path.name} is empty: it holds no XML elements; export it again."
            ) from exc
        if problem in {"no element found", "unclosed token"}:
            raise WXRError(
                f"{path.name} ends early (line {line}): the file is truncated; "
                "export it again."
            ) from exc
        raise WXRError(
            f"{path.name} is not valid XML ({problem}, line {line}, column {column})."
        ) from exc
    except (gzip.BadGzipFile, EOFError, zlib.error) as exc:
        raise WXRError(
            f"{path.name} is damaged: the gzip data is truncated or corrupt."
        ) from exc
    except OSError as exc:
        raise WXRError(f"{path.name} cannot be read: {exc}.") from exc
    finally:
        handle.close()


class _Seen:
    """How far the parser got, for the error message."""

    element = False


def _gzip_damaged(path: Path) -> bool:
    """Read the whole compressed stream: does gzip itself find it broken?"""
    try:
        with gzip.open(path, "rb") as stream:
            while stream.read(1 << 20):
                pass
    except (gzip.BadGzipFile, EOFError, zlib.error, OSError):
        return True
    return False


def _records(path: Path, handle, seen: _Seen) -> Iterator[tuple[str, object]]:
    channel = Channel()
    channel_element = None
    depth = 0
    announced = False
    wp_namespace_seen = False
    for event, payload in iterparse(
        handle, events=("start-ns", "start", "end"), forbid_dtd=True
    ):
        if event == "start-ns":
            _prefix, uri = payload
            match = WP_NAMESPACE.match(uri)
            if match:
                wp_namespace_seen = True
                if match.group(1) not in SUPPORTED_VERSIONS:
                    raise WXRError(_version_message(path, match.group(1)))
            continue
        element = payload
        if event == "start":
            seen.element = True
            depth += 1
            if depth == 1 and element.tag != "rss":
                raise WXRError(
                    f"{path.name} is not a WordPress export: its root element is "
                    f"<{_name(element.tag)}>, not <rss>."
                )
            if depth == 2 and element.tag == "channel":
                channel_element = element
            continue
        # "end"
        depth -= 1
        if depth != 2 or channel_element is None:
            continue
        name = _name(element.tag)
        if name == "item":
            if not announced:
                announced = _announce(path, channel, wp_namespace_seen)
                yield "channel", channel
            yield "item", _read_item(element)
        elif name == "wp:author":
            yield "author", _read_fields(element)
        elif name == "wp:category":
            yield "category", _read_fields(element)
        elif name == "wp:tag":
            yield "tag", _read_fields(element)
        elif name == "wp:wxr_version":
            channel.version = _text(element).strip()
            if channel.version not in SUPPORTED_VERSIONS:
                raise WXRError(_version_message(path, channel.version))
        elif name == "wp:base_site_url":
            channel.base_site_url = _text(element).strip()
        elif name == "wp:base_blog_url":
            channel.base_blog_url = _text(element).strip()
        elif name == "title":
            channel.title = _text(element).strip()
        elif name == "link":
            channel.link = _text(element).strip()
        # Done with this child of <channel>: drop it so memory stays flat.
        channel_element.remove(element)
    if channel_element is None:
        raise WXRError(f"{path.name} is not a WordPress export: it has no <channel>.")
    if not announced:
        _announce(path, channel, wp_namespace_seen)
        yield "channel", channel


def _announce(path: Path, channel: Channel, wp_namespace_seen: bool) -> bool:
    if not channel.version or not wp_namespace_seen:
        raise WXRError(
            f"{path.name} is an RSS feed, not a WordPress export (no wp:wxr_version): "
            "use Tools → Export in WordPress."
        )
    return True


def _version_message(path: Path, version: str) -> str:
    supported = ", ".join(SUPPORTED_VERSIONS)
    return (
        f"{path.name} is WXR version {version or '(none)'}, which this importer does "
        f"not know (it reads {supported})."
    )
