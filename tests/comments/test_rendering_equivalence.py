"""comments/rendering.py writes the comment thread in Python in place of one
`{% include "comments/_comment.html" %}` per comment (docs/architecture.md, "The
speed code"). Here both render the same thread and must give the same HTML, up to
insignificant whitespace, and hostile commenter input stays inert on the story page.

The reference is the deleted template itself, kept under
tests/support/templates/comments_reference/ (from `git show
14ac6df^:templates/comments/_comment.html` and the loop of that commit's
`_comments.html`). One intended change since its deletion is carried into it:
8642b92 put every `<time datetime>` in whole seconds through the `w3c` filter
("also for comment times"), where the template had `date:'c'`. Any other
difference between the two is drift, on whichever side it happens."""

from datetime import datetime, timedelta
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from comments.models import Comment, DiscussionSettings
from comments.preview import preview_url
from comments.thread import thread_for
from tests.support.comments import comments_section, form_data, page, post_url
from tests.support.escaping import Elements
from tests.support.factories import make_article, make_comment

pytestmark = pytest.mark.django_db

REFERENCE_DIR = (
    Path(__file__).resolve().parents[1] / "support/templates/comments_reference"
)


@pytest.fixture(autouse=True)
def _reference_templates(settings):
    # First in DIRS: the reference wins over anything named alike in templates/.
    settings.TEMPLATES = [
        {**engine, "DIRS": [REFERENCE_DIR, *engine["DIRS"]]}
        for engine in settings.TEMPLATES
    ]


