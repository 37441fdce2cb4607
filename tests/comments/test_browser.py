"""A real browser (Debian's Chromium through Playwright) posts, moderates, reads."""

import os
from datetime import timedelta

import pytest
from django.utils import timezone

from comments.models import Comment
from tests.support.browser import DESKTOP, PHONE, log_in
from tests.support.factories import make_article, make_comment
from tests.support.users import moderator_account

PASSWORD = "correct horse battery"  # the moderator's
QUEUE = "/admin/comments/comment/"  # the moderation queue


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reader_posts_moderator_approves_reader_sees_it(
    chromium, live_server, django_user_model
):
    article = make_article(headline="Harbour Town votes on the new bridge")
    moderator_account(django_user_model, "moderator", PASSWORD)
    story_url = live_server.url + article.get_absolute_url()

    reader = chromium.new_context().new_page()
    reader.set_default_timeout(15000)
    reader.goto(story_url)
    assert reader.get_by_role("heading", name="Leave a Reply").is_visible()
    reader.get_by_role("textbox", name="Comment *").fill("The bridge is long overdue.")
    reader.get_by_role("textbox", name="Name *").fill("Rita Reader")
    reader.get_by_role("textbox", name="Email *").fill("rita@example.com")
    with reader.expect_navigation():
        reader.get_by_role("button", name="Post Comment").click()
    held = reader.locator(".comment--pending")
    assert "The bridge is long overdue." in held.inner_text()
    assert "Your comment is awaiting moderation." in held.inner_text()
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING

    desk = chromium.new_context().new_page()
    desk.set_default_timeout(15000)
    log_in(desk, live_server, "moderator", PASSWORD, next_url=QUEUE)
    assert comment.status_reason in desk.content()  # the moderator sees why
    desk.check(f"input[name=_selected_action][value='{comment.pk}']")
    desk.select_option("select[name=action]", "approve")
    with desk.expect_navigation():
        desk.click("button[name=index]")
    assert "1 comment approved." in desk.content()

    reader.goto(story_url)
    published = reader.locator(f"#comment-{comment.pk}")
    assert "The bridge is long overdue." in published.inner_text()
    assert "awaiting moderation" not in reader.content()
    assert "One thought on" in reader.content()


def _in_view(page, selector: str) -> bool:
    """Is the element's top inside the viewport, without scrolling?"""
    return page.eval_on_selector(
        selector,
        "el => { const r = el.getBoundingClientRect();"
        " return r.top > -1 && r.top < window.innerHeight && r.height > 0; }",
    )


def _shot(page, name: str, tmp_path) -> None:
    folder = os.environ.get("COMMENTS_SCREENSHOTS")  # to look at them by eye
    path = os.path.join(folder or str(tmp_path), f"{name}.png")
    page.screenshot(path=path)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("width", "height"), [(1366, 900), (390, 844)], ids=["desktop", "phone"]
)
def test_an_error_and_a_held_comment_are_in_view_on_a_cached_story(
    chromium, live_server, settings, tmp_path, width, height
):
    settings.DEBUG = False
    settings.PAGE_CACHE_SECONDS = 300
    settings.VAR_DIR = tmp_path
    article = make_article(
        headline="Harbour Town votes on the new bridge",
        body="<p>The council met.</p>" * 60,  # a long story: the form is far below
    )
    story_url = live_server.url + article.get_absolute_url()
    context = chromium.new_context(viewport={"width": width, "height": height})
    reader = context.new_page()
    reader.set_default_timeout(15000)
    reader.goto(story_url)
    reader.goto(story_url)  # the second request: served from the page cache

    # An invisible-only comment passes the browser's "required" check; the
    # server's answer must open at the message, with the text kept.
    reader.fill("#comment", "\u200b")
    reader.fill("#author", "Rita Reader")
    reader.fill("#email", "rita@example.com")
    with reader.expect_navigation():
        reader.click("#submit")
    assert "Your comment has no visible text" in reader.inner_text("[role=alert]")
    assert _in_view(reader, "[role=alert]")
    assert reader.input_value("#author") == "Rita Reader"
    _shot(reader, f"error-{width}", tmp_path)

    reader.fill("#comment", "The bridge is long overdue.")
    with reader.expect_navigation():
        reader.click("#submit")
    comment = Comment.objects.get()
    assert comment.status == Comment.Status.PENDING
    held = f"#comment-{comment.pk}"
    assert "awaiting moderation" in reader.inner_text(held)
    assert _in_view(reader, held)
    _shot(reader, f"held-{width}", tmp_path)

    # Later, on the plain (cached) story URL: the author's browser adds it back.
    reader.goto(f"{story_url}#comment-{comment.pk}")
    reader.wait_for_selector(f"{held} .comment__awaiting")
    assert "The bridge is long overdue." in reader.inner_text(held)
    assert _in_view(reader, held)
    _shot(reader, f"held-reload-{width}", tmp_path)
    stranger = chromium.new_context().new_page()
    stranger.goto(story_url)
    assert "long overdue" not in stranger.content()
    context.close()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_focusing_the_form_fetches_a_fresh_stamp(chromium, live_server):
    article = make_article()
    reader = chromium.new_page()
    reader.set_default_timeout(15000)
    reader.goto(live_server.url + article.get_absolute_url())
    served = reader.input_value("input[name=ts]")
    with reader.expect_response(lambda response: "/comments/stamp/" in response.url):
        reader.focus("#comment")
    reader.wait_for_function(
        "old => document.querySelector('input[name=ts]').value !== old", arg=served
    )


