"""Metadata for search engines and social cards: schema.org JSON-LD, Open Graph.

Builders return plain dicts; `json_ld()` serialises one safely for a
`<script type="application/ld+json">` block (no `</script>` can break out).
Templates reach these through `articles/templatetags/seo_tags.py`.
"""

import datetime
import json

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles import body
from newsroom.reversing import remembered_reverse

LOGO_PATH = "img/logo.png"
LOGO_SIZE = (600, 60)

# <, > and & become \u escapes: the JSON means the same, and no "</script>" or
# "<!--" can appear in the page. U+2028/2029 are escaped for old JS parsers. One
# replace() each: str.translate() with this table took ~70 µs on a story's JSON-LD.
_JSON_ESCAPES = (
    ("<", "\\u003c"),
    (">", "\\u003e"),
    ("&", "\\u0026"),
    ("\u2028", "\\u2028"),
    ("\u2029", "\\u2029"),
)


def absolute(url: str) -> str:
    """An absolute URL on the public site (URLs already absolute are left alone)."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


def iso(moment: datetime.datetime | None) -> str | None:
    """ISO 8601 in the site time zone, whole seconds."""
    if moment is None:
        return None
    return timezone.localtime(moment).replace(microsecond=0).isoformat()


def story_lastmod(article) -> datetime.datetime:
    """When a story's row last changed (sitemaps): published, saved or marked Updated."""
    moments = [
        d for d in (article.published_at, article.modified_at, article.updated_at) if d
    ]
    return max(moments).replace(microsecond=0)


def date_modified(article) -> datetime.datetime:
    """The modification date readers see on the page: "Updated", else published."""
    return max(d for d in (article.published_at, article.updated_at) if d)


def description(article) -> str:
    """What search results and shared links show under the headline: the story's
    meta description, else its standfirst, else its headline."""
    return (
        article.meta_description.strip()
        or article.standfirst.strip()
        or article.headline
    )


def social_headline(article) -> str:
    """The title of shared links and social cards: the social headline, else the
    headline."""
    return article.social_headline.strip() or article.headline


def json_ld(data: dict) -> SafeString:
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=None)
    for character, escaped in _JSON_ESCAPES:
        text = text.replace(character, escaped)
    return mark_safe(text)


def _compact(data: dict) -> dict:
    return {key: value for key, value in data.items() if value not in (None, "", [])}


def home_url() -> str:
    return absolute(remembered_reverse("articles:home"))


def organization() -> dict:
    width, height = LOGO_SIZE
    return {
        "@type": "NewsMediaOrganization",
        "name": settings.SITE_NAME,
        "url": home_url(),
        "logo": {
            "@type": "ImageObject",
            "url": absolute(static(LOGO_PATH)),
            "width": width,
            "height": height,
        },
    }


def _largest(renditions: list[dict], mime: str | None = None) -> dict | None:
    """The widest rendition (of this type, when given)."""
    kept = [r for r in renditions if mime is None or r["type"] == mime]
    return max(kept, key=lambda r: r["width"], default=None)


def _social_crop(image) -> dict | None:
    """The 1200×630 crop in the original's format (what social sites show)."""
    crops = image.renditions_of("social")
    return _largest([r for r in crops if r["type"] != "image/webp"]) or _largest(crops)


def shared_image(article):
    """The picture of shared links and social cards: the story's social image,
    else its featured image (a library Image with a file, or None)."""
    for image in (article.social_image, article.featured_image):
        if image is not None and image.file:
            return image
    return None


def images(article) -> list[dict]:
    """The featured image (its social crop when made, and its WebP widths, largest
    first), then a different social image and its crop, then each picture the body
    places (the body's one query)."""
    return _featured_images(article) + _social_images(article) + _body_images(article)


def _social_images(article) -> list[dict]:
    social = article.social_image
    if social is None or not social.file or social == article.featured_image:
        return []
    found = [_image_object(social, social.caption, social.credit)]
    if crop := _social_crop(social):
        found.append(_rendition_object(crop))
    return found


def _body_images(article) -> list[dict]:
    shown = body.images_for(article)
    found, seen = [], {article.featured_image_id, article.social_image_id}
    for placed in body.placed_figures(article.body):
        image = shown.get(placed.image_id)
        if image is None or placed.image_id in seen:
            continue
        seen.add(placed.image_id)
        caption, credit = body.credits(placed, image)
        found.append(_image_object(image, caption, credit))
    return found


