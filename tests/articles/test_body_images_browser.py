"""A contributor puts pictures and a quote in a story with the editor's buttons, in
a real browser (Debian's Chromium through Playwright), and sees them in the
preview: a wide picture, a gallery of three, the quote."""

import importlib
import tempfile
from pathlib import Path

import pytest

from articles.models import Article
from tests.support.browser import DESKTOP, PHONE, expect, logged_in_page
from tests.support.factories import make_library_image
from tests.support.users import user_with_perms

# Where the screenshots go, to look at (not compared).
SHOTS = Path(tempfile.gettempdir()) / "newsroom-screenshots"


def contributor(django_user_model):
    # The role's permissions as its migrations grant them: an earlier
    # transactional test's flush removes the groups themselves.
    roles = importlib.import_module("articles.migrations.0005_desk_roles")
    images = importlib.import_module(
        "articles.migrations.0020_desk_roles_use_the_image_library"
    )
    return user_with_perms(
        django_user_model,
        "contrib",
        *roles.ROLES["Contributor"],
        *images.ROLES["Contributor"],
    )


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_a_contributor_inserts_a_picture_a_gallery_and_a_quote_with_the_buttons(
    chromium, live_server, django_user_model
):
    writer = contributor(django_user_model)
    make_library_image(alt_text="Harbour at dawn", size=(1600, 1000))
    for name in ("Nets drying", "Gulls on the pier", "The lighthouse"):
        make_library_image(alt_text=name, size=(900, 600), caption=f"{name}.")
    page = logged_in_page(chromium, live_server, writer)
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{live_server.url}/admin/articles/article/add/")
    page.fill("#id_headline", "A morning at the harbour")

    # A quote row, not saved yet: the button lists it all the same.
    page.click("#quotes-group .add-row a")
    page.fill("#id_quotes-0-text", "The tide waits for nobody.")
    page.fill("#id_quotes-0-speaker", "Olaf Harbourmaster")

    editor = page.locator(".field-body .prose-editor > .ProseMirror")
    editor.click()
    page.keyboard.type("The boats came in early.")

    menu = page.locator(".field-body .prose-menubar")
    menu.get_by_title("Insert pictures from the library").click()
    chooser = page.locator("dialog.image-chooser")
    chooser.get_by_role("button", name="Harbour at dawn").click()
    chooser.get_by_label("Wide").check()
    chooser.get_by_label("Caption").fill("Our own caption")
    chooser.get_by_role("button", name="Insert", exact=True).click()
    expect(chooser).to_have_count(0)
    expect(editor.locator("figure.body-image-editor")).to_have_count(1)

    # The quote after the picture (pictures next to each other would be a gallery).
    menu.get_by_title("Place one of this story's quotes").click()
    picker = page.locator("dialog.quote-picker")
    picker.get_by_role("button", name="Quote 1: Olaf Harbourmaster").click()
    expect(editor).to_contain_text("[quote 1]")

    menu.get_by_title("Insert pictures from the library").click()
    for name in ("Nets drying", "Gulls on the pier"):  # the recent ones
        chooser.get_by_role("button", name=name).click()
    chooser.get_by_role("searchbox").fill("lighthouse")  # a search keeps the choice
    chooser.get_by_role("button", name="Search").click()
    expect(chooser.get_by_role("button", name="Nets drying")).to_have_count(0)
    chooser.get_by_role("button", name="The lighthouse").click()
    chooser.get_by_role("button", name="Insert a gallery of 3").click()
    expect(editor.locator("figure.body-image-editor")).to_have_count(4)

    with page.expect_navigation():
        page.click("input[name=_continue]")
    assert not errors
    story = Article.objects.get(headline="A morning at the harbour")
    assert story.body.count("<figure data-image=") == 4
    assert story.quotes.get().number == 1

    page.goto(f"{live_server.url}/preview/{story.pk}/")
    body = page.locator(".story__body")
    wide = body.locator("figure.body-image--wide")
    expect(wide).to_contain_text("Our own caption")
    assert wide.locator("img").get_attribute("alt") == "Harbour at dawn"
    gallery = body.locator(".gallery")
    expect(gallery.locator("figure")).to_have_count(3)
    assert body.inner_html().index("The tide waits") < body.inner_html().index(
        "gallery"
    )
    expect(gallery).to_contain_text("Gulls on the pier.")
    expect(body.locator("figure.quote")).to_contain_text("The tide waits for nobody.")
    # Every picture has loaded (renditions served from MEDIA).
    for image in body.locator("img").all():
        image.scroll_into_view_if_needed()
        expect(image).to_have_js_property("complete", True)
        assert image.evaluate("i => i.naturalWidth") > 0

    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SHOTS / "body-images-desktop.png", full_page=True)
    phone = chromium.new_context(
        viewport=PHONE, storage_state=page.context.storage_state()
    )
    small = phone.new_page()
    small.goto(f"{live_server.url}/preview/{story.pk}/")
    small.screenshot(path=SHOTS / "body-images-phone.png", full_page=True)
    # Nothing sticks out sideways on a phone.
    assert small.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    assert DESKTOP["width"] == 1366
