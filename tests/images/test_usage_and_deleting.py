"""Where an image is used, and deleting: an unused image goes with its files; one
a story shows stays, and the editor is told where it is used."""

import pytest
from django.contrib.admin import helpers
from django.db.models import BigIntegerField, Value
from django.db.models.functions import Cast
from django.urls import reverse

from images import usage
from images.models import Image, ImageInUse
from tests.support.factories import make_draft, make_library_image

pytestmark = pytest.mark.django_db


def files_of(image):
    return [image.file.name, *(r["name"] for r in image.renditions)]


def test_with_nothing_registered_no_image_is_in_use():
    image = make_library_image()
    assert list(Image.objects.in_use()) == []
    assert list(Image.objects.unused()) == [image]
    assert usage.usages(image) == []


def test_a_registered_use_puts_its_images_in_use(story_use):
    shown, hidden = make_library_image(), make_library_image()
    story_use.add(shown.pk)
    assert list(Image.objects.in_use()) == [shown]
    assert list(Image.objects.unused()) == [hidden]
    assert usage.usages(shown) == [
        ("Story 7: Floods", "/admin/articles/article/7/change/")
    ]


def test_a_use_whose_query_yields_nulls_does_not_make_everything_used():
    image = make_library_image()
    usage.register(
        "optional-fk",
        # Like Article.objects.values("featured_image_id"): NULL for most rows.
        lambda: Image.objects.annotate(fk=Cast(Value(None), BigIntegerField())).values(
            "fk"
        ),
        lambda ids: [],
    )
    try:
        assert list(Image.objects.unused()) == [image]
    finally:
        usage.unregister("optional-fk")


def test_the_list_says_where_each_image_is_used_and_filters_by_use(
    librarian_client, story_use
):
    shown, hidden = (
        make_library_image(alt_text="Shown"),
        make_library_image(alt_text="Hidden"),
    )
    story_use.add(shown.pk)
    url = reverse("admin:images_image_changelist")
    page = librarian_client.get(url).content.decode()
    assert '<a href="/admin/articles/article/7/change/">Story 7: Floods</a>' in page
    used = librarian_client.get(url, {"used": "yes"}).context["cl"].result_list
    unused = librarian_client.get(url, {"used": "no"}).context["cl"].result_list
    assert (list(used), list(unused)) == ([shown], [hidden])
    change = librarian_client.get(reverse("admin:images_image_change", args=[shown.pk]))
    assert "Story 7: Floods" in change.content.decode()


def test_an_unused_image_is_deleted_with_its_files_after_the_commit(
    librarian_client, django_capture_on_commit_callbacks
):
    image = make_library_image()
    storage = image.file.storage
    names = files_of(image)
    assert all(storage.exists(name) for name in names)
    with django_capture_on_commit_callbacks(execute=True):
        response = librarian_client.post(
            reverse("admin:images_image_delete", args=[image.pk]), {"post": "yes"}
        )
    assert response.status_code == 302
    assert not Image.objects.exists()
    assert not any(storage.exists(name) for name in names)


def test_deleting_an_image_in_use_is_refused_naming_the_story(
    librarian_client, story_use
):
    image = make_library_image()
    story_use.add(image.pk)
    url = reverse("admin:images_image_delete", args=[image.pk])
    confirm = librarian_client.get(url).content.decode()
    assert "Story 7: Floods" in confirm
    assert "would require deleting the following protected related objects" in confirm
    response = librarian_client.post(url, {"post": "yes"})
    assert response.status_code == 200
    assert Image.objects.filter(pk=image.pk).exists()
    assert all(image.file.storage.exists(name) for name in files_of(image))


def test_the_bulk_delete_refuses_when_any_selected_image_is_in_use(
    librarian_client, story_use
):
    used, spare = make_library_image(), make_library_image()
    story_use.add(used.pk)
    response = librarian_client.post(
        reverse("admin:images_image_changelist"),
        {
            "action": "delete_selected",
            helpers.ACTION_CHECKBOX_NAME: [used.pk, spare.pk],
            "post": "yes",
        },
    )
    assert "Story 7: Floods" in response.content.decode()
    assert Image.objects.count() == 2


def test_the_bulk_delete_removes_unused_images(
    librarian_client, django_capture_on_commit_callbacks
):
    images = [make_library_image(), make_library_image()]
    with django_capture_on_commit_callbacks(execute=True):
        librarian_client.post(
            reverse("admin:images_image_changelist"),
            {
                "action": "delete_selected",
                helpers.ACTION_CHECKBOX_NAME: [i.pk for i in images],
                "post": "yes",
            },
        )
    assert not Image.objects.exists()
    storage = images[0].file.storage
    assert not any(storage.exists(n) for i in images for n in files_of(i))


def test_code_that_deletes_an_image_in_use_is_stopped_too(story_use):
    image = make_library_image()
    story_use.add(image.pk)
    with pytest.raises(ImageInUse, match="Story 7: Floods"):
        image.delete()
    assert Image.objects.filter(pk=image.pk).exists()


# --- Pictures placed in a story's body (the articles app's "inline" use) ----------


def _body_with(image):
    return make_draft(
        headline="Harbour gallery",
        body=f'<p>Hi.</p><figure data-image="{image.pk}" data-size="wide"></figure>',
    )


def test_a_picture_a_story_shows_in_its_body_is_in_use_and_cannot_be_deleted():
    shown, spare = make_library_image(), make_library_image()
    story = _body_with(shown)
    assert list(Image.objects.in_use()) == [shown]
    assert list(Image.objects.unused()) == [spare]
    with pytest.raises(ImageInUse) as refused:
        shown.delete()
    assert "Shown in “Harbour gallery”" in str(refused.value)
    assert usage.usages(shown) == [
        (
            "Shown in “Harbour gallery”",
            reverse("admin:articles_article_change", args=[story.pk]),
        )
    ]


def test_the_library_list_says_which_story_shows_a_picture_in_its_body(
    librarian_client,
):
    image = make_library_image(alt_text="Quayside")
    _body_with(image)
    html = librarian_client.get(reverse("admin:images_image_changelist")).text
    assert "Shown in “Harbour gallery”" in html


def test_a_picture_taken_out_of_the_body_may_be_deleted_again():
    image = make_library_image()
    story = _body_with(image)
    story.body = "<p>No pictures now.</p>"
    story.save()
    image.delete()
    assert not Image.objects.filter(pk=image.pk).exists()
