"""Presence and a refused save in a real browser (Debian's Chromium through
Playwright), with two editors in two browser contexts on the same story: each is
shown to the other, the second save meets the conflict screen (at 1366×900 and on
a phone), Back keeps the typed text, and each choice does what it says."""

import pytest
from reversion.models import Version

from tests.support.browser import DESKTOP, PHONE, expect, fits, logged_in_page
from tests.support.desk import make_staff
from tests.support.factories import make_draft


def editor(django_user_model, username, first="", last=""):
    # A superuser: the role groups come from a data migration that an earlier
    # transactional test's flush removes.
    user = make_staff(django_user_model, "Superuser", username)
    user.first_name, user.last_name = first, last
    user.save()
    return user


def type_in_body(page, text):
    page.locator(".field-body .prose-editor > .ProseMirror p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(text)


def save(page):
    with page.expect_navigation():
        page.click("input[name=_continue]")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_two_editors_see_each_other_and_the_second_save_offers_each_choice(
    chromium, live_server, django_user_model, settings
):
    settings.PRESENCE_INTERVAL_SECONDS = 1
    elena = editor(django_user_model, "elena", "Elena", "Ruiz")
    marco = editor(django_user_model, "marco", "Marco", "Bell")
    story = make_draft(headline="Harbour bridge vote", body="<p>First words.</p>")
    url = f"{live_server.url}/admin/articles/article/{story.pk}/change/"
    conflict_url = f"{live_server.url}/admin/articles/article/{story.pk}/conflict/"
    hers = logged_in_page(chromium, live_server, elena)
    his = logged_in_page(chromium, live_server, marco)
    for page in (hers, his):
        page.on("dialog", lambda dialog: dialog.accept())
        page.goto(url)

    # Presence, both ways.
    expect(his.locator("#desk-presence")).to_contain_text(
        "Elena Ruiz is also editing this story — opened"
    )
    expect(hers.locator("#desk-presence")).to_contain_text(
        "Marco Bell is also editing this story — opened"
    )
    his.screenshot(path="/tmp/presence-1366.png")

    # Elena saves; Marco's page warns him before he clicks Save.
    hers.fill("#id_headline", "Harbour bridge vote delayed")
    save(hers)
    expect(his.locator(".desk-presence__saved")).to_contain_text(
        "Elena Ruiz saved this story at"
    )

    # Marco's save is refused: the conflict screen, their headline in its heading.
    his.fill("#id_headline", "Harbour bridge vote tonight")
    type_in_body(his, " Marco's paragraph.")
    save(his)
    assert his.url == conflict_url
    expect(his.locator("h1")).to_contain_text("Harbour bridge vote delayed")
    expect(his.locator("h1")).not_to_contain_text("tonight")
    expect(his.locator(".desk-conflict__side--mine").first).to_contain_text("tonight")
    body_row = his.locator(".desk-conflict__field", has_text="Body")
    expect(body_row.locator("ins")).to_contain_text("Marco's paragraph.")
    history = his.get_by_role("link", name="story's history (opens in a new tab)")
    assert history.get_attribute("target") == "_blank"
    assert history.get_attribute("rel") == "noopener"
    his.screenshot(path="/tmp/conflict-1366.png", full_page=True)
    his.set_viewport_size(PHONE)
    assert fits(his, PHONE["width"])
    for choice in his.locator(".desk-conflict__choice .button").all():
        box = choice.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    his.screenshot(path="/tmp/conflict-390.png", full_page=True)
    his.set_viewport_size(DESKTOP)

    # Back: the story form offers his refused text and the comparison again.
    his.go_back()
    expect(his.locator(".desk-autosave-offer").first).to_contain_text(
        "You have unsaved changes from"
    )
    his.get_by_role("link", name="Restore your unsaved changes").click()
    expect(his.locator("#id_headline")).to_have_value("Harbour bridge vote tonight")
    his.goto(conflict_url)

    # Keep theirs and copy pieces of mine: their version, his text above it; Back
    # returns to the comparison with his text still there.
    his.get_by_role("link", name="Keep theirs and copy pieces of mine").click()
    expect(his.locator("#id_headline")).to_have_value("Harbour bridge vote delayed")
    pieces = his.locator(".desk-conflict-pieces")
    expect(pieces).to_contain_text("Harbour bridge vote tonight")
    expect(pieces).to_contain_text("Marco's paragraph.")
    his.screenshot(path="/tmp/conflict-pieces-1366.png")
    his.set_viewport_size(PHONE)
    assert fits(his, PHONE["width"])
    his.screenshot(path="/tmp/conflict-pieces-390.png")
    his.set_viewport_size(DESKTOP)
    his.go_back()
    assert his.url == conflict_url
    expect(his.locator(".desk-conflict__side--mine").first).to_contain_text("tonight")

    # Overwrite with mine: his version is saved, and the history says whose he
    # replaced.
    with his.expect_navigation():
        his.get_by_role("button", name="Overwrite with mine").click()
    expect(his.locator("#id_headline")).to_have_value("Harbour bridge vote tonight")
    story.refresh_from_db()
    assert story.headline == "Harbour bridge vote tonight"
    assert "Marco's paragraph." in story.body
    revision = Version.objects.get_for_object(story).first().revision
    assert revision.comment.startswith("Overwrote Elena Ruiz's save of ")

    # Elena's form is now stale: her next save meets the screen; she keeps his.
    expect(hers.locator(".desk-presence__saved")).to_contain_text(
        "Marco Bell saved this story at"
    )
    hers.fill("#id_headline", "Elena's second try")
    save(hers)
    assert hers.url == conflict_url
    with hers.expect_navigation():
        hers.get_by_role("button", name="Keep theirs").click()
    expect(hers.locator("#id_headline")).to_have_value("Harbour bridge vote tonight")
    expect(hers.locator(".messagelist")).to_contain_text("Kept Marco Bell's version")
    story.refresh_from_db()
    assert story.headline == "Harbour bridge vote tonight"
