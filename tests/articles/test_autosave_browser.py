"""Autosave in a real browser (Debian's Chromium through Playwright) at 1366×900:
typed text is autosaved, offered again after a reload and restored; leaving with
unsaved changes asks "leave page?", saving does not."""

import time
from datetime import timedelta

import pytest

from articles.models import ArticleAutosave
from tests.support.browser import PHONE, expect, logged_in_page
from tests.support.desk import make_staff
from tests.support.factories import make_draft


def wait_for_slot(user, story, holds, seconds=10):
    """The user's slot once `holds(body)` is true of it (autosaves every second)."""
    deadline = time.monotonic() + seconds
    while True:
        slot = ArticleAutosave.objects.filter(user=user, article=story).first()
        if slot and holds(slot.data.get("body", "")):
            return slot
        assert time.monotonic() < deadline, slot and slot.data
        time.sleep(0.2)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_typed_text_is_autosaved_offered_after_reload_and_restored(
    chromium, live_server, django_user_model, settings
):
    settings.AUTOSAVE_INTERVAL_SECONDS = 1
    # A superuser: the role groups come from a data migration that an earlier
    # transactional test's flush removes.
    editor = make_staff(django_user_model, "Superuser", "deskeditor")
    story = make_draft(headline="Harbour bridge vote", body="<p>First words.</p>")
    url = f"{live_server.url}/admin/articles/article/{story.pk}/change/"
    page = logged_in_page(chromium, live_server, editor)
    dialogs = []

    def leave(dialog):
        dialogs.append(dialog.type)
        dialog.accept()

    page.on("dialog", leave)
    page.goto(url)

    page.fill("#id_headline", "Harbour bridge vote delayed")
    page.locator(".field-body .prose-editor > .ProseMirror p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(" Typed in the browser.")
    expect(page.locator("#desk-autosave")).to_contain_text("Autosaved at")
    # The first autosave may have gone out halfway through the typing.
    slot = wait_for_slot(editor, story, lambda data: "Typed in the browser." in data)
    assert slot.data["headline"] == "Harbour bridge vote delayed"
    story.refresh_from_db()
    assert story.headline == "Harbour bridge vote"  # the story is untouched
    local_key = f"newsroom-autosave:{editor.pk}:{story.pk}"
    local_copy = page.evaluate(f"window.localStorage.getItem('{local_key}')")
    assert "Harbour bridge vote delayed" in local_copy  # kept in the browser too

    # Leaving with unsaved changes asks first ("leave page?"); accepted, it leaves.
    page.reload()
    assert dialogs == ["beforeunload"]

    banner = page.locator(".desk-autosave-offer")
    expect(banner).to_contain_text("You have unsaved changes from")
    expect(banner).to_contain_text("They differ in: headline, body.")
    page.screenshot(path="/tmp/autosave-banner-1366.png", full_page=False)

    page.get_by_role("link", name="Restore your unsaved changes").click()
    expect(page.locator("#id_headline")).to_have_value("Harbour bridge vote delayed")
    expect(page.locator(".field-body .prose-editor > .ProseMirror")).to_contain_text(
        "First words. Typed in the browser."
    )
    expect(page.locator(".desk-autosave-offer--restored")).to_be_visible()
    page.screenshot(path="/tmp/autosave-restored-1366.png", full_page=False)

    # Saving is not leaving: no question, the text is in the story, the slot gone.
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert dialogs == ["beforeunload"]
    story.refresh_from_db()
    assert story.headline == "Harbour bridge vote delayed"
    assert "Typed in the browser." in story.body
    assert not ArticleAutosave.objects.filter(user=editor, article=story).exists()
    assert page.evaluate(f"window.localStorage.getItem('{local_key}')") is None


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_restore_banner_fits_a_phone(chromium, live_server, django_user_model):
    editor = make_staff(django_user_model, "Superuser", "deskeditor")
    story = make_draft(headline="Harbour bridge vote", body="<p>First words.</p>")
    ArticleAutosave.objects.create(
        user=editor,
        article=story,
        data={"headline": "Harbour bridge vote delayed", "body": "<p>More.</p>"},
        base_token=story.modified_at.isoformat(),
        saved_at=story.modified_at + timedelta(minutes=5),
    )
    page = logged_in_page(chromium, live_server, editor)
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    banner = page.locator(".desk-autosave-offer")
    expect(banner).to_be_visible()
    box = banner.bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    page.screenshot(path="/tmp/autosave-banner-390.png", full_page=False)


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_new_story_is_autosaved_before_its_first_save_and_restored(
    chromium, live_server, django_user_model, settings
):
    settings.AUTOSAVE_INTERVAL_SECONDS = 1
    editor = make_staff(django_user_model, "Superuser", "deskeditor")
    page = logged_in_page(chromium, live_server, editor)
    page.on("dialog", lambda dialog: dialog.accept())
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", "Ferry strike called off")
    expect(page.locator("#desk-autosave")).to_contain_text("Autosaved at")
    slot = ArticleAutosave.objects.get(user=editor, article=None)
    assert slot.data["headline"] == "Ferry strike called off"

    page.reload()
    page.get_by_role("link", name="Restore your unsaved changes").click()
    expect(page.locator("#id_headline")).to_have_value("Ferry strike called off")
    page.screenshot(path="/tmp/autosave-new-story-1366.png", full_page=False)
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert not ArticleAutosave.objects.filter(user=editor).exists()
