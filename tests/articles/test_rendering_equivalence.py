"""Snippets of the reading pages written in Python in place of a template
(docs/architecture.md, "The speed code") give exactly the markup of the template
they replace, byte for byte: hostile values, other time zones and languages, and
thousands separators included.

The references are the replaced templates themselves, kept under
tests/support/templates/ (articles_reference/_section_links.html is the loop that
was in base.html), each rendered with the context the code gave it before."""

from datetime import date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings as django_settings
from django.template import engines
from django.utils import timezone, translation
from django.utils.safestring import mark_safe

from articles import seo
from articles.body import quote_html
from articles.models import Article, Correction, Quote, Section
from articles.navigation import StoryNavigation
from images.models import Image
from tests.support.factories import (
    make_article,
    make_author,
    make_library_image,
    make_section,
)

pytestmark = pytest.mark.django_db

REFERENCES = Path(__file__).resolve().parents[1] / "support/templates"
HOSTILE = 'Tom & "Jerry\'s" <script>alert(1)</script> ü — {0} %s'


def _reference(name: str, context: dict) -> str:
    template = engines["django"].from_string((REFERENCES / name).read_text())
    return template.render(context)


def _render(source: str, context: dict) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.fixture(params=["en-gb", "de"])
def language(request):
    # Month names come from the translations, as the date filter's do.
    with translation.override(request.param):
        yield request.param


@pytest.fixture(params=["Europe/London", "America/Los_Angeles"])
def zone(request):
    with timezone.override(ZoneInfo(request.param)):
        yield request.param


# The links under a story (articles/templatetags/article_tags.py, story_links).


def _story(n, published_at, headline=None):
    return Article(
        pk=n,
        slug=f"story-{n}",
        headline=headline or f"Story {n}",
        published_at=published_at,
    )


def _navigations():
    # Around midnight UTC on a DST change: the local day and offset matter.
    moment = datetime(2026, 3, 29, 0, 30, tzinfo=ZoneInfo("UTC"))
    stories = [_story(n, moment - timedelta(hours=7 * n)) for n in range(1, 7)]
    hostile = _story(9, moment, headline=HOSTILE)
    section = Section(pk=3, name=HOSTILE, slug="harbour")
    return [
        (StoryNavigation(), section),
        (StoryNavigation(previous=stories[0], next=hostile), section),
        (StoryNavigation(next=stories[1]), None),
        (StoryNavigation(previous=stories[2]), section),
        (StoryNavigation(more_in_section=stories[2:6]), section),
        (StoryNavigation(more_in_section=[hostile]), None),
        (
            StoryNavigation(
                previous=stories[0], next=stories[1], more_in_section=stories[1:5]
            ),
            section,
        ),
    ]


def test_story_links_are_the_templates_byte_for_byte(language, zone):
    for navigation, section in _navigations():
        context = {"navigation": navigation, "section": section}
        written = _render(
            "{% load article_tags %}{% story_links navigation section %}\n", context
        )
        assert written == _reference(
            "articles_reference/_story_navigation.html", context
        )
        assert "<script>alert" not in written


# The masthead's section links (base.html, section_links).


@pytest.mark.parametrize("current", ["none", "second", "missing", "not a section"])
def test_section_links_are_the_templates_loop_byte_for_byte(current):
    sections = [
        Section(pk=1, name="News", slug="news"),
        Section(pk=2, name=HOSTILE, slug="harbour"),
        Section(pk=30, name="Sport", slug="sport"),
    ]
    context = {
        "none": {"section": None},
        "second": {"section": sections[1]},
        "missing": {},
        "not a section": {"section": "harbour"},
    }[current]
    for nav_sections in (sections, lambda: sections, [], None):
        full = {**context, "nav_sections": nav_sections}
        written = _render("{% load article_tags %}{% section_links %}", full)
        assert written == _reference("articles_reference/_section_links.html", full)
    assert written == ""


# Quotes placed in a story's body (articles/body.py, quote_html()).


def _quotes():
    story = make_article()
    shapes = [
        {"text": "One line.", "speaker": "Ida Mayor"},
        {
            "text": f"First paragraph {HOSTILE}\n\nSecond,\nwith a break.",
            "speaker": HOSTILE,
            "speaker_role": f"Mayor {HOSTILE}",
            "source_name": f"Press release {HOSTILE}",
            "source_url": "https://example.com/said?a=1&b=<2>",
            "said_on": date(2026, 3, 1),
            "kind": Quote.Kind.INTERVIEW,
        },
        {"text": "Linked, unnamed.", "speaker": "Bo", "source_url": "https://x.test/"},
        {"text": "Named, unlinked.", "speaker": "Cy", "source_name": "Radio"},
        {"text": "Dated.", "speaker": "Dee", "said_on": date(1999, 12, 31)},
        {"text": "", "speaker": "Eve", "kind": Quote.Kind.TWEET, "number": 1234},
    ]
    return [
        Quote.objects.create(article=story, **{"number": n, **shape})
        for n, shape in enumerate(shapes, start=1)
    ]


