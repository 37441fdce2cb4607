"""The comment thread as HTML, built in Python.

A template include per comment (recursively, for replies) made a long thread the
slowest part of an article page; this builds the same markup (the ids, classes,
``rel`` attributes, avatars, permalinks, ``<time>`` and Reply links that
``comments/_comment.html`` used to produce) with every value escaped.
"""

from html import escape

from django.utils.dates import MONTHS
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone

from articles.seo import iso
from comments.models import Comment


class ListedComment:
    """An approved comment as the thread shows it: the listed columns and what the
    page adds. Plain rows, not model instances: building an instance per comment
    is a large share of a long thread's work."""

    __slots__ = (
        "id",
        "article_id",
        "parent_id",
        "depth",
        "status",
        "author_name",
        "author_email",
        "author_url",
        "content_html",
        "created_at",
        # Added by the page:
        "thread",
        "avatar",
        "can_reply",
    )
    FIELDS = 10  # the first ten slots are columns, in this order

    def __init__(self, *columns):
        for name, value in zip(self.__slots__[: self.FIELDS], columns, strict=True):
            setattr(self, name, value)
        self.thread, self.avatar, self.can_reply = [], None, False

    @property
    def pk(self):
        return self.id

    display_name = Comment.display_name


class _Clock:
    """The reader's time zone and month names, looked up once per thread rather
    than once per comment (on a long thread, repeating them adds up)."""

    def __init__(self):
        self.zone = get_current_timezone()
        self.months = {number: str(name) for number, name in MONTHS.items()}

    def local(self, moment):
        return moment.astimezone(self.zone)

    def permalink_date(self, moment) -> str:
        """Django's "j F Y \\a\\t H:i"."""
        return (
            f"{moment.day} {self.months[moment.month]} {moment.year} at {moment:%H:%M}"
        )


def _comment(comment, article_url: str, out: list, clock: _Clock) -> None:
    pk = comment.pk
    pending = getattr(comment, "awaiting_moderation", False)
    # html.escape is Django's escape() without the SafeString wrapper: same output.
    name = escape(comment.display_name)
    created = clock.local(comment.created_at)
    out.append(
        f'<li id="comment-{pk}" class="comment depth-{comment.depth}'
        f'{" comment--pending" if pending else ""}">\n'
        f'  <article id="div-comment-{pk}" class="comment__body">\n'
        '    <footer class="comment__meta">\n      '
    )
    avatar = getattr(comment, "avatar", None)
    if avatar:
        if avatar["url"]:
            out.append(
                f'<img class="avatar" src="{escape(avatar["url"])}" '
                'alt="" width="48" height="48" loading="lazy">'
            )
        else:
            out.append(
                f'<span class="avatar avatar--{avatar["tone"]:d}" '
                f'aria-hidden="true">{escape(avatar["initials"])}</span>'
            )
    out.append('\n      <b class="comment__author">')
    if comment.author_url:
        out.append(
            f'<a href="{escape(comment.author_url)}" '
            f'rel="external nofollow ugc" class="url">{name}</a>'
        )
    else:
        out.append(name)
    out.append(
        '</b> <span class="says">says:</span>\n'
        f'      <a class="comment__permalink" href="#comment-{pk}">'
        f'<time datetime="{iso(created)}">'
        f"{clock.permalink_date(created)}</time></a>\n      "
    )
    if pending:
        out.append(
            '<p class="comment__awaiting" role="status">'
            "<em>Your comment is awaiting moderation.</em></p>"
        )
    out.append(
        "\n    </footer>\n"
        f'    <div class="comment__content">{comment.content_html}</div>\n    '
    )
    if getattr(comment, "can_reply", False):
        out.append(
            '<p class="reply"><a rel="nofollow" class="comment-reply-link" '
            f'href="{article_url}?replytocom={pk}#respond" data-commentid="{pk}" '
            f'data-replyto="{name}" aria-label="Reply to {name}">Reply</a></p>'
        )
    out.append("\n  </article>\n  ")
    thread = getattr(comment, "thread", None)
    if thread:
        out.append('<ol class="children">\n    ')
        for reply in thread:
            _comment(reply, article_url, out, clock)
        out.append("\n  </ol>")
    out.append("\n</li>\n")


def render_thread(comments, article_url: str) -> SafeString:
    """The ``<li>`` of each comment in ``comments`` with its replies (``.thread``)."""
    out: list[str] = []
    article_url = conditional_escape(article_url)
    clock = _Clock()
    for comment in comments:
        _comment(comment, article_url, out, clock)
    return mark_safe("".join(out))  # every value above is escaped
