"""Pictures from the library inside a story's body (issue 15): what readers see on
the page, in feeds and in the metadata, and what writers may put there."""

import json
import re

import pytest
from django.urls import reverse

from articles import body
from articles.models import Article, BodyImage
from images.models import Image
from tests.articles.test_metadata import json_ld_blocks
from tests.support.desk import add_form_data, make_staff, post_change
from tests.support.factories import make_article, make_draft, make_library_image

pytestmark = pytest.mark.django_db


def figure(image, size="inline", **extra):
    attrs = "".join(f' data-{name}="{value}"' for name, value in extra.items())
    pk = image.pk if hasattr(image, "pk") else image
    return f'<figure data-image="{pk}" data-size="{size}"{attrs}></figure>'


def page(client, story) -> str:
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.content.decode()


def story_body(html: str) -> str:
    return html.split('<div class="story__body">', 1)[1].split("</div>\n", 1)[0]


# --- On the page --------------------------------------------------------------------


def test_a_picture_in_the_body_is_a_figure_with_its_renditions_caption_and_credit(
    client,
):
    image = make_library_image(
        alt_text="Boats in the harbour", caption="Morning tide", credit="Ann Lens"
    )
    story = make_article(body=f"<p>Before.</p>{figure(image, 'wide')}<p>After.</p>")
    html = story_body(page(client, story))
    assert html.index("Before.") < html.index("<figure") < html.index("After.")
    assert '<figure class="body-image body-image--wide">' in html
    webp = [r for r in image.renditions_of("width") if r["type"] == "image/webp"]
    assert f"{webp[0]['url']} {webp[0]['width']}w" in html
    assert 'sizes="(min-width: 50rem) 48rem, 100vw"' in html
    assert re.search(r'<img src="[^"]+" width="\d+" height="\d+" alt="Boats in', html)
    assert 'loading="eager"' in html  # near the top of a story without a featured one
    assert (
        '<figcaption>Morning tide <span class="credit">Ann Lens</span></figcaption>'
        in html
    )


def test_the_figures_own_caption_and_credit_replace_the_librarys(client):
    image = make_library_image(caption="Library words", credit="Library credit")
    story = make_article(
        body=figure(image, caption="Our <own> words", credit="Staff photographer")
    )
    html = story_body(page(client, story))
    assert "Our &lt;own&gt; words" in html and "Staff photographer" in html
    assert "Library words" not in html and "Library credit" not in html


def test_pictures_below_the_top_load_lazily_and_the_first_near_the_top_at_once(
    client,
):
    first, later = make_library_image(), make_library_image()
    story = make_article(
        body=f"<p>Intro.</p>{figure(first)}"
        + "<p>Words words.</p>" * 60
        + figure(later)
    )
    html = story_body(page(client, story))
    assert html.count('loading="eager"') == 1
    assert html.index('loading="eager"') < html.index('loading="lazy"')


def test_several_pictures_in_a_row_are_a_gallery(client):
    images = [make_library_image(alt_text=f"Picture {n}") for n in range(3)]
    alone = make_library_image(alt_text="On its own")
    story = make_article(
        body="<p>Intro.</p>"
        + "\n".join(figure(image) for image in images)
        + f"<p>Between.</p>{figure(alone, 'full')}"
    )
    html = story_body(page(client, story))
    gallery = html.split('<div class="gallery gallery--inline"', 1)[1].split("</div>")[
        0
    ]
    assert 'aria-label="Gallery: 3 pictures"' in gallery
    assert [f"Picture {n}" in gallery for n in range(3)] == [True] * 3
    assert gallery.count('<figure class="gallery__item">') == 3
    assert "On its own" not in gallery
    assert '<figure class="body-image body-image--full">' in html


@pytest.mark.parametrize("gone", ["deleted", "never there"])
def test_a_picture_that_is_not_in_the_library_renders_nothing(client, gone):
    if gone == "deleted":
        image = make_library_image()
        missing = image.pk
        Image.objects.filter(pk=missing).delete()  # bypassing the library's refusal
    else:
        missing = 999_999
    story = make_article(body=f"<p>Before.</p>{figure(missing)}<p>After.</p>")
    html = story_body(page(client, story))
    assert "<figure" not in html and "<picture" not in html
    assert "Before." in html and "After." in html


