"""The Preview panel in a real browser (Debian's Chromium through Playwright): the
unsaved headline of a new story, then the next words after a pause in typing, at
1366×900 and on a phone."""

import pytest

from articles.models import Article
from tests.support.browser import PHONE, expect, logged_in_page
from tests.support.desk import make_staff


def open_new_story(chromium, live_server, user, viewport=None):
    page = logged_in_page(chromium, live_server, user)
    if viewport:
        page.set_viewport_size(viewport)
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    return page


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_storys_typed_headline_is_in_the_preview_before_any_save(
    chromium, live_server, django_user_model
):
    # A superuser: the role groups come from a data migration that an earlier
    # transactional test's flush removes.
    editor = make_staff(django_user_model, "Superuser", "previewer")
    page = open_new_story(chromium, live_server, editor)
    page.fill("#id_headline", "Ferry strike called off")
    page.locator(".field-body .prose-editor > .ProseMirror").click()
    page.keyboard.type("Crews return on Monday.")

    page.get_by_role("button", name="Preview", exact=True).click()
    story = page.frame_locator(".desk-preview__frame")
    expect(story.locator("h1.story__headline")).to_have_text("Ferry strike called off")
    expect(story.locator(".story__body")).to_contain_text("Crews return on Monday.")
    expect(story.locator(".preview-banner")).to_contain_text("Preview — not published")
    # The readers' stylesheet applies inside the frame (not an unstyled page).
    expect(story.locator(".masthead")).to_be_visible()
    page.screenshot(path="/tmp/live-preview-1366.png")

    # A pause in typing renders again, with no click.
    page.fill("#id_headline", "Ferry strike called off at last")
    expect(story.locator("h1.story__headline")).to_have_text(
        "Ferry strike called off at last"
    )
    # An empty headline: the page shows what it can and the panel says why.
    page.fill("#id_headline", "")
    expect(page.locator(".desk-preview__errors")).to_contain_text("Headline")
    expect(story.locator(".story__body")).to_contain_text("Crews return on Monday.")
    assert not Article.objects.exists()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_preview_takes_the_screen_and_closes_back_to_the_form(
    chromium, live_server, django_user_model
):
    editor = make_staff(django_user_model, "Superuser", "phonepreviewer")
    page = open_new_story(chromium, live_server, editor, viewport=PHONE)
    page.fill("#id_headline", "Late train")
    page.get_by_role("button", name="Preview", exact=True).click()
    panel = page.locator("#desk-preview")
    story = page.frame_locator(".desk-preview__frame")
    expect(story.locator("h1.story__headline")).to_have_text("Late train")
    box = panel.bounding_box()
    assert box["x"] == 0 and box["width"] == PHONE["width"]
    page.screenshot(path="/tmp/live-preview-390.png")
    panel.get_by_role("button", name="Close").click()
    expect(panel).to_be_hidden()
    expect(page.locator("#id_headline")).to_be_visible()
