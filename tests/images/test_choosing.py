"""The editor's chooser: search or browse recent images, upload one in place."""

import pytest
from django.test import Client
from django.urls import reverse

from images.models import Image
from tests.support.factories import image_file, make_library_image
from tests.support.users import user_with_perms

pytestmark = pytest.mark.django_db

CHOOSER = "images:chooser"
UPLOAD = "images:chooser_upload"


def make_rows(count):
    Image.objects.bulk_create(
        Image(
            file=f"library/x/{n}.jpg",
            alt_text=f"Picture {n}",
            content_hash=f"{n:064d}",
        )
        for n in range(count)
    )


def test_recent_images_come_newest_first_with_thumbnail_and_alt(librarian_client):
    old = make_library_image(alt_text="Old pier")
    new = make_library_image(alt_text="New pier")
    data = librarian_client.get(reverse(CHOOSER)).json()
    assert [r["alt"] for r in data["results"]] == ["New pier", "Old pier"]
    first = data["results"][0]
    assert first["id"] == new.pk
    assert first["thumbnail"]["url"] == new.thumbnail["url"]
    assert (first["width"], first["height"]) == (1200, 800)
    assert old.pk in [r["id"] for r in data["results"]]


def test_search_finds_by_alt_caption_credit_and_file_name(librarian_client):
    make_library_image(alt_text="Harbour", credit="Ana")
    make_library_image(alt_text="Market")
    data = librarian_client.get(reverse(CHOOSER), {"q": "ana"}).json()
    assert [r["alt"] for r in data["results"]] == ["Harbour"]


def test_pages_are_bounded_and_a_bigger_page_cannot_be_asked_for(
    librarian_client, settings, django_assert_max_num_queries
):
    settings.IMAGE_CHOOSER_PAGE_SIZE = 10
    make_rows(35)
    # The user and their permissions, the count, the page: not one per image.
    with django_assert_max_num_queries(5):
        data = librarian_client.get(reverse(CHOOSER), {"per_page": 10_000}).json()
    assert len(data["results"]) == 10
    assert (data["pages"], data["count"], data["has_next"]) == (4, 35, True)
    last = librarian_client.get(reverse(CHOOSER), {"page": 4, "per_page": 10}).json()
    assert len(last["results"]) == 5 and not last["has_next"]
    small = librarian_client.get(reverse(CHOOSER), {"per_page": 3}).json()
    assert len(small["results"]) == 3


@pytest.mark.parametrize(
    "params",
    [{"page": "abc"}, {"page": "999"}, {"page": "0"}, {"per_page": "x"}],
)
def test_bad_paging_is_a_400_with_a_message(librarian_client, params):
    make_rows(3)
    response = librarian_client.get(reverse(CHOOSER), params)
    assert response.status_code == 400
    assert "Bad page" in response.json()["error"]


def test_the_html_fragment_is_escaped(librarian_client):
    make_library_image(alt_text='<script>alert("x")</script>')
    html = librarian_client.get(reverse(CHOOSER), {"format": "html"}).content.decode()
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    assert 'class="image-chooser-item"' in html


def test_readers_and_anonymous_visitors_get_403(client, django_user_model):
    assert client.get(reverse(CHOOSER)).status_code == 403
    reader = django_user_model.objects.create_user("reader", "r@example.com", "pw")
    client.force_login(reader)
    assert client.get(reverse(CHOOSER)).status_code == 403
    assert (
        client.post(
            reverse(UPLOAD), {"file": image_file(), "alt_text": "x"}
        ).status_code
        == 403
    )


def test_staff_without_the_view_permission_get_403(client, django_user_model):
    client.force_login(
        user_with_perms(django_user_model, "writer", "articles.view_article")
    )
    response = client.get(reverse(CHOOSER))
    assert response.status_code == 403
    assert "error" in response.json()


def test_upload_in_place_answers_with_the_new_image(
    librarian_client, librarian, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = librarian_client.post(
            reverse(UPLOAD),
            {"file": image_file("quay.jpg"), "alt_text": "The quay", "credit": "Ana"},
        )
    assert response.status_code == 201
    data = response.json()
    image = Image.objects.get()
    assert data["id"] == image.pk and data["alt"] == "The quay"
    assert data["existing"] is False
    assert (image.credit, image.uploaded_by) == ("Ana", librarian)


def test_uploading_the_same_file_again_answers_with_the_existing_image(
    librarian_client,
):
    librarian_client.post(reverse(UPLOAD), {"file": image_file(), "alt_text": "First"})
    response = librarian_client.post(
        reverse(UPLOAD), {"file": image_file(), "alt_text": "Again"}
    )
    assert response.status_code == 200
    assert response.json()["existing"] is True
    assert response.json()["alt"] == "First"
    assert Image.objects.count() == 1


def test_upload_without_alt_text_or_without_a_file_is_a_400(librarian_client):
    no_alt = librarian_client.post(
        reverse(UPLOAD), {"file": image_file(), "alt_text": " "}
    )
    assert no_alt.status_code == 400
    assert "Alt text is required" in no_alt.json()["error"]
    no_file = librarian_client.post(reverse(UPLOAD), {"alt_text": "x"})
    assert no_file.status_code == 400
    assert not Image.objects.exists()


def test_upload_needs_the_add_permission(client, django_user_model):
    client.force_login(
        user_with_perms(django_user_model, "viewer", "images.view_image")
    )
    response = client.post(reverse(UPLOAD), {"file": image_file(), "alt_text": "x"})
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_upload_needs_the_csrf_token(librarian):
    client = Client(enforce_csrf_checks=True)
    client.force_login(librarian)
    response = client.post(reverse(UPLOAD), {"file": image_file(), "alt_text": "x"})
    assert response.status_code == 403
    assert not Image.objects.exists()


def test_the_chooser_answers_get_only_and_upload_post_only(librarian_client):
    assert librarian_client.post(reverse(CHOOSER)).status_code == 405
    assert librarian_client.get(reverse(UPLOAD)).status_code == 405


@pytest.mark.parametrize("q", ["\x00", "a\x00b", "%", "_", "' OR 1=1 --", "x" * 5000])
def test_odd_searches_are_answered_never_a_server_error(librarian_client, q):
    make_library_image(alt_text="Pier")
    assert librarian_client.get(reverse(CHOOSER), {"q": q}).status_code == 200
    admin_list = reverse("admin:images_image_changelist")
    assert librarian_client.get(admin_list, {"q": q}).status_code == 200


def test_nul_characters_in_posted_text_are_dropped_not_a_server_error(
    librarian_client,
):
    response = librarian_client.post(
        reverse(UPLOAD),
        {"file": image_file(), "alt_text": "Pier\x00", "credit": "A\x00na"},
    )
    assert response.status_code == 201
    assert (Image.objects.get().alt_text, Image.objects.get().credit) == ("Pier", "Ana")