def test_a_gallery_missing_a_picture_shows_the_others(client):
    kept = [make_library_image(alt_text=f"Kept {n}") for n in range(2)]
    story = make_article(body=figure(kept[0]) + figure(999_999) + figure(kept[1]))
    html = story_body(page(client, story))
    assert 'aria-label="Gallery: 2 pictures"' in html
    assert "Kept 0" in html and "Kept 1" in html


def test_the_page_with_ten_pictures_stays_within_its_query_budget(
    client, django_assert_max_num_queries
):
    images = [make_library_image() for _ in range(10)]
    story = make_article(
        body="".join(f"<p>Paragraph {n}.</p>{figure(i)}" for n, i in enumerate(images)),
        quotes=[{"text": "Said.", "speaker": "Ida"}],
        tags=["harbour"],
    )
    # Another story first: the sections list and the Discussion settings are
    # remembered site-wide until the next edit (pagecache.remember), as between
    # edits on a running site. (Right after an edit they cost two more queries
    # on the first uncached page, pictures or not.)
    page(client, make_article(tags=["harbour"]))
    with django_assert_max_num_queries(8) as queries:
        html = page(client, story)
    assert html.count("<picture>") == 10
    image_queries = [
        q
        for q in queries.captured_queries
        if q["sql"].split(" FROM ")[1].startswith('"images_image"')
    ]
    assert len(image_queries) == 1


def test_two_hundred_pictures_load_in_one_query(django_assert_num_queries):
    images = [make_library_image(size=(40, 30)) for _ in range(5)]
    ids = [i.pk for i in images] + list(range(10_000, 10_195))
    story = make_article(body="".join(figure(i) for i in ids))
    story = Article.objects.get(pk=story.pk)
    with django_assert_num_queries(1):
        html = body.render(story)
    assert html.count("<picture>") == 5


def test_a_story_placing_too_many_pictures_is_refused_with_a_clear_message(
    client, django_user_model
):
    image = make_library_image()
    ids = [image.pk, *range(10_000, 10_000 + body.MAX_IMAGES)]
    client.force_login(make_staff(django_user_model, "Editor"))
    response = client.post(
        reverse("admin:articles_article_add"),
        add_form_data(headline="Album", body="".join(figure(i) for i in ids)),
    )
    assert response.status_code == 200
    assert (
        f"The story places {len(ids)} pictures; the most a story may show is "
        f"{body.MAX_IMAGES}. Nothing is lost" in response.text
    )
    assert not Article.objects.filter(headline="Album").exists()


# --- Feeds and metadata -----------------------------------------------------------


def test_feeds_carry_plain_images_with_absolute_addresses(
    client, settings, django_assert_max_num_queries
):
    settings.FEED_FULL_CONTENT = True
    image = make_library_image(alt_text="Harbour at dawn", credit="Ann Lens")
    for _ in range(3):
        make_article(body=f"<p>Words.</p>{figure(image)}{figure(image, 'wide')}")
    with django_assert_max_num_queries(6):
        response = client.get(reverse("articles:feed"))
    xml = response.content.decode()
    img = re.search(r'&lt;img src="([^"]+)"', xml)
    assert img and img[1].startswith(f"{settings.SITE_URL}/media/")
    assert "&lt;picture" not in xml and "srcset" not in xml
    assert "Harbour at dawn" in xml and "Ann Lens" in xml


def test_the_news_article_metadata_lists_the_featured_and_the_body_pictures(client):
    featured = make_library_image(alt_text="Featured")
    inline = make_library_image(caption="The quay", credit="Ann Lens")
    story = make_article(
        featured_image=featured,
        body=f"<p>Words.</p>{figure(inline)}{figure(featured)}{figure(999_999)}",
    )
    news = json_ld_blocks(page(client, story))["NewsArticle"]
    urls = [entry["url"] for entry in news["image"]]
    assert urls[0].endswith(featured.file.url)
    body_entry = next(e for e in news["image"] if e["url"].endswith(inline.file.url))
    assert body_entry["caption"] == "The quay"
    assert body_entry["creditText"] == "Ann Lens"
    assert body_entry["width"] == inline.width
    assert sum(u.endswith(featured.file.url) for u in urls) == 1