def _image_object(image, caption: str, credit: str) -> dict:
    """A library picture's stored file; its alt text stands in for a missing
    caption."""
    return _compact(
        {
            "@type": "ImageObject",
            "url": absolute(image.file.url),
            "width": image.width,
            "height": image.height,
            "caption": caption or image.alt_text,
            "creditText": credit,
        }
    )


def _rendition_object(rendition: dict) -> dict:
    return {
        "@type": "ImageObject",
        "url": absolute(rendition["url"]),
        "width": rendition["width"],
        "height": rendition["height"],
        "encodingFormat": rendition.get("type", "image/webp"),
    }


def _featured_images(article) -> list[dict]:
    image = article.featured_image
    if image is None or not image.file:
        return []
    found = [_image_object(image, article.featured_caption, article.featured_credit)]
    widths = [r for r in image.renditions_of("width") if r["type"] == "image/webp"]
    social = _social_crop(image)
    for rendition in ([social] if social else []) + sorted(
        widths, key=lambda r: -r["width"]
    ):
        found.append(_rendition_object(rendition))
    return found


def news_article(article) -> dict:
    """schema.org NewsArticle for a published story (uses prefetched relations)."""
    url = absolute(article.get_absolute_url())
    authors = [
        _compact(
            {
                "@type": "Person",
                "name": author.name,
                "url": absolute(author.get_absolute_url()),
                "jobTitle": author.role,
            }
        )
        for author in article.byline_list
    ]
    corrections = [
        {
            "@type": "CorrectionComment",
            "text": f"{note.get_kind_display()}: {note.text}",
            "datePublished": iso(note.noted_at),
        }
        for note in article.corrections.all()
    ]
    return _compact(
        {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "mainEntityOfPage": {"@type": "WebPage", "@id": url},
            "url": url,
            "headline": article.headline,
            # Only when the editor wrote one: the card's title, not the page's.
            "alternativeHeadline": social_headline(article)
            if article.social_headline.strip()
            else None,
            "description": description(article),
            "image": images(article),
            "datePublished": iso(article.published_at),
            "dateModified": iso(date_modified(article)),
            "author": authors,
            "publisher": organization(),
            "articleSection": article.section.name if article.section else None,
            "keywords": [tag.name for tag in article.tags.all()],
            "inLanguage": settings.SITE_LANGUAGE,
            "isAccessibleForFree": True,
            "commentCount": article.comment_count,
            "correction": corrections,
        }
    )


def breadcrumbs(article) -> dict:
    trail = [(settings.SITE_NAME, home_url())]
    if article.section:
        trail.append(
            (article.section.name, absolute(article.section.get_absolute_url()))
        )
    trail.append((article.headline, absolute(article.get_absolute_url())))
    return {
        "@context": "https://schema.org",
        "@type": "BreadcrumbList",
        "itemListElement": [
            {"@type": "ListItem", "position": n, "name": name, "item": url}
            for n, (name, url) in enumerate(trail, start=1)
        ],
    }


def website() -> dict:
    search_url = absolute(reverse("articles:search"))
    return {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": settings.SITE_NAME,
        "url": home_url(),
        "inLanguage": settings.SITE_LANGUAGE,
        "publisher": organization(),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": f"{search_url}?q={{search_term_string}}",
            },
            "query-input": "required name=search_term_string",
        },
    }


def collection_page(name: str, path: str, description: str = "") -> dict:
    return _compact(
        {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": name,
            "url": absolute(path),
            "description": description,
            "inLanguage": settings.SITE_LANGUAGE,
            "isPartOf": {
                "@type": "WebSite",
                "name": settings.SITE_NAME,
                "url": home_url(),
            },
        }
    )


def social_image(article) -> dict | None:
    """The Open Graph / Twitter image (shared_image()): the social crop when the
    library has made it, else the re-encoded original (JPEG or PNG)."""
    image = shared_image(article)
    if image is None:
        return None
    crop = _social_crop(image)
    return {
        "url": absolute(crop["url"] if crop else image.file.url),
        "width": crop["width"] if crop else image.width,
        "height": crop["height"] if crop else image.height,
        "alt": image.alt_text,
    }
