"""Files the library refuses: each gets its own message naming what we accept,
nothing is stored, and the page never breaks."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from PIL import features

from images.models import Image
from tests.images.corpus import noise_png, refused_files
from tests.support.factories import image_file

pytestmark = pytest.mark.django_db

CORPUS = refused_files()
ACCEPTED = "Accepted: JPEG, PNG, WebP, GIF"


@pytest.fixture(autouse=True)
def smaller_decode_limit(settings):
    # 6000×6000 RGBA (decoded-memory-bomb) needs 144 MB: over this, under the pixel cap.
    settings.IMAGE_MAX_DECODED_BYTES = 100_000_000


def stored_files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def post_upload(client, *files, alt="A picture"):
    return client.post(
        reverse("admin:images_image_upload"), {"files": list(files), "alt": alt}
    )


@pytest.mark.parametrize("name", CORPUS)
def test_the_upload_page_refuses_the_file_and_says_why(
    librarian_client, settings, name
):
    file, reason = refused_files()[name]
    response = post_upload(librarian_client, file)
    assert response.status_code == 200
    page = response.content.decode()
    assert f"<strong>{file.name}</strong>: not added." in page
    assert reason in page
    assert ACCEPTED in page
    assert not Image.objects.exists()
    assert stored_files(settings) == []


@pytest.mark.parametrize("name", CORPUS)
def test_the_chooser_refuses_the_file_with_a_400_and_a_message(librarian_client, name):
    file, reason = refused_files()[name]
    response = librarian_client.post(
        reverse("images:chooser_upload"), {"file": file, "alt_text": "A picture"}
    )
    assert response.status_code == 400
    assert reason in response.json()["error"]
    assert ACCEPTED in response.json()["error"]
    assert not Image.objects.exists()


def test_a_file_over_the_byte_limit_is_refused_naming_the_limit(
    librarian_client, settings
):
    settings.IMAGE_MAX_BYTES = 1024 * 1024
    big = SimpleUploadedFile("big.png", noise_png(), "image/png")
    assert big.size > settings.IMAGE_MAX_BYTES
    response = post_upload(librarian_client, big)
    assert "larger than 1 MB" in response.content.decode()
    assert not Image.objects.exists()


def test_one_refused_file_does_not_stop_the_others(librarian_client):
    svg, _ = refused_files()["svg"]
    response = post_upload(librarian_client, svg, image_file("harbour.jpg"))
    page = response.content.decode()
    assert "<strong>logo.svg</strong>: not added." in page
    assert "<strong>harbour.jpg</strong>: added." in page
    assert Image.objects.get().original_name == "harbour.jpg"


def test_a_file_name_with_markup_is_shown_escaped(librarian_client):
    bad = SimpleUploadedFile("<img src=x onerror=alert(1)>.jpg", b"nope", "image/jpeg")
    page = post_upload(librarian_client, bad).content.decode()
    assert "<img src=x onerror" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;.jpg" in page


def test_the_file_input_offers_only_the_accepted_types(librarian_client):
    page = librarian_client.get(reverse("admin:images_image_upload")).content.decode()
    assert 'accept="image/jpeg,image/png,image/webp,image/gif' in page
    assert "svg" not in page.split('accept="')[1].split('"')[0]


@pytest.mark.skipif(not features.check("avif"), reason="Pillow here cannot read AVIF")
def test_avif_is_accepted_where_pillow_supports_it(librarian_client):
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (10, 20, 30)).save(buffer, "AVIF")
    avif = SimpleUploadedFile("pic.avif", buffer.getvalue(), "image/avif")
    response = post_upload(librarian_client, avif)
    assert "<strong>pic.avif</strong>: added." in response.content.decode()
    assert Image.objects.get().file.name.endswith(".jpg")  # re-encoded
