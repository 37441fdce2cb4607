"""An editor uploads pictures to the library, several at a time."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from PIL import Image as PILImage

from images import processing
from images.models import Image
from tests.support.factories import image_file
from tests.support.users import user_with_perms

pytestmark = pytest.mark.django_db

UPLOAD = "admin:images_image_upload"


def post(client, data, capture):
    with capture(execute=True):
        return client.post(reverse(UPLOAD), data)


def test_two_files_each_with_its_own_alt_text_become_two_images(
    librarian_client, librarian, django_capture_on_commit_callbacks
):
    response = post(
        librarian_client,
        {
            "files": [
                image_file("harbour.jpg"),
                image_file("bridge.png", image_format="PNG", color=(1, 2, 3)),
            ],
            "alt": ["Boats in the harbour", "The old bridge at dusk"],
            "credit": "Ana Photo",
        },
        django_capture_on_commit_callbacks,
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "<strong>harbour.jpg</strong>: added." in page
    assert "<strong>bridge.png</strong>: added." in page
    harbour = Image.objects.get(original_name="harbour.jpg")
    bridge = Image.objects.get(original_name="bridge.png")
    assert harbour.alt_text == "Boats in the harbour"
    assert bridge.alt_text == "The old bridge at dusk"
    assert harbour.credit == bridge.credit == "Ana Photo"
    assert harbour.uploaded_by == librarian
    assert (harbour.width, harbour.height, harbour.byte_size > 0) == (1200, 800, True)
    assert len(harbour.content_hash) == 64
    assert harbour.thumbnail is not None  # renditions were made after the commit


def test_without_the_script_one_alt_text_serves_every_file(
    librarian_client, django_capture_on_commit_callbacks
):
    post(
        librarian_client,
        {
            "files": [image_file("a.jpg"), image_file("b.jpg", color=(0, 0, 255))],
            "alt": "Storm damage",
        },
        django_capture_on_commit_callbacks,
    )
    assert (
        list(Image.objects.values_list("alt_text", flat=True)) == ["Storm damage"] * 2
    )


def test_a_file_without_alt_text_is_refused_and_says_so(librarian_client):
    response = librarian_client.post(
        reverse(UPLOAD), {"files": [image_file()], "alt": "  "}
    )
    assert "Alt text is required" in response.content.decode()
    assert not Image.objects.exists()


def test_the_file_is_stored_re_encoded_under_a_random_name_without_gps(
    librarian_client,
):
    picture = PILImage.new("RGB", (640, 480), (10, 120, 200))
    exif = PILImage.Exif()
    exif[0x010F] = "SpyCam"
    exif[0x8825] = {1: "N", 2: (55.0, 45.0, 0.0)}
    buffer = io.BytesIO()
    picture.save(buffer, "JPEG", exif=exif)
    data = buffer.getvalue() + b"PK\x03\x04<script>alert(1)</script>"
    librarian_client.post(
        reverse(UPLOAD),
        {
            "files": [SimpleUploadedFile("home-address.jpg", data, "image/jpeg")],
            "alt": "Sky",
        },
    )
    image = Image.objects.get()
    assert "home-address" not in image.file.name
    assert image.file.name.startswith("library/")
    stored = image.file.read()
    assert b"SpyCam" not in stored and b"<script>" not in stored


def test_the_same_file_again_is_not_stored_twice_and_the_existing_image_is_offered(
    librarian_client,
):
    librarian_client.post(
        reverse(UPLOAD), {"files": [image_file("first.jpg")], "alt": "Pier"}
    )
    original = Image.objects.get()
    response = librarian_client.post(
        reverse(UPLOAD), {"files": [image_file("copy-of-first.jpg")], "alt": ""}
    )
    page = response.content.decode()
    assert (
        "<strong>copy-of-first.jpg</strong>: this file is already in the library"
        in page
    )
    assert reverse("admin:images_image_change", args=[original.pk]) in page
    assert Image.objects.count() == 1


def test_too_many_files_at_once_are_refused_before_any_is_processed(
    librarian_client, monkeypatch
):
    monkeypatch.setattr("images.admin.MAX_FILES_PER_UPLOAD", 2)
    files = [image_file(f"{n}.jpg", color=(n, n, n)) for n in range(3)]
    response = librarian_client.post(reverse(UPLOAD), {"files": files, "alt": "x"})
    assert response.status_code == 400
    assert "At most 2 files at once" in response.content.decode()
    assert not Image.objects.exists()


def test_posting_no_file_asks_for_one(librarian_client):
    response = librarian_client.post(reverse(UPLOAD), {"alt": "x"})
    assert response.status_code == 400
    assert "Choose one or more image files" in response.content.decode()


def test_staff_who_may_only_view_images_cannot_upload(client, django_user_model):
    client.force_login(
        user_with_perms(django_user_model, "viewer", "images.view_image")
    )
    assert client.get(reverse(UPLOAD)).status_code == 403
    response = client.post(reverse(UPLOAD), {"files": [image_file()], "alt": "x"})
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_the_upload_page_loads_its_script_from_a_file_not_inline(librarian_client):
    page = librarian_client.get(reverse(UPLOAD)).content.decode()
    assert 'src="/static/images/upload.js"' in page
    assert "<script>" not in page  # nothing inline for the CSP to refuse
    assert 'type="file" name="files" id="id_files" multiple' in page


def test_the_add_button_leads_to_the_upload_page(librarian_client):
    response = librarian_client.get(reverse("admin:images_image_add"))
    assert response.status_code == 302
    assert response.url == reverse(UPLOAD)


def test_the_upload_is_re_encoded_outside_any_transaction(
    librarian_client, monkeypatch
):
    depths = []
    reencode = processing.reencode_upload

    def spy(uploaded):
        depths.append(len(connection.savepoint_ids))
        return reencode(uploaded)

    monkeypatch.setattr(processing, "reencode_upload", spy)
    librarian_client.post(reverse(UPLOAD), {"files": [image_file()], "alt": "x"})
    # Only the test's own transaction is open: the request opened none.
    assert depths == [len(connection.savepoint_ids)]
