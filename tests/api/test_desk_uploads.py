"""Pictures sent by a desk tool go through the library's own checks
(images/uploads.py): the same refusals and messages as the admin, a size cap
before anything is written, duplicates found."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from images.models import Image
from tests.images.corpus import noise_png, refused_files
from tests.support.desk import make_staff
from tests.support.desk_api import DeskTool
from tests.support.factories import image_file

pytestmark = pytest.mark.django_db


@pytest.fixture
def tool(django_user_model):
    return DeskTool(make_staff(django_user_model, "Contributor"))


def test_a_picture_is_added_to_the_library_and_placed_in_a_draft(tool):
    answer = tool.upload(image_file(), alt_text="The bridge at dawn", credit="AP")
    assert answer.status_code == 201, answer.json()
    image = Image.objects.get(pk=answer.json()["id"])
    assert (image.alt_text, image.credit, image.uploaded_by) == (
        "The bridge at dawn",
        "AP",
        tool.user,
    )
    assert answer.json()["existing"] is False
    draft = tool.create(
        featured_image=image.pk, body=f'<figure data-image="{image.pk}"></figure>'
    )
    assert draft.status_code == 201
    assert draft.json()["featured_image"] == image.pk


def test_the_same_file_twice_answers_with_the_image_already_there(tool):
    first = tool.upload(image_file(), alt_text="Bridge").json()
    again = tool.upload(image_file(), alt_text="Bridge")
    assert again.status_code == 200
    assert again.json() == first | {"existing": True}
    assert Image.objects.count() == 1


def test_a_picture_without_alt_text_is_refused(tool):
    answer = tool.upload(image_file())
    assert answer.status_code == 400
    assert "Alt text is required" in answer.json()["errors"]["file"][0]
    assert not Image.objects.exists()


@pytest.mark.parametrize("name", list(refused_files()))
def test_hostile_and_unusable_files_are_refused_as_in_the_admin(settings, tool, name):
    # As tests/images/test_refusals.py: the corpus's memory bomb is over this.
    settings.IMAGE_MAX_DECODED_BYTES = 100_000_000
    uploaded, says = refused_files()[name]
    answer = tool.upload(uploaded, alt_text="Anything")
    assert answer.status_code == 400
    assert says in answer.json()["errors"]["file"][0]
    assert not Image.objects.exists()


def test_an_upload_over_the_size_cap_is_a_413_before_it_is_read(settings, tool):
    settings.IMAGE_MAX_BYTES = 1000
    big = SimpleUploadedFile("noise.png", noise_png(side=200), "image/png")
    answer = tool.upload(big, alt_text="Big")
    assert "the most the desk API takes" in answer.json()["detail"]
    assert answer.status_code == 413
    assert not Image.objects.exists()


def test_json_to_the_upload_endpoint_is_a_415(tool):
    answer = tool.post("/images/", {"file": "x"})
    assert answer.status_code == 415
