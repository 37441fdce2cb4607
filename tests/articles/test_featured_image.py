"""The featured image is chosen from the image library (issue 15)."""

import pytest
from django.urls import reverse

from articles.models import Article
from images.models import Image
from tests.support.desk import add_form_data, make_staff, post_change
from tests.support.factories import make_article, make_draft, make_library_image

pytestmark = pytest.mark.django_db
ADD = "admin:articles_article_add"


def test_an_editor_chooses_a_library_image_for_a_story(client, django_user_model):
    image = make_library_image(alt_text="Boats in the harbour")
    client.force_login(make_staff(django_user_model, "Editor"))
    response = client.post(
        reverse(ADD), add_form_data(headline="Harbour", featured_image=image.pk)
    )
    assert response.status_code == 302
    assert Article.objects.get(headline="Harbour").featured_image == image


def test_an_image_id_that_does_not_exist_is_a_form_error(client, django_user_model):
    client.force_login(make_staff(django_user_model, "Editor"))
    response = client.post(
        reverse(ADD), add_form_data(headline="Harbour", featured_image=99999)
    )
    assert response.status_code == 200
    assert "Select a valid choice" in response.text
    assert not Article.objects.filter(headline="Harbour").exists()


def test_a_contributor_may_choose_any_library_image(client, django_user_model):
    image = make_library_image()  # uploaded by someone else: images are shared
    contributor = make_staff(django_user_model, "Contributor")
    client.force_login(contributor)
    response = client.post(
        reverse(ADD), add_form_data(headline="Mine", featured_image=image.pk)
    )
    assert response.status_code == 302
    assert Article.objects.get(headline="Mine").featured_image == image


def test_the_chooser_searches_the_library_for_a_contributor(client, django_user_model):
    make_library_image(alt_text="Boats in the harbour")
    make_library_image(alt_text="A council meeting")
    client.force_login(make_staff(django_user_model, "Contributor"))
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "harbour",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "featured_image",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["Boats in the harbour"]


def test_the_change_form_shows_a_thumbnail_and_an_upload_link(
    client, django_user_model
):
    image = make_library_image()
    story = make_draft(featured_image=image)
    client.force_login(make_staff(django_user_model, "Editor"))
    text = client.get(reverse("admin:articles_article_change", args=[story.pk])).text
    assert image.thumbnail["url"] in text
    upload = reverse("admin:images_image_upload")
    assert f'href="{upload}" target="_blank" rel="noopener"' in text


def test_changing_the_story_keeps_its_image(client, django_user_model):
    image = make_library_image()
    story = make_draft(featured_image=image)
    client.force_login(make_staff(django_user_model, "Editor"))
    post_change(client, story, headline="New words")
    story.refresh_from_db()
    assert (story.headline, story.featured_image) == ("New words", image)


def test_the_library_lists_the_stories_an_image_is_featured_in(
    client, django_user_model
):
    image = make_library_image()
    story = make_article(featured_image=image, headline="Bridge opens")
    client.force_login(make_staff(django_user_model, "Editor"))
    text = client.get(reverse("admin:images_image_change", args=[image.pk])).text
    assert "Bridge opens" in text
    assert reverse("admin:articles_article_change", args=[story.pk]) in text


def test_the_story_page_shows_the_picture_with_caption_and_credit(client):
    image = make_library_image(
        alt_text="Boats", caption="Dawn at the quay.", credit="Agency"
    )
    story = make_article(featured_image=image, image_credit="Our photographer")
    html = client.get(story.get_absolute_url()).text
    assert '<source type="image/webp" srcset="' in html
    assert 'alt="Boats"' in html
    assert f'width="{image.width}" height="{image.height}"' in html
    assert "Dawn at the quay." in html
    assert "Our photographer" in html and "Agency" not in html


def test_an_image_without_a_file_renders_nothing_broken(client):
    image = make_library_image()
    Image.objects.filter(pk=image.pk).update(file="", renditions=[])
    story = make_article(featured_image_id=image.pk, headline="Lost picture")
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    assert "<picture>" not in response.text
    assert (
        "<img"
        not in response.text.split('class="story__body"')[0].split("</header>")[-1]
    )
    home = client.get("/").text
    assert "Lost picture" in home and 'class="card__image"' not in home


def test_the_chooser_offers_no_add_popup_the_upload_page_is_the_way_in(
    client, django_user_model
):
    client.force_login(make_staff(django_user_model, "Editor"))
    text = client.get(reverse(ADD)).text
    assert 'id="add_id_featured_image"' not in text
    assert 'id="delete_id_featured_image"' not in text
    assert reverse("admin:images_image_upload") in text
