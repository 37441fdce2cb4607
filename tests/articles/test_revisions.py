"""Revisions: every save stores the whole story; compare; restore; no silent overwrite."""

import pytest
from django.urls import reverse
from reversion.models import Version

from articles.models import Article
from tests.support.desk import change_form_data, make_staff, post_change
from tests.support.factories import (
    make_author,
    make_draft,
    make_library_image,
    make_section,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return make_staff(django_user_model, "Editor")


def versions(story):
    return list(Version.objects.get_for_object(story).order_by("pk"))


def test_an_admin_save_stores_the_whole_story_with_bylines_quotes_and_tags(
    client, editor
):
    author = make_author(name="Anna Reporter")
    story = make_draft(
        authors=[author], tags=["storm"], quotes=[{"text": "Hi", "speaker": "Ivan"}]
    )
    client.force_login(editor)
    post_change(client, story, headline="Saved once")
    [version] = versions(story)
    stored = {v.content_type.model for v in version.revision.version_set.all()}
    assert {"article", "byline", "quote", "taggeditem"} <= stored
    assert version.field_dict["headline"] == "Saved once"
    assert version.revision.user == editor


def test_restore_brings_back_text_bylines_quotes_and_tags_as_a_new_revision(
    client, editor
):
    anna, boris = make_author(name="Anna"), make_author(name="Boris")
    section = make_section(name="World")
    story = make_draft(
        headline="Original",
        section=section,
        authors=[anna],
        tags=["storm"],
        quotes=[{"text": "First quote", "speaker": "Ivan"}],
    )
    client.force_login(editor)
    post_change(client, story)  # revision 1
    story.bylines.all().delete()
    story.bylines.create(author=boris)
    story.quotes.all().delete()
    story.tags.set(["flood"])
    post_change(client, story, headline="Rewritten", body="<p>Different.</p>")
    first = versions(story)[0]

    response = client.post(
        reverse("admin:articles_article_revision", args=[story.pk, first.pk])
    )

    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Original"
    assert [a.name for a in story.byline_list] == ["Anna"]
    assert [q.text for q in story.quotes.all()] == ["First quote"]
    assert [t.name for t in story.tags.all()] == ["storm"]
    assert len(versions(story)) == 3
    assert "Restored" in versions(story)[-1].revision.get_comment()


def test_restore_keeps_the_status_so_an_old_version_never_goes_live(client, editor):
    story = make_draft(headline="Draft words")
    client.force_login(editor)
    post_change(client, story)
    story.publish(editor)
    story.unpublish(editor)
    published_version = versions(story)[1]
    assert published_version.field_dict["status"] == "published"
    client.post(
        reverse(
            "admin:articles_article_revision", args=[story.pk, published_version.pk]
        )
    )
    story.refresh_from_db()
    assert story.status == Article.Status.DRAFT


def test_restore_of_a_version_whose_library_image_is_gone_says_so(client, editor):
    story = make_draft(featured_image=make_library_image())
    client.force_login(editor)
    post_change(client, story)
    old_version = versions(story)[0]
    image = story.featured_image
    story.featured_image = None
    story.save()
    image.delete()  # no longer in use: the library lets it go
    post_change(client, story, headline="No picture now")

    response = client.post(
        reverse("admin:articles_article_revision", args=[story.pk, old_version.pk]),
        follow=True,
    )

    assert response.status_code == 200
    assert "no longer exists" in response.text
    story.refresh_from_db()
    assert story.featured_image is None
    assert story.headline != "No picture now"


def test_the_history_compares_any_two_versions_word_by_word(client, editor):
    story = make_draft(headline="Storm hits the coast", standfirst="")
    client.force_login(editor)
    post_change(client, story)
    post_change(client, story, headline="Storm hits the north coast")
    post_change(client, story, standfirst="Now with a summary.")
    first, _, third = versions(story)
    response = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]),
        {"from": first.pk, "to": third.pk},
    )
    assert response.status_code == 200
    assert "<ins>north </ins>" in response.text
    assert "<ins>Now with a summary.</ins>" in response.text


