"""The social image: an optional library picture for shared links and social cards,
defaulting to the featured image; a use of the image the library knows about."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from articles import revisions
from articles.models import Article
from images.models import Image, ImageInUse
from tests.support.desk import busy_story, make_staff, post_change
from tests.support.factories import make_article, make_library_image
from tests.support.story_page import meta, news_article, page_of

pytestmark = pytest.mark.django_db


def social_crop_url(image) -> str:
    crops = [r for r in image.renditions_of("social") if r["type"] != "image/webp"]
    largest = max(crops, key=lambda rendition: rendition["width"])
    assert (largest["width"], largest["height"]) == (1200, 630)
    return "http://testserver" + largest["url"]


@pytest.fixture
def editor(client, django_user_model):
    user = make_staff(django_user_model, "Editor")
    client.force_login(user)
    return user


def test_the_social_image_is_the_card_picture_and_is_in_the_json_ld(client, settings):
    settings.SITE_URL = "http://testserver"
    featured = make_library_image(alt_text="The bridge at dawn")
    social = make_library_image(alt_text="Crowds cheering on the bridge")
    story = make_article(featured_image=featured, social_image=social)
    page = page_of(client, story)
    card = social_crop_url(social)
    assert meta(page, "og:image") == [card]
    assert meta(page, "twitter:image") == [card]
    assert meta(page, "og:image:width") == ["1200"]
    assert meta(page, "og:image:height") == ["630"]
    assert meta(page, "og:image:alt") == ["Crowds cheering on the bridge"]
    assert meta(page, "twitter:card") == ["summary_large_image"]
    urls = [image["url"] for image in news_article(page)["image"]]
    # The featured picture first (it is the page's own), then the card's.
    assert urls[0].endswith(featured.file.url)
    assert "http://testserver" + social.file.url in urls
    assert card in urls
    # The page itself still shows the featured image.
    body = page.split("</head>")[1]
    assert 'alt="The bridge at dawn"' in body
    assert "Crowds cheering" not in body


def test_without_a_social_image_the_featured_image_is_the_card(client, settings):
    settings.SITE_URL = "http://testserver"
    featured = make_library_image(alt_text="The bridge at dawn")
    story = make_article(featured_image=featured)
    page = page_of(client, story)
    assert meta(page, "og:image") == [social_crop_url(featured)]
    assert meta(page, "og:image:alt") == ["The bridge at dawn"]
    assert len(news_article(page)["image"]) == len(
        {image["url"] for image in news_article(page)["image"]}
    )


def test_a_social_image_alone_makes_a_large_card(client, settings):
    settings.SITE_URL = "http://testserver"
    social = make_library_image(alt_text="Only for cards")
    story = make_article(social_image=social)
    page = page_of(client, story)
    assert meta(page, "og:image") == [social_crop_url(social)]
    assert meta(page, "twitter:card") == ["summary_large_image"]
    assert '<figure class="story__image">' not in page


def test_a_social_image_without_a_file_falls_back_to_the_featured_image(
    client, settings
):
    settings.SITE_URL = "http://testserver"
    featured, social = make_library_image(), make_library_image()
    Image.objects.filter(pk=social.pk).update(file="", renditions=[])
    story = make_article(featured_image=featured, social_image_id=social.pk)
    assert meta(page_of(client, story), "og:image") == [social_crop_url(featured)]


def test_the_story_page_still_runs_its_query_budget_with_a_social_image(
    client, django_assert_max_num_queries
):
    story = make_article(
        featured_image=make_library_image(), social_image=make_library_image()
    )
    with django_assert_max_num_queries(8):
        assert client.get(story.get_absolute_url()).status_code == 200


def test_an_editor_chooses_the_social_image_from_the_library(client, editor):
    image = make_library_image(alt_text="Card picture")
    story = make_article()
    assert post_change(client, story, social_image=image.pk).status_code == 302
    story.refresh_from_db()
    assert story.social_image == image
    form = client.get(reverse("admin:articles_article_change", args=[story.pk])).text
    # The library's chooser, as for the featured image, with no add/delete popups.
    assert 'name="social_image"' in form
    assert 'data-model-name="image"' in form or "admin-autocomplete" in form
    assert 'id="add_id_social_image"' not in form


def test_the_chooser_searches_the_library_for_the_social_image(
    client, django_user_model
):
    make_library_image(alt_text="Boats in the harbour")
    make_library_image(alt_text="A council meeting")
    client.force_login(make_staff(django_user_model, "Contributor"))
    response = client.get(
        reverse("admin:autocomplete"),
        {
            "term": "council",
            "app_label": "articles",
            "model_name": "article",
            "field_name": "social_image",
        },
    )
    assert response.status_code == 200
    assert [r["text"] for r in response.json()["results"]] == ["A council meeting"]


def test_the_library_refuses_to_delete_a_social_image_and_says_where(
    client, django_user_model
):
    image = make_library_image()
    story = make_article(headline="Bridge opens", social_image=image)
    client.force_login(make_staff(django_user_model, "Editor"))
    change = client.get(reverse("admin:images_image_change", args=[image.pk])).text
    assert "Social image of “Bridge opens”" in change
    assert reverse("admin:articles_article_change", args=[story.pk]) in change
    assert list(Image.objects.in_use()) == [image]
    url = reverse("admin:images_image_delete", args=[image.pk])
    client.post(url, {"post": "yes"})
    assert Image.objects.filter(pk=image.pk).exists()
    with pytest.raises(ImageInUse):
        image.delete()


def test_the_history_shows_a_changed_social_image(client, editor):
    first, second = (
        make_library_image(alt_text="First card"),
        make_library_image(alt_text="Second card"),
    )
    story = make_article()
    assert post_change(client, story, social_image=first.pk).status_code == 302
    assert post_change(client, story, social_image=second.pk).status_code == 302
    newest, older = list(revisions.versions_of(story)[:2])
    changes = revisions.differences(
        revisions.snapshot_of_version(older), revisions.snapshot_of_version(newest)
    )
    assert [change["label"] for change in changes] == ["Social image"]
    assert "Second" in str(changes[0]["diff"])


def test_restoring_a_version_whose_social_image_is_gone_warns(client, editor):
    image = make_library_image()
    story = make_article()
    assert post_change(client, story, social_image=image.pk).status_code == 302
    version = revisions.versions_of(story).first()
    Article.objects.filter(pk=story.pk).update(social_image=None)
    Image.objects.filter(pk=image.pk).delete()
    warnings = revisions.restore(story, version, editor)
    assert story.social_image is None
    assert any("social image" in warning for warning in warnings)


def test_the_change_form_with_both_images_opens_within_15_queries(client, editor):
    # As the form's own budget test (tests/articles/test_admin_desk.py), plus a
    # social image: its chooser's selected choice must not cost a query of its own.
    story = busy_story(editor, social_image=make_library_image())
    url = reverse("admin:articles_article_change", args=[story.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.text.count("Crowds on the bridge") >= 2  # both chosen images
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    assert len(statements) <= 15, "\n".join(statements)
