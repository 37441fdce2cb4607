"""What a story's card shows that changes while the lists showing it stay cached:
its comment count, a slot filled in each time a list is served
(newsroom/liveslots.py). An approved comment so refreshes its story's page and
comment feeds, not every list with the story on it."""

from django.template.defaultfilters import pluralize
from django.utils.html import format_html

from articles.invalidation import comments_tag

COMMENT_COUNT = "comment-count"


def comment_count_html(count: int, url: str) -> str:
    """ " · 3 comments", linked to the story's comments; nothing for none."""
    if not count:
        return ""
    return format_html(
        ' · <a href="{}#comments">{} comment{}</a>', url, count, pluralize(count)
    )


def comment_counts(story_ids: list[int]) -> dict[int, int]:
    """Each story's approved comments (Article.comment_count): one query."""
    from articles.models import Article

    counts = dict(
        Article.objects.filter(pk__in=story_ids).values_list("pk", "comment_count")
    )
    return {pk: counts.get(pk, 0) for pk in story_ids}


def register_slots() -> None:
    from newsroom import liveslots

    liveslots.register(
        COMMENT_COUNT,
        tag=comments_tag,
        load=comment_counts,
        render=comment_count_html,
    )
