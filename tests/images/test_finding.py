"""An editor finds last week's photo again instead of uploading it twice."""

from datetime import datetime, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from benchmarks.image_library import fake_library
from images.models import Image
from tests.support.factories import make_library_image
from tests.support.users import user_with_perms

pytestmark = pytest.mark.django_db

LIST = "admin:images_image_changelist"


def make_row(**fields):
    """An Image row without files, for tests about finding, not pictures."""
    n = Image.objects.count()
    defaults = {
        "file": f"library/x/{n}.jpg",
        "alt_text": f"Picture {n}",
        "content_hash": f"{n:064d}",
        "width": 100,
        "height": 100,
    }
    return Image.objects.create(**(defaults | fields))


def test_search_matches_alt_text_caption_credit_and_file_name():
    by_alt = make_row(alt_text="Flooded high street")
    by_caption = make_row(caption="The river burst its banks overnight")
    by_credit = make_row(credit="Ana Floodwater Photography")
    by_name = make_row(original_name="FLOOD_0042.jpg")
    make_row(alt_text="A cat on a wall")
    assert set(Image.objects.search("flood")) == {by_alt, by_credit, by_name}
    assert set(Image.objects.search("river banks")) == {by_caption}
    assert Image.objects.search("  ").count() == 5


def test_every_word_must_match_somewhere():
    both = make_row(alt_text="Harbour at dawn", credit="Ana")
    make_row(alt_text="Harbour at night", credit="Ben")
    assert list(Image.objects.search("harbour ana")) == [both]


def test_recent_puts_the_newest_upload_first():
    old = make_row(uploaded_at=timezone.now() - timedelta(days=3))
    new = make_row()
    assert list(Image.objects.recent()) == [new, old]


def test_the_admin_search_box_uses_the_same_rule(librarian_client):
    make_row(alt_text="Harbour at dawn", credit="Ana")
    make_row(alt_text="Harbour at night", credit="Ben")
    response = librarian_client.get(reverse(LIST), {"q": "harbour ana"})
    assert [i.alt_text for i in response.context["cl"].result_list] == [
        "Harbour at dawn"
    ]


def test_the_list_shows_thumbnails_from_renditions_never_the_original(librarian_client):
    image = make_library_image(size=(3000, 2000))
    page = librarian_client.get(reverse(LIST)).content.decode()
    assert f'src="{image.thumbnail["url"]}" width="160" height="107"' in page
    assert image.file.url not in page


def test_an_image_whose_renditions_are_not_made_yet_says_so(librarian_client):
    make_row(alt_text="Just uploaded")
    page = librarian_client.get(reverse(LIST)).content.decode()
    assert "Renditions are being made…" in page


def test_filters_by_uploader_and_by_month(
    librarian_client, librarian, django_user_model
):
    other = user_with_perms(django_user_model, "other", "images.view_image")
    mine = make_row(alt_text="Mine", uploaded_by=librarian)
    make_row(alt_text="Theirs", uploaded_by=other)
    may = timezone.make_aware(datetime(2025, 5, 20, 12))
    in_may = make_row(alt_text="May", uploaded_at=may)
    by_me = librarian_client.get(
        reverse(LIST), {"uploaded_by__id__exact": librarian.pk}
    )
    assert list(by_me.context["cl"].result_list) == [mine]
    in_month = librarian_client.get(reverse(LIST), {"month": "2025-05"})
    assert list(in_month.context["cl"].result_list) == [in_may]
    assert "May 2025" in in_month.content.decode()


def test_a_forged_month_is_not_a_server_error(librarian_client):
    make_row()
    response = librarian_client.get(reverse(LIST), {"month": "May'); DROP"})
    assert response.status_code in (200, 302)


def test_the_list_of_20000_images_stays_within_10_queries(
    librarian_client, librarian, django_assert_max_num_queries
):
    fake_library(20_000, librarian)
    with django_assert_max_num_queries(10):
        response = librarian_client.get(reverse(LIST))
    assert response.status_code == 200
    assert response.context["cl"].result_count == 20_000
    assert len(response.context["cl"].result_list) == 50  # one page, not 20,000
    assert response.content.decode().count('class="image-thumb"') == 50
