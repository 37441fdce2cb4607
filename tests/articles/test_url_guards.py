"""Junk in any URL parameter or query string of a public page is a 4xx, never a 500.

PostgreSQL refuses NUL bytes in text ("A string literal cannot contain NUL"), so a
parameter that reaches a query unguarded answers 500 there; run this file with
DATABASE_URL=postgres://… too. The URL patterns are read from the resolver, so a
new public page is covered without editing this file."""

import re
from datetime import datetime

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone

from tests.support.factories import (
    make_article,
    make_author,
    make_comment,
    make_section,
)

pytestmark = pytest.mark.django_db

# A valid value for every converter, so each junk value is tried in one place
# while the rest of the address names something that exists.
VALID = {"yyyy": "2026", "mm": "12", "int": "1", "slug": "x", "str": "x", "path": "x/y"}
DAY = "03"
JUNK = {
    "nul": "%00",
    "nul-inside": "story%00x",
    "long": "a" * 5000,
    "non-utf8": "%ff%fe",
    "encoded-slash": "a%2Fb",
    "overlong-utf8": "%C0%80",
}
QUERIES = [
    "page=%00",
    "page=%ff",
    "page=99999999999999999999",
    "q=%00",
    "q=%ff",
    "q=" + "a" * 5000,
    "p=%00",
    "p=%ff",
    "section=%00",
    "tag=%00",
]
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def public_routes(patterns=None, prefix=""):
    """Every route string outside the admin and the media files."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(entry.pattern)
        if route.startswith(("admin/", "^media/")):
            continue
        if isinstance(entry, URLResolver):
            yield from public_routes(entry.url_patterns, route)
        elif isinstance(entry, URLPattern):
            yield route


def address(route: str, junk_at: int | None = None, junk: str = "") -> str:
    parameters = iter(range(100))

    def fill(match):
        position = next(parameters)
        if position == junk_at:
            return junk
        if match["name"] == "day":
            return DAY
        return VALID[match["converter"] or "str"]

    return "/" + PARAMETER.sub(fill, route)


def junk_addresses():
    for route in public_routes():
        count = len(PARAMETER.findall(route))
        for position in range(count):
            for label, junk in JUNK.items():
                yield pytest.param(
                    address(route, position, junk), id=f"{route}-{label}"
                )
        for query in QUERIES:
            yield pytest.param(f"{address(route)}?{query}", id=f"{route}?{query[:12]}")


@pytest.fixture
def site():
    """A story at /2026/12/03/x/ with a comment, in section x by author x."""
    section = make_section(slug="x")
    author = make_author(slug="x")
    published = timezone.make_aware(datetime(2026, 12, 3, 9))
    article = make_article(
        slug="x", section=section, authors=[author], published_at=published
    )
    make_comment(article)
    return article


@pytest.mark.parametrize("url", list(junk_addresses()))
@pytest.mark.parametrize("who", ["reader", "editor"])
def test_junk_in_an_address_is_never_a_server_error(client, site, superuser, who, url):
    if who == "editor":
        client.force_login(superuser)

    response = client.get(url)

    assert response.status_code < 500, url


def test_every_story_address_with_a_nul_is_not_found(client, site):
    assert client.get("/2026/12/03/x/").status_code == 200

    assert client.get("/2026/12/03/%00/").status_code == 404
    assert client.get("/2026/12/03/x%00/").status_code == 404
