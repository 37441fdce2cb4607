"""The comment thread under a story, and its "Leave a Reply" form: what
`{% comments_for article %}` (comments/templatetags/comment_tags.py) renders.

Everything here is the same for every reader of the same URL (no user, session or
cookie is read), so the article page can be cached for anonymous readers. The two
exceptions are URL-driven and never shared: `?replytocom=` (which comment the form
answers) and the signed `?unapproved=…&moderation-hash=…` preview of a held comment.
"""

import math
import secrets
import weakref
from html import escape

from django.db import models, router
from django.http import HttpRequest
from django.template.loader import get_template
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe

from articles.models import Article
from comments.avatars import avatar_for
from comments.forms import CommentForm
from comments.models import Comment, DiscussionSettings
from comments.moderation import reply_refusal
from comments.posting import comments_open
from comments.preview import previewed_comment_id
from comments.protection import sign_timestamp
from comments.rendering import ListedComment, render_thread
from newsroom.prepared import Param, prepared

LIST_FIELDS = ListedComment.__slots__[: ListedComment.FIELDS]


def thread_for(article: Article, request: HttpRequest | None) -> dict:
    """The template context of `comments/_comments.html`: the page of top-level
    comments with their replies, the paging, and the form (answering ?replytocom=)."""
    query = request.GET if request is not None else {}
    preview_id = previewed_comment_id(query)
    discussion, comments = _approved_comments(article, preview_id)
    is_open = comments_open(article, timezone.now(), discussion)
    approved_count = len(comments)
    if preview_id is not None and (held := _held(article, preview_id)) is not None:
        comments.append(held)

    for comment in comments:
        comment.avatar = avatar_for(comment) if discussion.show_avatars else None
        comment.can_reply = is_open and not reply_refusal(comment, article, discussion)
    roots, paging = _page(threads(comments, discussion), discussion, query.get("cpage"))

    replying_to = None
    reply_id = _positive_int(query.get("replytocom"))
    if reply_id is not None:
        replying_to = next(
            (c for c in comments if c.pk == reply_id and c.can_reply), None
        )
    article_url = article.get_absolute_url()
    return {
        "article": article,
        "article_url": article_url,
        "comments": roots,
        # Built in Python, not an include per comment: see comments/rendering.py.
        "thread": render_thread(roots, article_url),
        "approved_count": approved_count,
        "paging": paging,
        "is_open": is_open,
        "form": story_form(article, discussion, replying_to) if is_open else "",
        "replying_to": replying_to,
    }


FORM_TEMPLATE = "comments/_form.html"
_MARKS = {
    name: f"comment-form-{name}-{secrets.token_hex(8)}"
    for name in ("article", "parent", "ts")
}
# Per compiled template (a new one after an edit in development, or in a test that
# swaps the templates): {(names and emails required, a reply): marked HTML}.
_marked_forms: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def story_form(article: Article, discussion, replying_to) -> SafeString:
    """The "Leave a Reply" form under a story, as comments/_form.html renders it.

    Rendered once per kind of form (names and emails required or not, a reply or
    not), with marks for the values that change: the story, the comment answered
    and the signed time stamp, filled in here on every render. Nine widgets through
    the template engine were a third of a comment block's time. The story page's
    form never carries a CSRF token or errors: a refused post is answered by
    comments/form_error.html, which renders the template itself."""
    template = get_template(FORM_TEMPLATE)
    kind = (discussion.require_name_email, replying_to is not None)
    kept = _marked_forms.setdefault(template.template, {})
    if kind not in kept:
        initial = {"article": _MARKS["article"], "ts": _MARKS["ts"]}
        if replying_to is not None:
            initial["parent"] = _MARKS["parent"]
        form = CommentForm(article=article, discussion=discussion, initial=initial)
        kept[kind] = template.render(
            {
                "form": form,
                "confirm_token": "",
                "require_name_email": discussion.require_name_email,
            }
        )
    values = {
        "article": str(article.pk),
        "parent": str(replying_to.pk) if replying_to is not None else "",
        "ts": sign_timestamp(article.pk),
    }
    html = kept[kind]
    for name, value in values.items():
        html = html.replace(_MARKS[name], escape(value))
    return mark_safe(html)  # the template's output, and escaped values


