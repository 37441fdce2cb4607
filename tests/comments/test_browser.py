"""A real browser (Debian's Chromium through Playwright) posts, moderates, reads."""

import os

import pytest

from comments.models import Comment
from tests.support.factories import make_article


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_reader_posts_moderator_approves_reader_sees_it(
    chromium, live_server, django_user_model
):
    from django.contrib.auth.models import Group, Permission

    article = make_article(headline="Harbour Town votes on the new bridge")
    moderator = django_user_model.objects.create_user(
        "moderator", "moderator@example.com", "correct horse battery"
    )
    moderator.is_staff = True
    moderator.save()
    # The Moderator group comes from a data migration; an earlier transactional
    # test's flush removes it (permissions are re-created, groups are not).
    group, _ = Group.objects.get_or_create(name="Moderator")
    group.permissions.add(
        *Permission.objects.filter(
            content_type__app_label="comments",
            codename__in=["view_comment", "change_comment", "moderate_comment"],
        )
    )
    moderator.groups.add(group)
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
    desk.goto(f"{live_server.url}/admin/login/?next=/admin/comments/comment/")
    desk.fill("#id_username", "moderator")
    desk.fill("#id_password", "correct horse battery")
    with desk.expect_navigation():
        desk.click("input[type=submit]")
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