@pytest.mark.parametrize("thousands", [False, True])
def test_quotes_are_the_templates_byte_for_byte(settings, language, thousands):
    settings.USE_THOUSAND_SEPARATOR = thousands  # the quote's number is localized
    for quote in _quotes():
        written = quote_html(quote)
        assert written == _reference("articles_reference/_quote.html", {"quote": quote})
        assert "<script>alert" not in written


# Pictures (images/templatetags/image_tags.py, picture).


def _picture_context(image, kind="width", sizes="100vw", loading="lazy", css_class=""):
    # What the inclusion tag gave images/_picture.html.
    if image is None or not image.file:
        return {"picture": None}
    return {
        "picture": image.picture(kind, sizes),
        "loading": loading,
        "css_class": css_class,
    }


def _images():
    made = make_library_image(alt_text=HOSTILE)
    webp_only = make_library_image(size=(1000, 500))
    Image.objects.filter(pk=webp_only.pk).update(
        renditions=[
            r
            for r in webp_only.renditions
            if r["kind"] == "width" and r["type"] == "image/webp"
        ]
    )
    unmade = make_library_image()
    Image.objects.filter(pk=unmade.pk).update(renditions=[])
    sizeless = make_library_image()
    Image.objects.filter(pk=sizeless.pk).update(renditions=[], width=None, height=None)
    found = list(
        Image.objects.filter(pk__in=[made.pk, webp_only.pk, unmade.pk, sizeless.pk])
    )
    return [*found, None, Image(pk=999, file="")]


@pytest.mark.parametrize("thousands", [False, True])
def test_pictures_are_the_templates_byte_for_byte(settings, thousands):
    settings.USE_THOUSAND_SEPARATOR = thousands  # width and height are localized
    calls = [
        ({}, "{% picture image %}"),
        ({"kind": "card", "sizes": HOSTILE}, '{% picture image "card" sizes=sizes %}'),
        ({"loading": ""}, '{% picture image loading="" %}'),
        (
            {"kind": "social", "loading": "eager", "css_class": HOSTILE},
            '{% picture image "social" loading="eager" css_class=css %}',
        ),
        # A template's literal arguments are safe strings: written as they are.
        (
            {"sizes": mark_safe('(min-width: 5em) 50vw, "a&b"'), "css_class": "x&y"},
            "{% picture image sizes='(min-width: 5em) 50vw, \"a&b\"' css_class=amp %}",
        ),
    ]
    for image in _images():
        for arguments, tag in calls:
            written = _render(
                "{% load image_tags %}" + tag,
                {"image": image, "sizes": HOSTILE, "css": HOSTILE, "amp": "x&y"},
            )
            expected = _reference(
                "images_reference/_picture.html", _picture_context(image, **arguments)
            )
            assert written == expected
            assert "<script>alert" not in written


# A story's head: Open Graph, Twitter card, JSON-LD (articles/templatetags/seo_tags.py,
# article_metadata).


def _stories_for_the_head():
    """Stories with everything the head shows, with nothing, and with hostile text."""
    rich = make_article(
        section=make_section(name=f"Harbour {HOSTILE}"),
        tags=["Ferries", HOSTILE, "Storms"],
        authors=[make_author(name=HOSTILE), make_author(name="Ann Ray")],
        headline=HOSTILE,
        standfirst=f"Standfirst {HOSTILE}",
        meta_description=f"Meta {HOSTILE}",
        social_headline=f"Social {HOSTILE}",
        featured_image=make_library_image(alt_text=HOSTILE),
        social_image=make_library_image(alt_text=f"Card {HOSTILE}"),
        updated_at=timezone.now() - timedelta(minutes=5),
    )
    Correction.objects.create(article=rich, text=HOSTILE)
    plain = make_article(section=None)
    featured_only = make_article(featured_image=make_library_image(alt_text="A ferry"))
    unmade = make_library_image()
    # An image whose renditions are not made yet: the original, its own size.
    Image.objects.filter(pk=unmade.pk).update(renditions=[])
    original_only = make_article(social_image=unmade, standfirst="")
    return [
        Article.objects.for_detail().get(pk=story.pk)
        for story in (rich, plain, featured_only, original_only)
    ]


def _article_meta_context(article) -> dict:
    # What the inclusion tag gave articles/_article_meta.html.
    return {
        "article": article,
        "url": seo.absolute(article.get_absolute_url()),
        "title": seo.social_headline(article),
        "description": seo.description(article),
        "image": seo.social_image(article),
        "modified": seo.iso(seo.date_modified(article)),
        "published": seo.iso(article.published_at),
        "news_article": seo.json_ld(seo.news_article(article)),
        "breadcrumbs": seo.json_ld(seo.breadcrumbs(article)),
        "site_name": django_settings.SITE_NAME,
        "language": django_settings.SITE_LANGUAGE,
    }


@pytest.mark.parametrize("thousands", [False, True])
def test_the_head_tags_are_the_templates_byte_for_byte(settings, thousands):
    settings.SITE_NAME = f"The {HOSTILE} Post"
    settings.USE_THOUSAND_SEPARATOR = thousands  # image sizes are localized alike
    for article in _stories_for_the_head():
        written = _render(
            "{% load seo_tags %}{% article_metadata article %}", {"article": article}
        )
        expected = _reference(
            "articles_reference/_article_meta.html", _article_meta_context(article)
        )
        assert written == expected
        assert "<script>alert" not in written