# --- What writers may put in a body -----------------------------------------------


def test_a_contributor_cannot_hot_link_or_forge_figures(client, django_user_model):
    image = make_library_image()
    client.force_login(make_staff(django_user_model, "Contributor"))
    posted = (
        '<p>Hi</p><img src="https://tracker.example/pixel.gif" alt="x">'
        '<figure data-image="12 OR 1=1" data-size="wide"></figure>'
        '<figure data-image="javascript:alert(1)"><img src="//evil.example/a.png">'
        "</figure>"
        f'<figure data-image="{image.pk}" data-size="giant" onclick="x()" '
        'class="evil" style="position:fixed" data-caption="Mine"></figure>'
    )
    response = client.post(
        reverse("admin:articles_article_add"),
        add_form_data(headline="Mine", body=posted),
    )
    assert response.status_code == 302
    stored = Article.objects.get(headline="Mine").body
    assert stored == (
        f'<p>Hi</p><figure data-image="{image.pk}" data-caption="Mine"></figure>'
    )


def test_an_editors_hand_written_html_keeps_its_images(client, django_user_model):
    editor = make_staff(django_user_model, "Editor")
    story = make_draft(raw_html=True, body='<p><img src="https://e.org/a.png"></p>')
    client.force_login(editor)
    post_change(
        client,
        story,
        raw_html="on",
        body='<p><img src="https://e.org/a.png" alt="A"></p>',
    )
    story.refresh_from_db()
    assert '<img src="https://e.org/a.png" alt="A">' in story.body


# --- The library knows where its pictures are used ---------------------------------


def test_saving_a_story_records_the_pictures_its_body_shows():
    shown, dropped = make_library_image(), make_library_image()
    story = make_draft(body=figure(shown) + figure(dropped) + figure(999_999))
    assert set(BodyImage.objects.values_list("image_id", flat=True)) == {
        shown.pk,
        dropped.pk,
    }
    story.body = figure(shown)
    story.save()
    assert list(BodyImage.objects.values_list("image_id", flat=True)) == [shown.pk]


# --- Quotes placed in the body -----------------------------------------------------


def test_a_quote_placed_twice_is_a_clear_form_error(client, django_user_model):
    story = make_draft(quotes=[{"text": "Hello", "speaker": "Ivan"}])
    client.force_login(make_staff(django_user_model, "Editor"))
    response = post_change(
        client, story, body="<p>[quote 1]</p><p>Middle.</p><p>[quote 1]</p>"
    )
    assert response.status_code == 200
    assert "The body places [quote 1] 2 times" in response.text
    assert "Middle." in response.text  # what was typed is still in the form


def test_deleting_a_quote_the_body_places_is_a_clear_form_error(
    client, django_user_model
):
    story = make_draft(
        quotes=[{"text": "Hello", "speaker": "Ivan"}], body="<p>[quote 1]</p>"
    )
    client.force_login(make_staff(django_user_model, "Editor"))
    response = post_change(client, story, **{"quotes-0-DELETE": "on"})
    assert response.status_code == 200
    assert "Quote 1 is marked for deletion but the body still places it" in (
        response.text
    )
    assert story.quotes.count() == 1


def test_a_quote_in_a_gallery_story_renders_between_the_pictures(client):
    image = make_library_image()
    story = make_article(
        body=f"{figure(image)}<p>[quote 1]</p>{figure(image)}",
        quotes=[{"text": "Between pictures.", "speaker": "Ida"}],
    )
    html = story_body(page(client, story))
    assert "gallery" not in html
    assert html.count("<picture>") == 2 and "Between pictures." in html


def test_feed_json_is_not_broken_by_a_caption(client):
    image = make_library_image()
    story = make_article(body=figure(image, caption='</script><script>alert(1)"'))
    blocks = json_ld_blocks(page(client, story))
    assert json.dumps(blocks)  # parsed: the caption did not break out
    assert "<script>alert(1)" not in page(client, story)
