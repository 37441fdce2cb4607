from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import body

register = template.Library()


@register.filter
def srcset(renditions) -> str:
    """ "url 480w, url 800w" for an article's stored renditions."""
    return ", ".join(f"{r['url']} {r['width']}w" for r in renditions or [])


@register.simple_tag
def story_body(article):
    """The body as readers see it: quotes and pictures placed (articles/body.py)."""
    return body.render(article)


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
