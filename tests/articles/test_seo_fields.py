"""Meta description and social headline: what the story page's description, Open
Graph and Twitter tags and NewsArticle JSON-LD say, with and without them; hostile
text stays text; the form's limits; revisions keep them."""

import pytest
import reversion

from articles import revisions
from articles.models import Article
from tests.support.desk import make_staff, post_change
from tests.support.escaping import PAYLOADS, live_in_head
from tests.support.factories import make_article
from tests.support.story_page import LD_JSON, meta, news_article, page_of

pytestmark = pytest.mark.django_db


def test_the_page_uses_the_meta_description_and_social_headline(client):
    story = make_article(
        headline="Council approves the harbour bridge after a ten-year debate",
        standfirst="The standfirst, for readers of the page.",
        meta_description="Harbour Town's bridge: the vote, the cost, what comes next.",
        social_headline="The bridge is finally happening",
    )
    page = page_of(client, story)
    described = "Harbour Town's bridge: the vote, the cost, what comes next."
    assert meta(page, "description") == [described]
    assert meta(page, "og:description") == [described]
    assert meta(page, "twitter:description") == [described]
    assert meta(page, "og:title") == ["The bridge is finally happening"]
    assert meta(page, "twitter:title") == ["The bridge is finally happening"]
    ld = news_article(page)
    assert ld["description"] == described
    # The page's own headline stays the headline; the card's is the alternative.
    assert ld["headline"] == story.headline
    assert ld["alternativeHeadline"] == "The bridge is finally happening"
    assert f"<title>{story.headline} — " in page


def test_without_them_the_standfirst_and_headline_are_used(client):
    story = make_article(
        headline="Plain headline", standfirst="Plain standfirst, as before."
    )
    page = page_of(client, story)
    for key in ("description", "og:description", "twitter:description"):
        assert meta(page, key) == ["Plain standfirst, as before."]
    for key in ("og:title", "twitter:title"):
        assert meta(page, key) == ["Plain headline"]
    ld = news_article(page)
    assert ld["description"] == "Plain standfirst, as before."
    assert "alternativeHeadline" not in ld


def test_without_a_standfirst_the_description_is_the_headline(client):
    story = make_article(headline="Only a headline", standfirst="")
    page = page_of(client, story)
    assert meta(page, "description") == ["Only a headline"]
    assert news_article(page)["description"] == "Only a headline"


def test_blank_fields_count_as_empty(client):
    story = make_article(
        headline="H", standfirst="S", meta_description="   ", social_headline="  "
    )
    page = page_of(client, story)
    assert meta(page, "og:description") == ["S"]
    assert meta(page, "og:title") == ["H"]


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_text_in_the_seo_fields_stays_text(client, payload):
    story = make_article(meta_description=payload, social_headline=f"Card {payload}")
    page = page_of(client, story)
    assert live_in_head(page) == []
    assert meta(page, "description") == [payload]
    assert meta(page, "og:title") == [f"Card {payload}"]
    ld = news_article(page)
    assert ld["description"] == payload
    assert ld["alternativeHeadline"] == f"Card {payload}"
    assert "</script><" not in "".join(LD_JSON.findall(page))


@pytest.fixture
def editor(client, django_user_model):
    user = make_staff(django_user_model, "Editor")
    client.force_login(user)
    return user


def test_the_form_saves_both_fields(client, editor):
    story = make_article()
    response = post_change(
        client, story, meta_description="For search.", social_headline="For cards"
    )
    assert response.status_code == 302
    story.refresh_from_db()
    assert (story.meta_description, story.social_headline) == (
        "For search.",
        "For cards",
    )


def test_a_meta_description_over_300_characters_is_refused_clearly(client, editor):
    story = make_article()
    response = post_change(client, story, meta_description="x" * 301)
    assert response.status_code == 200
    assert (
        "A meta description may have at most 300 characters (this one has 301)"
        in response.text
    )
    assert post_change(client, story, meta_description="x" * 300).status_code == 302


def test_a_social_headline_over_200_characters_is_refused_clearly(client, editor):
    story = make_article()
    response = post_change(client, story, social_headline="y" * 205)
    assert response.status_code == 200
    assert (
        "A social headline may have at most 200 characters (this one has 205)"
        in response.text
    )
    # The refused text is still in the form.
    assert "y" * 205 in response.text


def test_the_change_form_offers_them_under_search_and_social(client, editor):
    story = make_article(meta_description="Already written.")
    text = client.get(f"/admin/articles/article/{story.pk}/change/").text
    assert "Search and social" in text
    assert "Already written.</textarea>" in text
    assert "16 / 160 characters" in text
    assert 'name="social_headline"' in text


def test_revisions_keep_them_and_the_history_shows_the_change(client, editor):
    story = make_article()
    assert post_change(client, story, meta_description="First.").status_code == 302
    assert post_change(client, story, meta_description="Second.").status_code == 302
    newest, older = list(revisions.versions_of(story)[:2])
    assert newest.field_dict["meta_description"] == "Second."
    assert older.field_dict["meta_description"] == "First."
    changes = revisions.differences(
        revisions.snapshot_of_version(older), revisions.snapshot_of_version(newest)
    )
    assert [change["label"] for change in changes] == ["Meta description"]


def test_restoring_an_old_revision_brings_its_seo_fields_back(editor):
    story = make_article(meta_description="Old", social_headline="Old card")
    with reversion.create_revision():
        story.save()
    version = revisions.versions_of(story).first()
    Article.objects.filter(pk=story.pk).update(
        meta_description="New", social_headline="New card"
    )
    story.refresh_from_db()
    revisions.restore(story, version, editor)
    assert (story.meta_description, story.social_headline) == ("Old", "Old card")
