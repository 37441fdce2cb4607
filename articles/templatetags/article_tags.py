from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import embeds

register = template.Library()


@register.filter
def srcset(renditions) -> str:
    """ "url 480w, url 800w" for an article's stored renditions."""
    return ", ".join(f"{r['url']} {r['width']}w" for r in renditions or [])


@register.simple_tag
def body_with_quotes(article):
    # The body was sanitised on save; quotes and embeds render through escaping
    # templates.
    return mark_safe(embeds.as_facades(article.body_with_quotes()))


@register.simple_tag
def byline_links(article):
    """ "Ann Smith and Bob Jones", each linked to the author's page."""
    links = [
        format_html(
            '<a href="{}" rel="author">{}</a>', author.get_absolute_url(), author.name
        )
        for author in article.byline_list
    ]
    if len(links) <= 1:
        return mark_safe("".join(links))
    return mark_safe(", ".join(links[:-1]) + " and " + links[-1])
