"""The story form's Preview panel: the unsaved form rendered as readers will see it,
for whoever may edit the story, without writing anything."""

import re

import pytest
from django.urls import reverse
from taggit.models import Tag

from articles.models import Article, Quote
from newsroom import pagecache
from tests.support.desk import add_form_data, change_form_data, make_staff
from tests.support.factories import make_article, make_author, make_draft

pytestmark = pytest.mark.django_db

NEW = reverse("admin:articles_article_live_preview_new")


def preview_url(article) -> str:
    return reverse("admin:articles_article_live_preview", args=[article.pk])


def story_block(html: str) -> str:
    """The page's <article class="story"> … </article>: what the story itself shows."""
    match = re.search(r'<article class="story".*?</article>', html, re.S)
    assert match, "no story block on the page"
    return match.group(0)


@pytest.fixture
def editor(django_user_model):
    return make_staff(django_user_model, "Editor")


def test_a_new_storys_unsaved_headline_is_previewed_and_nothing_is_saved(
    client, editor
):
    client.force_login(editor)
    response = client.post(
        NEW, add_form_data(headline="Not saved yet", body="<p>Typed words.</p>")
    )
    assert response.status_code == 200
    page = response.json()["html"]
    assert '<h1 id="story-headline" class="story__headline">Not saved yet</h1>' in page
    assert "<p>Typed words.</p>" in page
    assert "Preview — not published" in page
    assert response.json()["errors"] == []
    assert not Article.objects.exists()


def test_the_preview_is_private_never_stored_and_not_indexed(client, editor):
    client.force_login(editor)
    response = client.post(NEW, add_form_data())
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_edits_to_a_saved_story_are_previewed_but_not_saved(client, editor):
    story = make_draft(headline="The saved headline")
    client.force_login(editor)
    response = client.post(
        preview_url(story), change_form_data(story, headline="The edited headline")
    )
    assert "The edited headline" in response.json()["html"]
    story.refresh_from_db()
    assert story.headline == "The saved headline"


def test_a_preview_never_bumps_the_page_cache(client, editor, settings):
    settings.PAGE_CACHE_SECONDS = 300
    story = make_article(headline="Live story")
    before = pagecache.content_version()
    client.force_login(editor)
    response = client.post(
        preview_url(story), change_form_data(story, headline="Changed, not saved")
    )
    assert response.status_code == 200
    assert pagecache.content_version() == before


def test_the_preview_shows_the_forms_quotes_in_the_body(client, editor):
    story = make_draft(body="<p>Before.</p><p>[quote 1]</p>")
    Quote.objects.create(article=story, number=1, text="Old words", speaker="Ann")
    data = change_form_data(story)
    data |= {"quotes-0-text": "New words, typed now", "quotes-0-speaker": "Ann Lee"}
    client.force_login(editor)
    page = client.post(preview_url(story), data).json()["html"]
    assert "New words, typed now" in page
    assert 'href="/quotes/ann-lee/"' in page
    assert "Old words" not in page


def test_the_preview_of_a_published_story_is_its_readers_page(client, editor):
    story = make_article(
        headline="Same page",
        body="<p>One.</p><p>[quote 1]</p><p>Two.</p>",
        tags=["budget"],
        authors=[make_author(name="Ann Reporter")],
        quotes=[{"text": "We will see.", "speaker": "The Minister"}],
    )
    published = client.get(story.get_absolute_url()).text
    client.force_login(editor)
    preview = client.post(preview_url(story), change_form_data(story)).json()["html"]
    assert story_block(preview) == story_block(published)


def test_new_tags_typed_in_the_form_are_on_the_preview(client, editor):
    client.force_login(editor)
    page = client.post(NEW, add_form_data(tags="Harbour works")).json()["html"]
    assert '<a href="/tag/harbour-works/" rel="tag">Harbour works</a>' in page
    assert not Tag.objects.exists()


def test_the_preview_leaves_the_admins_messages_for_the_admin(client, editor):
    story = make_draft(headline="Saved once")
    client.force_login(editor)
    client.post(
        reverse("admin:articles_article_change", args=[story.pk]),
        change_form_data(story),
    )
    page = client.post(preview_url(story), change_form_data(story)).json()["html"]
    assert "was changed successfully" not in page
    changelist = client.get(reverse("admin:articles_article_changelist")).text
    assert "was changed successfully" in changelist


