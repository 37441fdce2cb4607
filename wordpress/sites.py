"""Which WordPress site an export comes from.

WordPress numbers every blog's posts and comments from 1, so an ID means nothing
without the blog it belongs to: every import record is keyed on its site. A
second site's export creates new stories and never updates the first's.
Records made before sites were kept are claimed by the export that holds their
very data, or left alone, as the newsroom says (docs/import.md).
"""

from pathlib import Path
from urllib.parse import urlsplit

from wordpress.models import WordPressImport
from wordpress.records import post_digest
from wordpress.report import Report
from wordpress.survey import Survey
from wordpress.wxr import Channel, WXRError, read_export


def site_key(url: str) -> str:
    """A WordPress blog's identity: 'https://Herald.example.com/news/' →
    'herald.example.com/news'. http and https are the same site."""
    url = (url or "").strip()
    if "://" not in url:
        url = "//" + url
    parts = urlsplit(url)
    return (parts.netloc.lower() + parts.path.rstrip("/"))[:200]


def site_of(channel: Channel, *, given: str, export_name: str) -> str:
    """--site when given, else the blog's address from the export. The blog's,
    not the network's: each blog of a multisite network numbers its own posts."""
    found = site_key(channel.base_blog_url or channel.base_site_url or channel.link)
    if given:
        return given
    if not found:
        raise WXRError(
            f"{export_name} does not say which site it comes from (no "
            "wp:base_blog_url, wp:base_site_url or <link>): name it with --site."
        )
    return found


def introduce_site(
    report: Report,
    survey: Survey,
    path: Path,
    *,
    site: str,
    given: str,
    unattributed: str,
) -> None:
    """Say whose IDs these are, and claim records made before sites were kept."""
    channel = survey.channel
    found = site_key(channel.base_blog_url or channel.base_site_url or channel.link)
    records = WordPressImport.objects.filter(site=site)
    known = records.exists()
    line = f"Site: {site}"
    if given and found and found != site:
        line += f" (given with --site; the export says {found})"
    if not known:
        line += " — imported for the first time"
    report.site_lines.append(line)
    _claim_unattributed(
        report, survey, path, site=site, site_known=known, unattributed=unattributed
    )
    others = (
        WordPressImport.objects.filter(kind=WordPressImport.Kind.POST)
        .exclude(site__in=[site, ""])
        .values_list("site", flat=True)
        .distinct()
    )
    others = sorted(others)
    if others and not known:
        report.site_lines.append(
            f"Stories from {', '.join(others)} are left as they are. If this is "
            f"one of those sites under a new address, import with --site "
            f"{others[0]} instead."
        )


def _claim_unattributed(
    report: Report,
    survey: Survey,
    path: Path,
    *,
    site: str,
    site_known: bool,
    unattributed: str,
) -> None:
    """Records from before sites were recorded came from the one site imported
    then. This export claims them when it holds that very data: most of the
    posts they share have the fingerprint the records kept. Otherwise the
    newsroom decides (--unattributed), since guessing wrong would let another
    site's posts overwrite these stories."""
    records = WordPressImport.objects.filter(site="")
    total = records.count()
    if not total:
        return
    stored = dict(
        records.filter(kind=WordPressImport.Kind.POST).values_list("wp_id", "digest")
    )
    shared = matching = 0
    for kind, item in read_export(path):  # once, while such records exist
        if kind != "item" or item.post_type != "post" or item.post_id not in stored:
            continue
        shared += 1
        attachment = survey.attachments.get(item.meta.get("_thumbnail_id", "").strip())
        if stored[item.post_id] in {
            post_digest(item, attachment, with_media) for with_media in (True, False)
        }:
            matching += 1
    evidence = f"{matching} of the {shared} posts they share with this export"
    claim = unattributed == "claim" or (
        not unattributed and shared and matching * 2 > shared
    )
    if claim and site_known:
        raise WXRError(
            f"{total} import records from before sites were recorded cannot join "
            f"{site}, which has records of its own: import with "
            "--unattributed leave."
        )
    if claim:
        records.update(site=site)
        report.site_lines.append(
            f"{total} import records from before sites were recorded now belong "
            f"to {site} ({evidence} are unchanged since they were imported)."
        )
    elif unattributed == "leave" or site_known:
        report.site_lines.append(
            f"{total} import records from before sites were recorded are left "
            "alone: this import neither reads nor updates them."
        )
    else:
        raise WXRError(
            f"{total} import records from before sites were recorded may or may "
            f"not be from {site} ({evidence} are unchanged since they were "
            "imported). Say which: --unattributed claim (they are this site's) or "
            "--unattributed leave (another site's)."
        )
