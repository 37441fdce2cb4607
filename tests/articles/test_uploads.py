"""Featured-image uploads through the admin, with generated hostile files."""

import io
import struct
import zlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from articles.models import Article
from tests.support.desk import add_form_data, make_staff
from tests.support.factories import image_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    client.force_login(make_staff(django_user_model, "Editor"))
    return client


def upload(client, file, **fields):
    data = add_form_data(headline="With a picture", image_alt="A storm", **fields)
    return client.post(
        reverse("admin:articles_article_add"), data | {"featured_image": file}
    )


def png_claiming(width, height) -> bytes:
    """A tiny PNG whose header claims width×height pixels (a decompression bomb)."""

    def chunk(kind, payload):
        body = kind + payload
        return (
            struct.pack(">I", len(payload)) + body + struct.pack(">I", zlib.crc32(body))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\x00" * 64))
        + chunk(b"IEND", b"")
    )


def test_a_jpeg_is_accepted_re_encoded_and_stored_under_a_random_name(editor_client):
    response = upload(editor_client, image_file("holiday-in-sochi.jpg"))
    assert response.status_code == 302
    story = Article.objects.get()
    assert "holiday" not in story.featured_image.name
    assert story.featured_image.name.startswith("images/")
    assert story.featured_image_width == 1200


def test_a_text_file_pretending_to_be_a_jpeg_is_refused(editor_client):
    fake = SimpleUploadedFile(
        "photo.jpg", b"<?php system($_GET['c']); ?>", "image/jpeg"
    )
    response = upload(editor_client, fake)
    assert response.status_code == 200
    assert not Article.objects.exists()
    assert "image" in response.context["adminform"].form.errors["featured_image"][0]


def test_a_file_over_the_size_limit_is_refused(editor_client, settings):
    settings.IMAGE_MAX_BYTES = 1024 * 1024
    noise = Image.frombytes("RGB", (1000, 1000), bytes(range(256)) * 11719)
    buffer = io.BytesIO()
    noise.save(buffer, "PNG", compress_level=0)
    assert len(buffer.getvalue()) > settings.IMAGE_MAX_BYTES
    big = SimpleUploadedFile("big.png", buffer.getvalue(), "image/png")
    response = upload(editor_client, big)
    assert not Article.objects.exists()
    assert "larger than 1 MB" in response.text


def test_a_tiny_file_claiming_100_megapixels_is_refused_before_decoding(
    editor_client,
):
    bomb = SimpleUploadedFile("bomb.png", png_claiming(10_000, 10_000), "image/png")
    assert len(bomb) < 200
    response = upload(editor_client, bomb)
    assert not Article.objects.exists()
    errors = response.context["adminform"].form.errors["featured_image"]
    assert "10000×10000 pixels, more than the 50 megapixel limit" in errors[0]


def test_data_appended_to_a_jpeg_is_dropped_by_re_encoding(editor_client):
    polyglot = image_file("poly.jpg").read() + b"PK\x03\x04<script>alert(1)</script>"
    response = upload(
        editor_client, SimpleUploadedFile("poly.jpg", polyglot, "image/jpeg")
    )
    assert response.status_code == 302
    stored = Article.objects.get().featured_image.read()
    assert b"<script>" not in stored
    assert b"PK\x03\x04" not in stored


def test_gps_and_other_exif_data_are_removed(editor_client):
    image = Image.new("RGB", (640, 480), (10, 120, 200))
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # Make
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0)}  # GPS
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", exif=exif)
    assert b"SpyCam" in buffer.getvalue()
    upload(
        editor_client, SimpleUploadedFile("gps.jpg", buffer.getvalue(), "image/jpeg")
    )
    stored = Article.objects.get().featured_image
    assert b"SpyCam" not in stored.read()
    with Image.open(stored.path) as reopened:
        assert not reopened.getexif()


def test_a_tiff_is_refused_with_the_formats_we_accept(editor_client):
    response = upload(editor_client, image_file("scan.tiff", image_format="TIFF"))
    assert not Article.objects.exists()
    assert "JPEG, PNG, WebP or GIF" in response.text


def test_an_image_without_alt_text_is_refused(editor_client):
    data = add_form_data(headline="No alt")
    response = editor_client.post(
        reverse("admin:articles_article_add"), data | {"featured_image": image_file()}
    )
    assert not Article.objects.exists()
    assert "Alt text is required" in response.text


@pytest.mark.parametrize("image_format", ["PNG", "WEBP", "GIF"])
def test_png_webp_and_gif_are_accepted(editor_client, image_format):
    name = f"pic.{image_format.lower()}"
    response = upload(editor_client, image_file(name, image_format=image_format))
    assert response.status_code == 302
    assert Article.objects.get().featured_image


# --- Memory and the write lock --------------------------------------------------


def png_header(width, height, color_type) -> bytes:
    """A PNG that claims width×height pixels of a colour type (6: RGBA)."""
    header = png_claiming(width, height)
    ihdr = struct.pack(">IIBBBBB", width, height, 8, color_type, 0, 0, 0)
    body = b"IHDR" + ihdr
    return header[:12] + body + struct.pack(">I", zlib.crc32(body)) + header[33:]


def test_an_image_too_big_to_decode_in_memory_is_refused_before_decoding(
    editor_client, settings
):
    settings.IMAGE_MAX_DECODED_BYTES = 100_000_000
    # 6000×6000 is under the pixel cap, but RGBA pixels need 144 MB decoded.
    big = SimpleUploadedFile("big.png", png_header(6000, 6000, 6), "image/png")
    response = upload(editor_client, big)
    assert not Article.objects.exists()
    errors = response.context["adminform"].form.errors["featured_image"]
    assert "too large for us to process (144 MB decoded" in errors[0]


def test_renditions_are_made_after_the_save_commits_and_the_page_shows_the_original(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as pending:
        response = upload(editor_client, image_file(size=(2000, 1000)))
    assert response.status_code == 302
    story = Article.objects.get()
    assert story.featured_image_renditions == []  # nothing decoded in the save
    page = editor_client.get(story.get_absolute_url())  # the preview
    assert page.status_code == 200
    html = page.content.decode()
    assert f'src="{story.featured_image.url}"' in html
    assert "srcset" not in html
    for callback in pending:
        callback()
    story.refresh_from_db()
    assert [r["width"] for r in story.featured_image_renditions] == [
        480,
        800,
        1200,
        1600,
    ]
    assert "srcset" in editor_client.get(story.get_absolute_url()).content.decode()


def test_a_huge_image_gets_no_full_size_rendition(
    editor_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        upload(editor_client, image_file(size=(4000, 500)))
    story = Article.objects.get()
    assert story.featured_image_width == 4000
    assert max(r["width"] for r in story.featured_image_renditions) == 1600


def test_the_upload_is_re_encoded_before_the_admin_transaction_begins(
    editor_client, monkeypatch
):
    from django.db import connection

    from articles import images

    depths = []
    reencode = images.reencode_upload

    def spy(uploaded):
        depths.append(len(connection.savepoint_ids))
        return reencode(uploaded)

    monkeypatch.setattr(images, "reencode_upload", spy)
    assert upload(editor_client, image_file()).status_code == 302
    # No savepoint of the admin's transaction was open: the write lock was free.
    assert depths == [len(connection.savepoint_ids)]