class _Tokens(HTMLParser):
    """The HTML as a list of tags, attributes and text, with runs of whitespace
    in text made one space and whitespace between tags dropped."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tokens = []

    def handle_starttag(self, tag, attrs):
        self.tokens.append(("start", tag, tuple(attrs)))

    def handle_startendtag(self, tag, attrs):
        self.tokens.append(("start", tag, tuple(attrs)))

    def handle_endtag(self, tag):
        self.tokens.append(("end", tag))

    def handle_data(self, data):
        text = " ".join(data.split())
        if text:
            self.tokens.append(("text", text))


def _tokens(html: str) -> list:
    parser = _Tokens()
    parser.feed(html)
    parser.close()
    return parser.tokens


def _squash(html: str) -> str:
    """Whitespace between tags removed, other runs of whitespace one space."""
    return " ".join(html.split()).replace("> <", "><")


def _both(article, path=None):
    """(render_thread's HTML, the reference template's HTML) for the same thread,
    as the story page builds it (comments/thread.py)."""
    article.refresh_from_db()  # the comment count the page reads
    request = RequestFactory().get(path or article.get_absolute_url())
    context = thread_for(article, request)
    assert context["comments"]  # two empty strings would prove nothing
    reference = render_to_string(
        "comments/_thread.html",
        {"comments": context["comments"], "article_url": context["article_url"]},
    )
    return str(context["thread"]), reference, context


def _assert_same_markup(fast: str, reference: str):
    assert _tokens(fast) == _tokens(reference)  # readable diff first
    assert _squash(fast) == _squash(reference)


def _thread(article, staff=None):
    """Approved comments with replies three deep, in the shapes the renderer knows:
    a website link, no name (Anonymous), characters to escape, a staff author,
    allowed markup and line breaks, times with microseconds across a month end."""
    start = datetime(2026, 11, 30, 22, 59, 58, 987654, tzinfo=ZoneInfo("UTC"))
    moment = iter(start + timedelta(minutes=37 * n) for n in range(100))
    top = make_comment(
        article,
        author_name="Zoë O’Brien & “Sons”",
        author_url="https://zoe.example/a?b=1&c='2'",
        content="First <strong>bold</strong> point.\n\nSecond paragraph\nwith a break.",
        created_at=next(moment),
    )
    reply = make_comment(
        article,
        parent=top,
        author_name="",
        author_email="anon@example.com",
        content='<a href="https://x.example/">a link</a> & an ampersand',
        created_at=next(moment),
    )
    deeper = make_comment(
        article,
        parent=reply,
        author_name="Ann <Reader>",
        content="Third level.",
        created_at=next(moment),
    )
    make_comment(
        article,
        parent=deeper,
        author_name="Deepest 'quoted' \"name\"",
        author_url="http://deep.example/",
        content="Fourth level.",
        created_at=next(moment),
    )
    make_comment(
        article, parent=top, content="A second reply.", created_at=next(moment)
    )
    if staff is not None:
        make_comment(
            article,
            user=staff,
            author_name=staff.get_full_name() or staff.username,
            author_email=staff.email,
            author_url="https://newsroom.example/staff/",
            content="From the desk.",
            created_at=next(moment),
        )
    make_comment(
        article, author_name="Bo", content="Last word.", created_at=next(moment)
    )
    # Not listed: the reference and the renderer must agree on leaving them out.
    make_comment(article, content="Held.", status=Comment.Status.PENDING)
    make_comment(article, content="Spam.", status=Comment.Status.SPAM)


@pytest.mark.parametrize(
    "zone, language",
    [("UTC", "en"), ("Europe/London", "en-gb"), ("Asia/Kolkata", "de")],
)
def test_thread_is_the_old_templates_markup(zone, language, staff_editor):
    article = make_article()
    _thread(article, staff=staff_editor)
    with timezone.override(ZoneInfo(zone)), translation.override(language):
        fast, reference, context = _both(article)
    assert fast.count('<li id="comment-') == 7
    assert fast.count('<ol class="children">') == 3  # nested three deep
    assert 'class="comment-reply-link"' in fast and 'class="avatar avatar--' in fast
    assert "Anonymous" in fast and "&amp;" in fast
    _assert_same_markup(fast, reference)


def test_thread_with_gravatars_is_the_old_templates_markup(settings):
    settings.COMMENTS_GRAVATAR = True
    article = make_article()
    _thread(article)
    fast, reference, _ = _both(article)
    assert '<img class="avatar" src="https://secure.gravatar.com/avatar/' in fast
    _assert_same_markup(fast, reference)


def test_thread_without_avatars_or_replies_is_the_old_templates_markup():
    DiscussionSettings.objects.create(show_avatars=False)
    article = make_article(allow_comments=False)  # closed: no Reply links
    _thread(article)
    fast, reference, context = _both(article)
    assert not context["is_open"]
    assert "avatar" not in fast and "comment-reply-link" not in fast
    _assert_same_markup(fast, reference)


def test_thread_at_the_depth_limit_is_the_old_templates_markup():
    # The deepest comments may not be answered: some Reply links, not all.
    DiscussionSettings.objects.create(thread_comments_depth=3, comment_order="desc")
    article = make_article()
    _thread(article)
    fast, reference, _ = _both(article)
    assert 0 < fast.count("comment-reply-link") < fast.count('<li id="comment-')
    _assert_same_markup(fast, reference)


def test_held_comment_preview_is_the_old_templates_markup():
    # The signed preview adds the author's held comment (a model instance, not a
    # listed row) with "awaiting moderation".
    article = make_article()
    _thread(article)
    parent = Comment.objects.filter(article=article, depth=1).first()
    held = make_comment(
        article,
        parent=parent,
        author_name="Waiting <Writer>",
        content="Please approve me.",
        status=Comment.Status.PENDING,
    )
    fast, reference, _ = _both(article, preview_url(held).split("#", 1)[0])
    assert "comment--pending" in fast and "awaiting moderation" in fast
    _assert_same_markup(fast, reference)


def test_comparison_sees_a_difference():
    # The normalisation is not so loose that it would hide a changed attribute,
    # a changed word or a lost escape.
    article = make_article()
    _thread(article)
    fast, reference, _ = _both(article)
    for changed in [
        fast.replace('rel="external nofollow ugc"', 'rel="external nofollow"', 1),
        fast.replace(">says:<", ">said:<", 1),
        fast.replace("&lt;Reader&gt;", "<Reader>", 1),
        fast.replace('class="comment depth-3"', 'class="comment depth-3 x"', 1),
    ]:
        assert changed != fast
        with pytest.raises(AssertionError):
            _assert_same_markup(changed, reference)


# Hostile commenters on the story page.

HOSTILE_NAME = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'
HOSTILE_URL = 'https://evil.example/"><img/src=x/onerror=alert(3)>'
HOSTILE_TEXT = (
    '<script>alert(4)</script>"><img src=x onerror=alert(5)>'
    '<a href="javascript:alert(6)">click</a> <svg onload=alert(7)>'
)


def _live(html: str) -> list:
    """Elements or attributes a browser would run."""
    parser = Elements()
    parser.feed(html)
    found = []
    for tag, attrs in parser.found:
        if tag in {"script", "iframe", "svg", "object", "embed"}:
            if not (tag == "script" and dict(attrs).get("src", "").endswith(".js")):
                found.append((tag, attrs))
        if tag == "img" and dict(attrs).get("src") == "x":
            found.append((tag, attrs))
        for name, value in attrs:
            if name.startswith("on") or (value or "").strip().lower().startswith(
                ("javascript:", "data:", "vbscript:")
            ):
                found.append((tag, name, value))
    return found


def test_hostile_name_url_and_text_are_escaped_in_the_thread_on_the_story_page(client):
    article = make_article()
    top = make_comment(
        article, author_name=HOSTILE_NAME, author_url=HOSTILE_URL, content=HOSTILE_TEXT
    )
    make_comment(article, parent=top, author_name=HOSTILE_NAME, content=HOSTILE_TEXT)
    html = comments_section(page(client, article))
    thread = html[html.index('<ol class="comment-list">') : html.index("</ol>\n")]
    assert thread.count('<li id="comment-') == 2
    assert _live(html) == []
    escaped_name = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;"
    assert f'class="url">{escaped_name}</a>' in thread  # the linked name
    assert f'<b class="comment__author">{escaped_name}</b>' in thread  # the reply's
    assert f'data-replyto="{escaped_name}"' in thread
    assert f'aria-label="Reply to {escaped_name}"' in thread
    assert (
        'href="https://evil.example/&quot;&gt;&lt;img/src=x/onerror=alert(3)&gt;"'
        in thread
    )
    # The text's markup is cleaned (comments/content.py), not escaped: the script,
    # the image and the javascript: href are gone, the harmless rest is kept.
    assert '<div class="comment__content"><p>"&gt;<a rel="nofollow ugc">click</a>' in (
        thread
    )
    for payload in ("alert(4)", "alert(5)", "alert(6)", "alert(7)", "javascript:"):
        assert payload not in thread


@pytest.mark.parametrize(
    "url", ["javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x"]
)
def test_a_script_url_never_reaches_the_thread(client, url):
    # rendering.py escapes the website address but cannot neutralise a script
    # scheme in an href: that stays out of the database (model, constraint, form).
    article = make_article()
    with pytest.raises(ValidationError):
        make_comment(article, author_url=url)
    comment = make_comment(article, author_name="Sly", author_url="https://ok.example/")
    with pytest.raises(IntegrityError), transaction.atomic():
        Comment.objects.filter(pk=comment.pk).update(author_url=url.strip())
    response = client.post(post_url(), form_data(article, author="Sly Two", url=url))
    assert response.status_code == 400
    assert "Only http and https addresses are allowed." in response.content.decode()
    assert not Comment.objects.filter(author_url__icontains=url.strip()[:5]).exists()
    html = comments_section(page(client, article))
    assert _live(html) == []
    assert url.strip().lower()[:5] not in html.lower()
