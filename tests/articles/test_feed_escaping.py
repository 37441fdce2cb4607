"""Plain-text fields (standfirst, tag and author names, section descriptions,
comment names) never become live markup in a feed reader.

Each feed is read with an XML parser; every element a reader renders as HTML
(RSS <description> and content:encoded, Atom type="html") is then parsed as HTML,
and no element or attribute from the payloads may be in it. The reader must show
the payload as the text the contributor typed.
"""

import html
import xml.etree.ElementTree as ET

import pytest
from django.urls import reverse

from tests.support.escaping import PAYLOADS, Elements
from tests.support.factories import (
    make_article,
    make_author,
    make_comment,
    make_section,
)

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT_ENCODED = "{http://purl.org/rss/1.0/modules/content/}encoded"


def live_markup(fragment: str) -> list:
    """Elements of an HTML fragment that can run script or load something: img,
    svg, script, iframe, or any element with an on* or javascript: attribute."""
    parser = Elements()
    parser.feed(fragment)
    parser.close()
    return [
        (tag, attrs)
        for tag, attrs in parser.found
        if tag in {"img", "svg", "script", "iframe"}
        or any(
            name.startswith("on") or "javascript:" in (value or "").lower()
            for name, value in attrs
        )
    ]


def html_fields(xml: bytes) -> list[str]:
    """The text of every element a feed reader renders as HTML."""
    root = ET.fromstring(xml)
    fields = []
    for element in root.iter():
        if element.tag in ("description", CONTENT_ENCODED):  # RSS
            fields.append(element.text or "")
        elif element.tag.startswith(ATOM) and element.get("type") == "html":
            fields.append(element.text or "")
    return fields


def as_reader_sees(fragment: str) -> str:
    """The text an HTML-rendering reader shows for a fragment without markup."""
    return html.unescape(fragment)


@pytest.fixture
def hostile_newsroom(settings):
    """A story whose every plain-text field carries a payload, with a comment."""
    settings.FEED_FULL_CONTENT = True
    cast = {}
    for n, payload in enumerate(PAYLOADS):
        section = make_section(name=f"Desk {n}", description=payload)
        author = make_author(name=f"Ann {payload}", slug=f"ann-{n}")
        story = make_article(
            headline=f"Headline {n}",
            standfirst=payload,
            section=section,
            tags=[f"tag {n} {payload}"],
            authors=[author],
        )
        make_comment(story, author_name=payload, content=f"Comment {payload}")
        cast[payload] = (story, section, author, story.tags.get())
    return cast


def every_feed(story, section, author, tag) -> list[str]:
    return [
        reverse("articles:feed"),
        reverse("articles:feed_atom"),
        reverse("articles:section_feed", args=[section.slug]),
        reverse("articles:section_feed_atom", args=[section.slug]),
        reverse("articles:tag_feed", args=[tag.slug]),
        reverse("articles:tag_feed_atom", args=[tag.slug]),
        reverse("articles:author_feed", args=[author.slug]),
        reverse("articles:author_feed_atom", args=[author.slug]),
        reverse("comments:feed"),
        reverse("comments:article_feed", args=[story.pk]),
    ]


def test_no_feed_carries_live_markup_from_a_plain_text_field(client, hostile_newsroom):
    for payload, cast in hostile_newsroom.items():
        for url in every_feed(*cast):
            response = client.get(url)
            assert response.status_code == 200, url
            for field in html_fields(response.content):
                assert live_markup(field) == [], (url, payload, field)


@pytest.mark.parametrize("name", ["articles:feed", "articles:feed_atom"])
def test_feed_reader_shows_the_standfirst_as_typed(client, hostile_newsroom, name):
    response = client.get(reverse(name))
    shown = [as_reader_sees(field) for field in html_fields(response.content)]
    for payload in PAYLOADS:
        assert payload in shown, payload


@pytest.mark.parametrize("suffix", ["", "_atom"])
def test_section_tag_and_author_feeds_describe_themselves_as_plain_text(
    client, hostile_newsroom, suffix
):
    for payload, (_, section, author, tag) in hostile_newsroom.items():
        for name, arg in [
            ("section_feed", section.slug),
            ("tag_feed", tag.slug),
            ("author_feed", author.slug),
        ]:
            root = ET.fromstring(
                client.get(reverse(f"articles:{name}{suffix}", args=[arg])).content
            )
            # RSS channel <description> is HTML to most readers; Atom's <subtitle>
            # is text. Either way the reader shows what the editor typed.
            rss = root.find("channel/description")
            shown = (
                as_reader_sees(rss.text)
                if rss is not None
                else root.find(f"{ATOM}subtitle").text
            )
            assert payload in shown, (name, suffix, shown)
