from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from articles import body, cards
from newsroom import liveslots

register = template.Library()


@register.tag("story_part")
def story_part(parser, token):
    """{% story_part "name" %}…{% end_story_part %}: a part of a story's page its
    comments do not change, reused from articles/fragments.py when kept there."""
    try:
        _tag, quoted = token.split_contents()
    except ValueError as exc:
        raise template.TemplateSyntaxError("story_part takes one name") from exc
    nodelist = parser.parse(("end_story_part",))
    parser.delete_first_token()
    return StoryPartNode(quoted.strip("\"'"), nodelist)


class StoryPartNode(template.Node):
    def __init__(self, name: str, nodelist):
        self.name = name
        self.nodelist = nodelist

    def render(self, context):
        kept = context.get("story_parts")
        if kept is not None:
            return kept.html(self.name, context["article"].comment_count)
        html = self.nodelist.render(context)
        capture = context.get("story_parts_capture")
        if capture is not None:
            capture.keep(self.name, html)
        return html


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
