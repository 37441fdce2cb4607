"""Addresses on the way from WordPress: links in a body to the old site's stories
point at the same paths here, and the report warns about every old address
(a story's, a category's or a tag's) that leads nowhere, or elsewhere, here."""

import html
import re
from collections.abc import Callable
from urllib.parse import unquote, urlsplit

from django.utils import timezone

from articles.models import Article
from wordpress.wxr import Item, parse_wp_date

IMG_SRC = re.compile(r'(<img\b[^>]*?\bsrc=")([^"]*)(")', re.IGNORECASE)
LINK_HREF = re.compile(r'(<a\b[^>]*?\bhref=")([^"]*)(")', re.IGNORECASE)
# Addresses that exist here too: dated story URLs and /?p=ID.
SAME_ON_BOTH = re.compile(r"^(/\d{4}/\d{2}/\d{2}/[^/?#]+/?|/?\?p=\d+)(#[\w-]*)?$")


def rewrite_urls(
    clean_html: str, *, image_url: Callable[[str], str | None], site_urls: list[str]
) -> str:
    """Point inline images at our own copies, and links to the old site's stories at
    the same paths here. `image_url(old)` returns the new URL or None to keep it."""

    def image(match):
        new = image_url(html.unescape(match.group(2)))
        if new is None:
            return match.group(0)
        return f"{match.group(1)}{html.escape(new)}{match.group(3)}"

    prefixes = sorted(
        {u.rstrip("/") for url in site_urls if url for u in _both_schemes(url)},
        key=len,
        reverse=True,
    )

    def link(match):
        old = html.unescape(match.group(2))
        for prefix in prefixes:
            if old.startswith(prefix) and SAME_ON_BOTH.match(old[len(prefix) :] or "/"):
                path = old[len(prefix) :]
                return f"{match.group(1)}{html.escape(path)}{match.group(3)}"
        return match.group(0)

    return LINK_HREF.sub(link, IMG_SRC.sub(image, clean_html))


def _both_schemes(url: str) -> list[str]:
    rest = url.split("://", 1)[-1]
    return [f"http://{rest}", f"https://{rest}"]


class AddressChanges:
    """Old WordPress addresses that are not the same here, gathered for the report."""

    def __init__(self, base_path: str = ""):
        self.base_path = base_path  # the blog's path on its host, e.g. /news
        self.url_changes: list[tuple[str, str]] = []
        self.clock_mismatches: list[tuple] = []
        # Old WordPress address → ours, for category and tag pages that moved.
        self.term_addresses: dict[str, str] = {}

    def check_story(self, item: Item, article: Article) -> None:
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

    def warnings(self) -> list[str]:
        """What the report says about the addresses that changed."""
        warnings = []
        zone = timezone.get_current_timezone_name()
        if self.clock_mismatches:
            wp, here, _ = self.clock_mismatches[0]
            moved = sum(1 for *_x, day_moved in self.clock_mismatches if day_moved)
            warnings.append(
                f"TIME_ZONE is {zone}, but WordPress's local times differ for "
                f"{len(self.clock_mismatches)} stories (e.g. WordPress {wp:%Y-%m-%d %H:%M}, "
                f"here {here:%Y-%m-%d %H:%M}); {moved} of them fall on another day, so "
                "their dated URLs change. Set TIME_ZONE to the WordPress site's time "
                "zone (Settings → General) and import again."
            )
        if self.url_changes:
            old, new = self.url_changes[0]
            warnings.append(
                f"{len(self.url_changes)} stories have a different URL here than on "
                f"WordPress (e.g. {old} → {new}); ?p=ID links still redirect."
            )
        if self.term_addresses:
            moved = sorted(self.term_addresses.items())
            examples = ", ".join(f"{old} → {new}" for old, new in moved[:5])
            warnings.append(
                f"{len(moved)} category or tag pages have another address here, so "
                f"old links to them are 404: {examples}"
                + (", …" if len(moved) > 5 else "")
                + ". Redirect them at the web server (docs/import.md)."
            )
        return warnings
