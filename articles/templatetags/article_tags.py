from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import body, cards, fragments
from newsroom import liveslots

register = template.Library()


@register.simple_tag(takes_context=True)
def story_comments(context, article):
    """The comment block under a story (articles/fragments.py), rendered on every
    request: a page being kept holds a mark in its place."""
    html = fragments.comment_block(article, context.get("request"))
    capture = context.get("story_page_capture")
    return html if capture is None else capture.comment_block(html)


@register.simple_tag
def card_comment_count(article):
    """ " · 3 comments" on a story's card: filled in when a cached list is served
    (articles/cards.py), so approvals do not make the lists stale."""
    return liveslots.slot(
        cards.COMMENT_COUNT,
        article.pk,
        article.get_absolute_url(),
        value=article.comment_count,
    )


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
