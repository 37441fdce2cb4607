from html import escape

from django import template
from django.utils.dates import MONTHS_3
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.timezone import get_current_timezone

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


@register.simple_tag(takes_context=True)
def story_related(context, article, navigation):
    """Related stories, previous/next and more in the section (articles/fragments.py):
    a page being kept holds a mark in their place, so a new story beside this one
    rebuilds them alone."""
    html = fragments.navigation_block(navigation, article.section)
    capture = context.get("story_page_capture")
    return html if capture is None else capture.navigation_block(html)


def _resolved(name: str, context):
    """A context variable as {{ }} finds it (callables called); None if missing."""
    try:
        return template.Variable(name).resolve(context)
    except template.VariableDoesNotExist:
        return None


_CURRENT = ' aria-current="page"'


@register.simple_tag(takes_context=True)
def section_links(context):
    """The masthead's section links, the current section's marked: written here
    (every value escaped) rather than by the template's loop."""
    current = _resolved("section.pk", context)
    return mark_safe(
        "".join(
            f'\n        <li><a href="{escape(section.get_absolute_url())}"'
            f"{_CURRENT if section.pk == current else ''}>"
            f"{escape(section.name)}</a></li>\n        "
            for section in _resolved("nav_sections", context) or ()
        )
    )


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


# The links under a story are written here, not by a template: the template engine
# spent ~0.35 ms a page on these few links. As in articles/body.py, the markup is
# written with f-strings and html.escape (every value escaped, quotes included, as
# {{ }} escapes a plain string): format_html() would cost half the gain. A date is
# what |w3c and |date:"j M Y" write, in the current time zone, looked up once.
def _sequence_link(story, css: str, label: str, rel: str) -> str:
    if story is None:
        return ""
    return (
        f'<li class="story-nav__{css}"><span class="kicker">{label}</span>'
        f'<a href="{escape(story.get_absolute_url())}" rel="{rel}">'
        f"{escape(story.headline)}</a></li>"
    )


def _listed(story, zone) -> str:
    local = story.published_at.astimezone(zone)
    return (
        f'<li><a href="{escape(story.get_absolute_url())}">{escape(story.headline)}'
        f'</a> <time datetime="{escape(local.replace(microsecond=0).isoformat())}">'
        f"{local.day} {escape(MONTHS_3[local.month].title())} {local.year:04d}"
        "</time></li>"
    )


def _more_in_section(stories, section) -> str:
    zone = get_current_timezone()
    name = escape(section.name) if section is not None else ""
    url = escape(section.get_absolute_url()) if section is not None else ""
    items = "".join(_listed(story, zone) for story in stories)
    return (
        '<section class="related" aria-labelledby="more-in-section-heading">\n'
        f'    <h2 id="more-in-section-heading" class="rule-heading">More in {name}</h2>\n'
        f"    <ul>{items}</ul>\n"
        f'    <p><a href="{url}">All {name} stories →</a></p>\n'
        "  </section>"
    )


@register.simple_tag
def story_links(navigation, section):
    """Previous and next story, and the latest in the story's section
    (articles/navigation.py); nothing when there are none."""
    if not navigation:
        return ""
    sequence = more = ""
    if navigation.previous or navigation.next:
        previous = _sequence_link(
            navigation.previous, "previous", "Previous story", "prev"
        )
        following = _sequence_link(navigation.next, "next", "Next story", "next")
        sequence = f'<ul class="story-nav__sequence">\n    {previous}\n    {following}\n  </ul>'
    if navigation.more_in_section:
        more = _more_in_section(navigation.more_in_section, section)
    return mark_safe(
        f'<nav class="story-nav" aria-label="More stories">\n  {sequence}\n  {more}\n</nav>'
    )
