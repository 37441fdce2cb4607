"""Template access to articles/seo.py: JSON-LD blocks and social-card tags."""

from django import template
from django.conf import settings
from django.urls import NoReverseMatch, reverse
from django.utils.html import format_html

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


@register.inclusion_tag("articles/_article_meta.html")
def article_metadata(article):
    """Open Graph, Twitter card and JSON-LD (NewsArticle, BreadcrumbList) tags."""
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
        "site_name": settings.SITE_NAME,
        "language": settings.SITE_LANGUAGE,
    }


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