LONG = "x" * 60


def _overflow(page) -> int:
    """How many pixels the page is wider than the window (0: no sideways scroll)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def _table_overflow(page) -> int:
    """How far the queue's table sticks out of its box (the admin scrolls it
    sideways inside the page, so the page's own width does not show it)."""
    return page.eval_on_selector(
        "#changelist .results",
        "el => Math.max(el.scrollWidth - el.clientWidth,"
        " el.getBoundingClientRect().right - window.innerWidth)",
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_moderator_approves_by_keyboard_and_replies_from_the_comment_page(
    chromium, live_server, django_user_model
):
    article = make_article(
        headline="Putin congratulates Trump on a victory nobody saw coming, "
        "and the markets answer within the hour"
    )
    now = timezone.now()
    pending = [
        make_comment(
            article,
            status=Comment.Status.PENDING,
            status_reason="first comment from this author",
            author_name=f"Larry {LONG}",
            author_email=f"larry.{LONG}@example.com",
            author_url=f"https://example.com/{LONG}/{LONG}",
            ip_address="2001:db8:85a3:1234:5678:8a2e:370:7334",
            content=f"Comment {n}: a long comment that goes on and on {LONG} " * 5,
            created_at=now - timedelta(hours=3 - n),
        )
        for n in range(3)
    ]
    moderator_account(django_user_model, "moderator", PASSWORD)
    context = chromium.new_context(viewport=DESKTOP)
    desk = context.new_page()
    desk.set_default_timeout(15000)
    log_in(desk, live_server, "moderator", PASSWORD, next_url=QUEUE)

    # The queue fits the screen; the cut values are whole on hover.
    assert _overflow(desk) <= 0
    assert _table_overflow(desk) <= 0
    assert desk.get_attribute(".clip--email >> nth=0", "title") == (
        f"larry.{LONG}@example.com"
    )
    desk.screenshot(path="/tmp/moderation-queue-1366.png", full_page=True)

    # Typing in a box is not a shortcut; "?" shows the help.
    desk.fill("#searchbar", "")
    desk.press("#searchbar", "a")
    desk.locator("#searchbar").blur()
    desk.keyboard.press("?")
    assert desk.locator("#moderation-keys").is_visible()
    desk.keyboard.press("Escape")
    assert not desk.locator("#moderation-keys").is_visible()
    assert Comment.objects.filter(status=Comment.Status.PENDING).count() == 3

    desk.keyboard.press("j")
    assert "Comment 0:" in desk.inner_text("tr.moderation-current")
    desk.screenshot(path="/tmp/moderation-queue-highlight-1366.png")
    with desk.expect_navigation():
        desk.keyboard.press("a")
    assert "1 comment approved." in desk.content()
    statuses = [Comment.objects.get(pk=c.pk).status for c in pending]
    assert statuses == ["approved", "pending", "pending"]
    # The highlight stays on the same row: now the next pending comment.
    assert "Comment 1:" in desk.inner_text("tr.moderation-current")

    first = pending[0]
    desk.goto(f"{live_server.url}/admin/comments/comment/{first.pk}/change/")
    assert desk.locator("h1").inner_text().startswith("Comment by Larry")
    assert "“Putin congratulates Trump" in desk.locator("h1").inner_text()
    assert _overflow(desk) <= 0
    desk.fill("#reply-content", "Thank you, Larry: we have corrected the date.")
    desk.screenshot(path="/tmp/moderation-comment-1366.png", full_page=True)
    with desk.expect_navigation():
        desk.get_by_role("button", name="Reply", exact=True).click()
    assert "Your reply to Larry" in desk.content()
    reply = Comment.objects.get(parent=first)
    assert reply.status == Comment.Status.APPROVED

    reader = chromium.new_context().new_page()
    reader.set_default_timeout(15000)
    reader.goto(live_server.url + article.get_absolute_url())
    shown = reader.locator(f"#comment-{reply.pk}")
    assert "we have corrected the date" in shown.inner_text()

    desk.set_viewport_size(PHONE)
    desk.goto(f"{live_server.url}{QUEUE}")
    desk.screenshot(path="/tmp/moderation-queue-390.png", full_page=True)
    assert not desk.locator(".moderation-keys-hint").is_visible()  # no keyboard
    desk.goto(f"{live_server.url}/admin/comments/comment/{first.pk}/change/")
    assert _overflow(desk) <= 0
    desk.screenshot(path="/tmp/moderation-comment-390.png", full_page=True)
    context.close()
