"""Renditions: made once after the upload commits, in WebP and the original's
format, plus crops cut around the focal point, re-cut when it moves."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template import Context, Template
from django.urls import reverse
from PIL import Image as PILImage

from images import renditions, uploads
from images.models import Image
from newsroom import cachetags
from tests.support.factories import image_file, make_library_image

pytestmark = pytest.mark.django_db


def widths(image, kind="width", mime="image/webp"):
    return [r["width"] for r in image.renditions_of(kind) if r["type"] == mime]


def two_halves(size=(1200, 400)) -> SimpleUploadedFile:
    """Left half red, right half blue."""
    picture = PILImage.new("RGB", size, (220, 0, 0))
    picture.paste((0, 0, 220), (size[0] // 2, 0, size[0], size[1]))
    buffer = io.BytesIO()
    picture.save(buffer, "PNG")
    return SimpleUploadedFile("halves.png", buffer.getvalue(), "image/png")


def add(upload, capture, **fields):
    with capture(execute=True):
        outcome = uploads.add_upload(upload, alt_text="Halves", user=None, **fields)
    outcome.image.refresh_from_db()
    return outcome.image


def centre_colour(image, kind):
    crop = min(image.renditions_of(kind), key=lambda r: r["width"])
    with (
        image.file.storage.open(crop["name"]) as stored,
        PILImage.open(stored) as opened,
    ):
        return opened.convert("RGB").getpixel((opened.width // 2, opened.height // 2))


def test_widths_come_in_webp_and_the_originals_format_never_wider_than_it():
    image = make_library_image(size=(1000, 500))
    assert widths(image) == [480, 800, 1000]
    assert widths(image, mime="image/jpeg") == [480, 800, 1000]
    big = make_library_image(size=(4000, 2000))
    assert max(widths(big)) == 1600


def test_a_transparent_png_keeps_png_beside_webp(django_capture_on_commit_callbacks):
    buffer = io.BytesIO()
    PILImage.new("RGBA", (600, 400), (0, 0, 0, 0)).save(buffer, "PNG")
    upload = SimpleUploadedFile("logo.png", buffer.getvalue(), "image/png")
    image = add(upload, django_capture_on_commit_callbacks)
    assert {r["type"] for r in image.renditions_of("width")} == {
        "image/webp",
        "image/png",
    }


def test_crops_have_their_fixed_ratios():
    image = make_library_image(size=(2400, 1600))
    card = max(image.renditions_of("card"), key=lambda r: r["width"])
    social = max(image.renditions_of("social"), key=lambda r: r["width"])
    square = max(image.renditions_of("square"), key=lambda r: r["width"])
    assert (card["width"], card["height"]) == (1200, 800)
    assert (social["width"], social["height"]) == (1200, 630)
    assert (square["width"], square["height"]) == (800, 800)
    with image.file.storage.open(social["name"]) as stored:
        assert PILImage.open(stored).size == (1200, 630)


def test_crops_keep_the_focal_point_in_view(django_capture_on_commit_callbacks):
    left = add(two_halves(), django_capture_on_commit_callbacks, focal_x=0.1)
    assert centre_colour(left, "square")[0] > 150  # red
    assert centre_colour(left, "card")[0] > 150


def test_moving_the_focal_point_re_cuts_only_the_crops(
    librarian_client, django_capture_on_commit_callbacks
):
    image = add(two_halves(), django_capture_on_commit_callbacks, focal_x=0.1)
    before = {r["name"] for r in image.renditions}
    old_crops = {r["name"] for r in image.renditions if r["kind"] == "square"}
    with django_capture_on_commit_callbacks(execute=True):
        response = librarian_client.post(
            reverse("admin:images_image_change", args=[image.pk]),
            {
                "alt_text": "Halves",
                "caption": "",
                "credit": "",
                "licence": "",
                "focal_x": "0.9",
                "focal_y": "0.5",
            },
        )
    assert response.status_code == 302
    image.refresh_from_db()
    after = {r["name"] for r in image.renditions}
    whole = {r["name"] for r in image.renditions if r["kind"] in ("width", "thumb")}
    assert whole <= before  # the same files, not made again
    assert not old_crops & after  # new crop files, new URLs
    assert centre_colour(image, "square")[2] > 150  # blue now
    storage = image.file.storage
    assert not any(storage.exists(name) for name in old_crops)


def tasks_in(pending):
    """The callbacks queued at commit, less the page cache's bump (stories show
    library images, so any change to one makes cached pages stale)."""
    return [c for c in pending if not isinstance(c, cachetags.BumpAtCommit)]


def test_saving_without_moving_the_focal_point_makes_nothing(
    librarian_client, django_capture_on_commit_callbacks
):
    image = make_library_image()
    with django_capture_on_commit_callbacks() as pending:
        librarian_client.post(
            reverse("admin:images_image_change", args=[image.pk]),
            {"alt_text": "New words", "focal_x": "0.5", "focal_y": "0.5"},
        )
    assert tasks_in(pending) == []


def test_a_focal_point_outside_the_picture_is_refused(librarian_client):
    image = make_library_image()
    response = librarian_client.post(
        reverse("admin:images_image_change", args=[image.pk]),
        {"alt_text": "x", "focal_x": "1.5", "focal_y": "-1"},
    )
    assert response.status_code == 200
    assert "less than or equal to 1.0" in response.content.decode()


def test_renditions_wait_for_the_commit(
    librarian_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as pending:
        librarian_client.post(
            reverse("admin:images_image_upload"), {"files": [image_file()], "alt": "x"}
        )
    image = Image.objects.get()
    assert image.renditions == []  # nothing decoded in the request
    assert image.picture()["src"] == image.file.url  # the original meanwhile
    assert len(tasks_in(pending)) == 1


def test_a_task_overtaken_by_a_newer_focal_point_records_nothing(monkeypatch):
    image = make_library_image()
    before = image.renditions
    made = []
    real = renditions.processing.make_renditions

    def racing(field_file, focal, *, crops_only):
        Image.objects.filter(pk=image.pk).update(focal_x=0.2)  # the editor moved it
        made.extend(real(field_file, focal, crops_only=crops_only))
        return made

    monkeypatch.setattr(renditions.processing, "make_renditions", racing)
    assert renditions.render_image.call(image.pk, image.file.name, crops_only=True) == 0
    image.refresh_from_db()
    assert image.renditions == before
    assert not any(image.file.storage.exists(r["name"]) for r in made)


def test_the_change_form_shows_the_picture_and_the_crops(librarian_client):
    image = make_library_image()
    page = librarian_client.get(
        reverse("admin:images_image_change", args=[image.pk])
    ).content.decode()
    assert "data-focal-picker" in page
    for kind in ("card", "social", "square"):
        assert f"<figcaption>{kind}</figcaption>" in page
    assert "/static/images/focal-point.js" in page
    assert image.file.url not in page  # renditions only


def render(template, **context):
    return Template("{% load image_tags %}" + template).render(Context(context))


def test_the_picture_tag_gives_srcset_sizes_and_dimensions():
    image = make_library_image(alt_text='Mayor says "no" <again>')
    html = render('{% picture image "card" sizes="50vw" %}', image=image)
    card = {
        r["width"]: r["url"]
        for r in image.renditions_of("card")
        if r["type"] == "image/webp"
    }
    assert html.startswith('<picture><source type="image/webp" srcset="')
    assert f"{card[480]} 480w, {card[800]} 800w, {card[1200]} 1200w" in html
    assert 'sizes="50vw"' in html
    assert 'width="1200" height="800"' in html
    assert 'alt="Mayor says &quot;no&quot; &lt;again&gt;"' in html
    assert 'loading="lazy"' in html
    assert '<source type="image/jpeg"' in html


def test_the_picture_tag_renders_nothing_for_a_missing_image():
    assert render("{% picture image %}", image=None).strip() == ""


def test_with_only_webp_widths_the_fallback_is_the_original():
    # As featured images moved from stories arrive (articles migration 0017).
    image = make_library_image(size=(1000, 500))
    webp = [
        r
        for r in image.renditions
        if r["kind"] == "width" and r["type"] == "image/webp"
    ]
    Image.objects.filter(pk=image.pk).update(renditions=webp)
    image.refresh_from_db()
    picture = image.picture()
    assert [s["type"] for s in picture["sources"]] == ["image/webp"]
    assert picture["src"] == image.file.url
    assert (picture["width"], picture["height"]) == (1000, 500)
