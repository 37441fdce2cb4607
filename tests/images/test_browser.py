"""A real browser (Debian's Chromium) uploads two pictures with an alt text each,
then places a focal point with a click; the page's scripts run under our CSP."""

import pytest
from PIL import Image as PILImage

from images.models import Image
from tests.support.browser import DESKTOP, log_in
from tests.support.users import user_with_perms


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_librarian_uploads_two_pictures_and_clicks_a_focal_point(
    chromium, live_server, django_user_model, tmp_path
):
    librarian = user_with_perms(
        django_user_model,
        "librarian",
        "images.view_image",
        "images.add_image",
        "images.change_image",
    )
    librarian.set_password("correct horse battery")
    librarian.save()
    files = []
    for name, colour in (("harbour.jpg", (20, 90, 160)), ("market.jpg", (160, 90, 20))):
        path = tmp_path / name
        PILImage.new("RGB", (1200, 800), colour).save(path, "JPEG")
        files.append(str(path))

    page = chromium.new_context().new_page()
    page.set_default_timeout(15000)
    blocked = []
    page.on(
        "console",
        lambda m: (
            blocked.append(m.text) if "Content Security Policy" in m.text else None
        ),
    )
    log_in(
        page,
        live_server,
        "librarian",
        "correct horse battery",
        next_url="/admin/images/image/upload/",
    )

    page.set_input_files("#id_files", files)
    assert page.locator("[data-shared-alt]").is_hidden()  # one alt text per file
    page.get_by_label("Alt text for harbour.jpg").fill("Boats in the harbour")
    page.get_by_label("Alt text for market.jpg").fill("Stalls at the market")
    with page.expect_navigation():
        page.click("input[type=submit][value=Upload]")
    assert "harbour.jpg: added." in page.inner_text(".image-outcomes")
    assert "market.jpg: added." in page.inner_text(".image-outcomes")
    harbour = Image.objects.get(original_name="harbour.jpg")
    assert harbour.alt_text == "Boats in the harbour"
    assert (
        Image.objects.get(original_name="market.jpg").alt_text == "Stalls at the market"
    )

    # The library's list fits a 1366 px screen: no column scrolled out of sight.
    page.set_viewport_size(DESKTOP)
    page.goto(f"{live_server.url}/admin/images/image/")
    results = page.locator("#changelist .results")
    assert results.evaluate("el => el.scrollWidth <= el.clientWidth")
    used_in = page.locator("#result_list th.column-used_in").bounding_box()
    assert used_in["x"] + used_in["width"] <= 1366

    page.goto(f"{live_server.url}/admin/images/image/{harbour.pk}/change/")
    picture = page.locator("img[data-focal-picker]")
    box = picture.bounding_box()
    picture.click(position={"x": box["width"] * 0.25, "y": box["height"] * 0.75})
    assert abs(float(page.input_value("#id_focal_x")) - 0.25) < 0.02
    assert abs(float(page.input_value("#id_focal_y")) - 0.75) < 0.02
    with page.expect_navigation():
        page.click("input[name=_continue]")
    harbour.refresh_from_db()
    assert abs(harbour.focal_x - 0.25) < 0.02
    assert blocked == []
