"""Tags as tokens in a real browser (Debian's Chromium through Playwright): chips
without taggit's quotes, Enter or a comma makes a tag, suggestions chosen with the
arrows, Backspace and the × remove, and what is saved is what the chips say; with
JavaScript off the plain text box saves the same way."""

import os
from pathlib import Path

import pytest
from taggit.models import Tag

from tests.support.browser import PHONE, expect, logged_in_page
from tests.support.desk import make_staff
from tests.support.factories import make_draft

# Screenshots for a reviewer, when asked for (DESK_SCREENSHOTS=/some/folder).
SCREENSHOTS = os.environ.get("DESK_SCREENSHOTS")


def screenshot(page, name):
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"))


def chip_names(page) -> list[str]:
    return page.locator(".field-tags .desk-token__name").all_inner_texts()


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_tags_are_tokens_made_and_removed_from_the_keyboard(
    chromium, live_server, django_user_model
):
    # A superuser: the role groups come from a data migration that an earlier
    # transactional test's flush removes.
    editor = make_staff(django_user_model, "Superuser", "deskeditor")
    story = make_draft(headline="Harbour bridge vote")
    story.tags.set(["Harbour Town", "Solar power"])
    Tag.objects.create(name="Harbour Lights", slug="harbour-lights")
    page = logged_in_page(chromium, live_server, editor)
    change = f"{live_server.url}/admin/articles/article/{story.pk}/change/"
    page.goto(change)

    # Chips read as the tags are named: no taggit quoting.
    assert chip_names(page) == ["Harbour Town", "Solar power"]
    posted = page.locator("input[name=tags]")
    assert posted.get_attribute("type") == "hidden"
    assert posted.input_value() == "Harbour Town, Solar power"

    # The box is a combobox named by the field's label.
    box = page.get_by_role("combobox", name="Tags")
    box.click()
    box.press_sequentially("floods,", delay=20)
    expect(page.locator(".field-tags .desk-token__name")).to_have_count(3)
    assert chip_names(page)[-1] == "floods"
    assert box.input_value() == ""

    # Suggestions leave out tags already chosen; the arrows choose, Enter takes
    # the suggestion and does not submit the form.
    box.press_sequentially("harb", delay=30)
    options = page.get_by_role("option")
    expect(options).to_have_count(1)
    expect(options.first).to_have_text("Harbour Lights")
    assert box.get_attribute("aria-expanded") == "true"
    box.press("ArrowDown")
    expect(options.first).to_have_attribute("aria-selected", "true")
    assert box.get_attribute("aria-activedescendant") == options.first.get_attribute(
        "id"
    )
    screenshot(page, "tags-suggestions-1366")
    box.press("Enter")
    assert page.url == change
    assert chip_names(page) == [
        "Harbour Town",
        "Solar power",
        "floods",
        "Harbour Lights",
    ]
    assert box.get_attribute("aria-expanded") == "false"

    # Backspace in the empty box removes the last tag; a screen reader hears it.
    box.press("Backspace")
    assert chip_names(page) == ["Harbour Town", "Solar power", "floods"]
    expect(page.locator(".field-tags [aria-live=polite]")).to_contain_text(
        "Removed tag Harbour Lights"
    )

    # Each chip has a labelled remove button.
    page.get_by_role("button", name="Remove tag Solar power").click()
    assert chip_names(page) == ["Harbour Town", "floods"]

    # Enter makes a tag of what is typed; a comma inside a pasted list splits it.
    box.press_sequentially("Tidal energy", delay=10)
    box.press("Enter")
    assert page.url == change
    box.fill("Wind, Waves,")
    assert chip_names(page) == [
        "Harbour Town",
        "floods",
        "Tidal energy",
        "Wind",
        "Waves",
    ]
    assert posted.input_value() == "Harbour Town, floods, Tidal energy, Wind, Waves"
    screenshot(page, "tags-1366")

    # Text left in the box when saving is a tag too.
    box.press_sequentially("Last one", delay=10)
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert sorted(story.tags.names()) == [
        "Harbour Town",
        "Last one",
        "Tidal energy",
        "Waves",
        "Wind",
        "floods",
    ]
    assert chip_names(page) == sorted(
        ["Harbour Town", "Last one", "Tidal energy", "Waves", "Wind", "floods"],
        key=str.casefold,
    )

    # On a phone the chips wrap inside the field's width.
    page.set_viewport_size(PHONE)
    field = page.locator(".field-tags .desk-tokens").bounding_box()
    assert field["x"] >= 0 and field["x"] + field["width"] <= PHONE["width"]
    page.locator(".field-tags").scroll_into_view_if_needed()
    screenshot(page, "tags-390")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_with_javascript_off_the_tags_are_a_text_box_that_saves(
    chromium, live_server, django_user_model
):
    editor = make_staff(django_user_model, "Superuser", "deskeditor")
    story = make_draft(headline="No scripts here")
    story.tags.set(["Harbour Town", "Solar power"])
    page = logged_in_page(chromium, live_server, editor, java_script_enabled=False)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")

    tags = page.locator("input[name=tags]")
    assert tags.get_attribute("type") == "text"
    assert tags.is_visible()
    assert tags.input_value() == "Harbour Town, Solar power"
    assert page.locator(".desk-tokens").count() == 0
    tags.fill("Harbour Town, Tidal energy")
    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert sorted(story.tags.names()) == ["Harbour Town", "Tidal energy"]
