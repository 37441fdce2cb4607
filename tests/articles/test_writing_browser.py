"""The writing comforts in a real browser (Debian's Chromium through Playwright) at
1366×900: the word count follows typing in the rich editor, the headline counts
its characters and warns past 70, the headline spans the form, a share-preview
link copies."""

import pytest

from articles import previews
from tests.support.browser import expect, logged_in_page
from tests.support.desk import make_staff
from tests.support.factories import make_article, make_draft


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_counts_follow_typing_and_the_headline_spans_the_form(
    chromium, live_server, django_user_model
):
    # A superuser: the role groups come from a data migration that an earlier
    # transactional test's flush removes.
    editor = make_staff(django_user_model, "Superuser", "deskeditor")
    story = make_article(
        headline="Harbour bridge vote", body="<p>One two three four five.</p>"
    )
    page = logged_in_page(chromium, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")

    words = page.locator("[data-words-for=id_body]")
    assert words.inner_text() == "5 words · 1 min read"  # from the server
    page.locator(".field-body .prose-editor > .ProseMirror p").last.click()
    page.keyboard.press("End")
    page.keyboard.type(" six seven eight")
    expect(words).to_have_text("8 words · 1 min read")
    body_box = page.locator(".field-body .prose-editor > .ProseMirror").bounding_box()
    assert body_box["height"] >= 400  # starts tall

    headline = page.locator("#id_headline")
    count = page.locator("#id_headline_count")
    warning = count.locator(".desk-count__warning")
    assert count.locator(".desk-count__chars").inner_text() == "19 / 70 characters"
    assert not warning.is_visible()
    long_headline = "Council approves the harbour bridge after a decade of argument "
    long_headline += "about cost and view"
    headline.fill(long_headline)
    assert count.locator(".desk-count__chars").inner_text() == (
        f"{len(long_headline)} / 70 characters"
    )
    assert warning.is_visible()
    assert "Longer than 70" in warning.inner_text()
    headline.fill("Short again")
    assert not warning.is_visible()

    # The headline takes the row's width beside its label.
    row = page.locator(".form-row.field-headline").bounding_box()
    label = page.locator("label[for=id_headline]").bounding_box()
    field = headline.bounding_box()
    assert field["x"] >= label["x"] + label["width"] - 1
    assert abs((field["x"] + field["width"]) - (row["x"] + row["width"])) <= 24
    assert field["width"] >= 0.75 * (row["width"] - label["width"])
    assert field["width"] > 700  # Django's own is 610 px

    # Tags (tokens with suggestions) have their own test: test_tag_tokens_browser.

    # The story list fits the screen with the side menu and the filters open.
    page.goto(f"{live_server.url}/admin/articles/article/")
    overflow = page.evaluate(
        "document.querySelector('#result_list').scrollWidth"
        " - document.querySelector('.results').clientWidth"
    )
    assert overflow <= 0
    cell = page.locator(".desk-headline-cell").first
    assert cell.get_attribute("title") == "Harbour bridge vote"


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_copy_button_puts_the_preview_link_on_the_clipboard(
    chromium, live_server, django_user_model
):
    editor = make_staff(django_user_model, "Superuser", "deskeditor")
    story = make_draft(headline="Embargoed")
    link = previews.create_link(story, editor, note="lawyer", hours=48)
    page = logged_in_page(
        chromium,
        live_server,
        editor,
        permissions=["clipboard-read", "clipboard-write"],
    )
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/preview-links/")
    shown = page.locator(f"#preview-link-{link.pk}").input_value()
    assert shown.startswith(f"{live_server.url}/preview/shared/")
    page.locator(f"button[data-copy='preview-link-{link.pk}']").click()
    expect(page.locator(".desk-copy__status")).to_have_text("Copied.")
    assert page.evaluate("navigator.clipboard.readText()") == shown
