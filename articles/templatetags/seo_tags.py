"""Template access to articles/seo.py: JSON-LD blocks and social-card tags."""

from html import escape

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.formats import localize
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import seo

register = template.Library()


@register.simple_tag
def json_ld(data):
    """A <script type="application/ld+json"> block; safe whatever the data holds."""
    return format_html(
        '<script type="application/ld+json">{}</script>', seo.json_ld(data)
    )


@register.simple_tag
def website_json_ld():
    return json_ld(seo.website())


@register.simple_tag
def collection_json_ld(name, path, description=""):
    return json_ld(seo.collection_page(name, path, description))


@register.filter
def absolute_url(path):
    return seo.absolute(str(path))


@register.filter
def page_description(article):
    """<meta name="description"> of a story: see seo.description()."""
    return seo.description(article)


@register.filter
def w3c(moment):
    """ISO 8601 / W3C datetime in the site time zone, whole seconds."""
    return seo.iso(moment) or ""


# A story's head tags are written here, not by a template: some thirty tags with
# their loops. As in articles/body.py, every value is escaped with html.escape
# (quotes included, as {{ }} escapes a plain string; the JSON-LD is escaped for its
# <script> by seo.json_ld()), and the image's size is localized as {{ }} does.
def _meta(attribute: str, name: str, value) -> str:
    return f'<meta {attribute}="{name}" content="{escape(str(value))}">\n  '


@register.simple_tag
def article_metadata(article):
    """Open Graph, Twitter card and JSON-LD (NewsArticle, BreadcrumbList) tags."""
    title, description = seo.social_headline(article), seo.description(article)
    tags = [
        '<meta property="og:type" content="article">\n  ',
        _meta("property", "og:site_name", settings.SITE_NAME),
        _meta("property", "og:title", title),
        _meta("property", "og:description", description),
        _meta("property", "og:url", seo.absolute(article.get_absolute_url())),
        _meta("property", "article:published_time", seo.iso(article.published_at)),
        _meta(
            "property",
            "article:modified_time",
            seo.iso(seo.date_modified(article)),
        ),
    ]
    if article.section:
        tags.append(_meta("property", "article:section", article.section.name))
    tags.extend(
        _meta("property", "article:tag", tag.name) for tag in article.tags.all()
    )
    tags.extend(
        _meta("property", "article:author", seo.absolute(author.get_absolute_url()))
        for author in article.byline_list
    )
    if image := seo.social_image(article):
        tags += [
            _meta("property", "og:image", image["url"]),
            _meta("property", "og:image:width", localize(image["width"])),
            _meta("property", "og:image:height", localize(image["height"])),
            _meta("property", "og:image:alt", image["alt"]),
            '<meta name="twitter:card" content="summary_large_image">\n  ',
            _meta("name", "twitter:image", image["url"]),
            _meta("name", "twitter:image:alt", image["alt"]),
        ]
    else:
        tags.append('<meta name="twitter:card" content="summary">\n  ')
    tags += [
        _meta("name", "twitter:title", title),
        _meta("name", "twitter:description", description),
        f'<script type="application/ld+json">{seo.json_ld(seo.news_article(article))}'
        "</script>\n  ",
        f'<script type="application/ld+json">{seo.json_ld(seo.breadcrumbs(article))}'
        "</script>\n  ",
        f"{comment_feed_link(article)}\n",
    ]
    return mark_safe("".join(tags))


@register.simple_tag
def comment_feed_link(article=None):
    """Discovery for the comments app's Atom feeds (site-wide, or one story's), if
    that app is installed; nothing otherwise."""
    try:
        if article is None:
            url, title = reverse("comments:feed"), f"{settings.SITE_NAME}: comments"
        else:
            url = reverse("comments:article_feed", args=[article.pk])
            title = f"Comments on {article.headline}"
    except NoReverseMatch:
        return ""
    return format_html(
        '<link rel="alternate" type="application/atom+xml" title="{}" href="{}">',
        title,
        url,
    )