def _approved_comments(article: Article, preview_id: int | None):
    """The Discussion settings and the story's approved comments, oldest first.

    One query for the whole thread. On a cold cache the settings come along in
    the same query; a story that has never had an approved comment needs only
    the settings (the list is still read whenever the settings are cached)."""
    discussion = DiscussionSettings.cached()
    if discussion is None and not article.comment_count and preview_id is None:
        return DiscussionSettings.load(), []
    rows = listed_rows(article.pk, with_discussion=discussion is None)
    comments = [ListedComment(*row[: len(LIST_FIELDS)]) for row in rows]
    if discussion is None:
        discussion = (
            DiscussionSettings.from_json(rows[0][-1])
            if rows
            else DiscussionSettings.load()
        )
    return discussion, comments


def listed_rows(article_id: int, *, with_discussion: bool) -> list[list]:
    """The LIST_FIELDS of a story's approved comments (and the settings' JSON last,
    when asked). Compiled once per shape (newsroom/prepared.py): building the
    queryset cost five times running it."""
    using = router.db_for_read(Comment)  # a replica for public pages, if any
    query = prepared(
        ("story-comments", with_discussion),
        lambda: listed_query(
            Param("article", models.BigIntegerField()), with_discussion
        ),
        using=using,
    )
    return query.rows(article=article_id)


def listed_query(article, with_discussion: bool):
    """The rows of listed_rows(), for a story or its Param."""
    listed = Comment.objects.for_article_page(article)
    if with_discussion:
        listed = listed.annotate(discussion=DiscussionSettings.as_json())
        return listed.values_list(*LIST_FIELDS, "discussion")
    return listed.values_list(*LIST_FIELDS)


def _held(article: Article, preview_id: int) -> Comment | None:
    """The held comment a signed preview link shows its author, if still held."""
    held = (
        Comment.objects.filter(pk=preview_id, article=article)
        .exclude(status=Comment.Status.APPROVED)
        .only(*LIST_FIELDS)
        .first()
    )
    if held is not None:
        held.awaiting_moderation = True
    return held


def threads(comments, discussion: DiscussionSettings) -> list:
    """Attach each comment's replies (oldest first) and return the top level."""
    by_id = {comment.pk: comment for comment in comments}
    roots = []
    for comment in comments:
        comment.thread = []
    for comment in comments:
        parent = by_id.get(comment.parent_id)
        if parent is not None:
            parent.thread.append(comment)
        else:
            roots.append(comment)  # top level, or a reply whose parent is not shown
    if discussion.comment_order == DiscussionSettings.Order.NEWEST:
        roots.reverse()
    return roots


def _positive_int(raw) -> int | None:
    raw = raw or ""
    if raw.isascii() and raw.isdigit() and len(raw) < 10:
        return int(raw)
    return None


def _page(roots, discussion: DiscussionSettings, raw_page):
    """Top-level comments of the requested page (all of them unless paging is on)."""
    if not discussion.page_comments or not roots:
        return roots, None
    per_page = max(1, discussion.comments_per_page)
    pages = math.ceil(len(roots) / per_page)
    newest_first = (
        discussion.default_comments_page == DiscussionSettings.FirstPage.NEWEST
    )
    default = pages if newest_first else 1
    number = _positive_int(raw_page) or default
    number = min(max(number, 1), pages)
    start = (number - 1) * per_page
    paging = {
        "number": number,
        "pages": pages,
        "previous": number - 1 if number > 1 else None,
        "next": number + 1 if number < pages else None,
    }
    return roots[start : start + per_page], paging