def test_the_diff_escapes_what_it_shows(client, editor):
    story = make_draft(headline="Plain")
    client.force_login(editor)
    post_change(client, story)
    post_change(client, story, headline="<script>alert(1)</script>")
    first, second = versions(story)
    response = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]),
        {"from": first.pk, "to": second.pk},
    )
    assert "<script>alert(1)</script>" not in response.text
    assert "&lt;script&gt;" in response.text


def test_the_history_page_lists_who_saved_and_when(client, editor):
    story = make_draft()
    client.force_login(editor)
    post_change(client, story)
    response = client.get(reverse("admin:articles_article_history", args=[story.pk]))
    assert response.status_code == 200
    assert "editor" in response.text
    assert "Compare with now / restore" in response.text


def test_a_version_id_from_another_story_is_a_404(client, editor):
    one, other = make_draft(), make_draft()
    client.force_login(editor)
    post_change(client, other)
    foreign = versions(other)[0]
    url = reverse("admin:articles_article_revision", args=[one.pk, foreign.pk])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_a_stale_save_is_refused_naming_who_saved_in_between(
    client, editor, django_user_model
):
    other_editor = make_staff(django_user_model, "Editor", "maria")
    other_editor.first_name, other_editor.last_name = "Maria", "Ivanova"
    other_editor.save()
    story = make_draft(headline="Original")
    client.force_login(editor)
    loaded = change_form_data(story)  # what I opened

    client.force_login(other_editor)
    post_change(client, story, headline="Maria's headline")

    client.force_login(editor)
    mine = loaded | {"headline": "My headline", "body": "<p>My long paragraph.</p>"}
    response = client.post(
        reverse("admin:articles_article_change", args=[story.pk]), mine, follow=True
    )

    assert response.redirect_chain[0][0].endswith(f"/{story.pk}/conflict/")
    assert "Maria Ivanova saved this story at" in response.text
    assert "My long paragraph." in response.text  # what I typed is still there
    story.refresh_from_db()
    assert story.headline == "Maria's headline"


def test_saving_again_without_choosing_is_refused_again(client, editor):
    story = make_draft(headline="Original")
    client.force_login(editor)
    loaded = change_form_data(story)
    post_change(client, story, headline="Someone else's")
    for _ in range(2):
        refused = client.post(
            reverse("admin:articles_article_change", args=[story.pk]),
            loaded | {"headline": "Mine"},
        )
        assert refused.status_code == 302
        assert refused["Location"].endswith("/conflict/")
    story.refresh_from_db()
    assert story.headline == "Someone else's"


def test_an_editor_can_find_a_deleted_story_to_recover(client, editor):
    story = make_draft(headline="Deleted by mistake")
    client.force_login(editor)
    post_change(client, story)
    client.post(
        reverse("admin:articles_article_delete", args=[story.pk]), {"post": "yes"}
    )
    response = client.get(reverse("admin:articles_article_recoverlist"))
    assert response.status_code == 200
    assert "Deleted by mistake" in response.text


def test_contributors_cannot_see_deleted_stories(client, django_user_model):
    client.force_login(make_staff(django_user_model, "Contributor"))
    response = client.get(reverse("admin:articles_article_recoverlist"))
    assert response.status_code == 403


def test_restore_brings_back_the_library_image_and_the_story_credit(client, editor):
    first, second = make_library_image(), make_library_image()
    story = make_draft(featured_image=first, image_credit="Our photographer")
    client.force_login(editor)
    post_change(client, story, headline="First words")
    old_version = versions(story)[0]
    story.refresh_from_db()
    post_change(
        client, story, headline="Later words", featured_image=second.pk, image_credit=""
    )

    client.post(
        reverse("admin:articles_article_revision", args=[story.pk, old_version.pk])
    )

    story.refresh_from_db()
    assert story.headline == "First words"
    assert story.featured_image == first
    assert story.image_credit == "Our photographer"