def test_an_invalid_form_previews_what_it_can_and_says_why(client, editor):
    client.force_login(editor)
    response = client.post(NEW, add_form_data(headline="", body="<p>Still here.</p>"))
    assert response.status_code == 200
    assert "<p>Still here.</p>" in response.json()["html"]
    assert any("Headline" in error for error in response.json()["errors"])


def test_a_quote_placed_but_missing_is_an_error_not_a_500(client, editor):
    client.force_login(editor)
    response = client.post(NEW, add_form_data(body="<p>[quote 7]</p>"))
    assert response.status_code == 200
    assert any("[quote 7]" in error for error in response.json()["errors"])


def test_a_script_in_the_body_is_not_in_the_preview(client, editor):
    client.force_login(editor)
    body = '<p>Hi</p><script>alert(1)</script><p onclick="x()">there</p>'
    page = client.post(NEW, add_form_data(body=body)).json()["html"]
    assert "alert(1)" not in page
    assert "onclick" not in page


def test_a_post_over_the_size_limit_is_refused_with_a_message(client, editor, settings):
    settings.ARTICLE_BODY_MAX_CHARS = 1000
    client.force_login(editor)
    response = client.post(NEW, add_form_data(body="<p>" + "x" * 300_000 + "</p>"))
    assert response.status_code == 413
    assert "Too large" in response.json()["error"]


def test_previews_are_rate_limited_per_user(client, editor, settings):
    settings.LIVE_PREVIEW_RATE_LIMIT = 2
    client.force_login(editor)
    assert client.post(NEW, add_form_data()).status_code == 200
    assert client.post(NEW, add_form_data()).status_code == 200
    refused = client.post(NEW, add_form_data())
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) >= 1


def test_anonymous_visitors_cannot_preview(client):
    story = make_draft()
    assert client.post(NEW, add_form_data()).status_code == 403
    assert client.post(preview_url(story), change_form_data(story)).status_code == 403


def test_a_get_is_refused(client, editor):
    client.force_login(editor)
    assert client.get(NEW).status_code == 405


def test_the_preview_needs_the_forms_csrf_token(editor):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)
    assert client.post(NEW, add_form_data()).status_code == 403


@pytest.mark.parametrize(
    ("role", "own", "others"),
    [
        ("Contributor", 200, 404),
        ("Author", 200, 404),
        ("Editor", 200, 200),
        ("Superuser", 200, 200),
        ("No role", 403, 403),
    ],
)
def test_each_role_previews_the_stories_it_may_edit(
    client, django_user_model, role, own, others
):
    user = make_staff(django_user_model, role)
    mine = make_draft(created_by=user)
    theirs = make_draft()
    client.force_login(user)
    assert client.post(preview_url(mine), change_form_data(mine)).status_code == own
    assert (
        client.post(preview_url(theirs), change_form_data(theirs)).status_code == others
    )
    assert client.post(NEW, add_form_data()).status_code == own


def test_a_contributor_cannot_preview_their_published_story(client, django_user_model):
    # Once published it is out of a contributor's hands, as on the form itself.
    contributor = make_staff(django_user_model, "Contributor")
    story = make_article(created_by=contributor)
    client.force_login(contributor)
    assert client.post(preview_url(story), change_form_data(story)).status_code == 403


def test_the_change_form_offers_the_preview_panel(client, editor):
    story = make_draft()
    client.force_login(editor)
    page = client.get(reverse("admin:articles_article_change", args=[story.pk])).text
    assert f'data-url="{preview_url(story)}"' in page
    assert "js/desk-preview.js" in page
    add_page = client.get(reverse("admin:articles_article_add")).text
    assert f'data-url="{NEW}"' in add_page


def test_a_preview_runs_a_bounded_number_of_queries(
    client, editor, django_assert_max_num_queries
):
    authors = [make_author() for _ in range(3)]
    story = make_article(
        tags=["a", "b", "c"],
        authors=authors,
        body="<p>[quote 1]</p><p>[quote 2]</p>",
        quotes=[
            {"text": "One.", "speaker": "Ann"},
            {"text": "Two.", "speaker": "Bob"},
        ],
    )
    client.force_login(editor)
    data = change_form_data(story)
    with django_assert_max_num_queries(40):
        assert client.post(preview_url(story), data).status_code == 200
