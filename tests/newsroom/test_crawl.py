"""The site crawled the way it is deployed: DEBUG off, the page cache on, anonymous.

Every public address found from the sitemaps, the feeds and the list pages, plus an
imported WordPress link (?p=ID) and an old story address, is asked for in every
variant a reader, a crawler or an old link produces (no trailing slash, upper case,
a tracking parameter, HEAD, a conditional GET), twice: the miss and the hit must both
answer below 500 and say the same thing.
"""

import re
from io import StringIO
from pathlib import Path
from urllib.parse import urlsplit
from xml.etree import ElementTree

import pytest
from django.core.management import call_command
from django.utils import timezone

from articles.models import Article, ArticleRedirect
from tests.support.factories import make_article
from wordpress.models import WordPressImport

pytestmark = pytest.mark.django_db

WXR = Path(__file__).parents[1] / "fixtures" / "wxr" / "site-a.xml"
# What a reader's browser or an intermediary might compare between miss and hit.
PUBLIC_HEADERS = ("Content-Type", "Location", "Cache-Control", "Vary")
STARTING_POINTS = [
    "/",
    "/sitemap.xml",
    "/sitemap-news.xml",
    "/robots.txt",
    "/feed/",
    "/feed/atom/",
    "/comments/feed/",
    "/quotes/",
    "/tags/",
    "/corrections/",
    "/search/?q=putin",
    "/search/?q=",
]
HREF = re.compile(r'href="(/[^"#]*)"')


@pytest.fixture
def production(settings, tmp_path):
    settings.DEBUG = False
    settings.PAGE_CACHE_SECONDS = 300
    settings.VAR_DIR = tmp_path
    settings.SEARCH_RATE_LIMIT = 0  # the crawl is one client asking a lot


@pytest.fixture
def site(production):
    call_command("load_demo", verbosity=0)
    call_command("import_wordpress", str(WXR), stdout=StringIO(), stderr=StringIO())
    moved = make_article(headline="A story that moved", section=None)
    ArticleRedirect.objects.create(
        article=moved,
        day=timezone.localdate(moved.published_at),
        slug="a-story-that-was-renamed",
    )
    return moved


def _local_links(response) -> set[str]:
    if response.status_code != 200:
        return set()
    content_type = response["Content-Type"]
    body = response.content.decode()
    if "xml" in content_type:
        links = set()
        for element in ElementTree.fromstring(response.content).iter():
            if element.tag.rsplit("}", 1)[-1] in {"loc", "link", "id"}:
                text = (element.text or element.get("href") or "").strip()
                links.add(text)
            if element.get("href"):
                links.add(element.get("href"))
        paths = set()
        for link in links:
            parts = urlsplit(link)
            if parts.path.startswith("/"):
                paths.add(parts.path + (f"?{parts.query}" if parts.query else ""))
        return paths
    if "html" in content_type:
        return {link.replace("&amp;", "&") for link in HREF.findall(body)}
    return set()


def _public_addresses(client) -> list[str]:
    """Breadth-first over the starting points, their links and the sitemaps' links."""
    seen, queue = set(), list(STARTING_POINTS)
    while queue and len(seen) < 400:
        path = queue.pop(0)
        if path in seen or path.startswith(("/admin", "/static/", "/media/")):
            continue
        seen.add(path)
        queue.extend(_local_links(client.get(path)))
    return sorted(seen)


def _variants(path: str) -> list[tuple[str, str, dict]]:
    base, _, query = path.partition("?")
    joiner = "&" if query else "?"
    variants = [
        ("GET", path, {}),
        ("HEAD", path, {}),
        ("GET", f"{path}{joiner}utm_source=x", {}),
        ("GET", f"{path}{joiner}page=%00", {}),
        ("GET", path, {"HTTP_IF_NONE_MATCH": '"anything"'}),
        ("GET", path, {"HTTP_COOKIE": "_ga=GA1.1.1.1"}),
    ]
    if base.endswith("/") and base != "/":
        variants.append(("GET", base.rstrip("/") + (f"?{query}" if query else ""), {}))
    if base != base.upper():
        variants.append(("GET", base.upper(), {}))
    return variants


def _ask(client, method, path, headers):
    response = getattr(client, method.lower())(path, **headers)
    seen = {name: response.get(name) for name in PUBLIC_HEADERS}
    return response.status_code, seen, response.has_header("ETag")


def test_every_public_address_and_variant_answers_alike_on_miss_and_hit(site, client):
    client.raise_request_exception = False
    wordpress_id = WordPressImport.objects.filter(kind="post").first().wp_id
    moved = Article.objects.get(pk=site.pk)
    day = timezone.localdate(moved.published_at)
    addresses = _public_addresses(client)
    addresses += [f"/?p={wordpress_id}", "/?p=999999", "/?p=%00"]
    addresses += [f"/{day:%Y/%m/%d}/a-story-that-was-renamed/"]
    assert len(addresses) > 60, addresses  # the crawl really found the site

    requests, failures = 0, []
    for path in addresses:
        for method, variant, headers in _variants(path):
            miss = _ask(client, method, variant, headers)
            hit = _ask(client, method, variant, headers)
            requests += 2
            if miss[0] >= 500 or hit[0] >= 500:
                failures.append(f"{method} {variant}: {miss[0]} then {hit[0]}")
            elif miss != hit:
                failures.append(f"{method} {variant}: {miss} then {hit}")
    print(f"crawled {len(addresses)} addresses, {requests} requests")
    assert failures == []
