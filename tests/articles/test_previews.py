"""Previews: editors on the real site, and signed, expiring, revocable shared links."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from articles import previews
from articles.models import PreviewLink
from tests.support.desk import make_staff
from tests.support.factories import make_article, make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return make_staff(django_user_model, "Editor")


def test_an_editor_previews_a_draft_with_a_banner_uncached_and_noindex(client, editor):
    story = make_draft(headline="Secret budget")
    client.force_login(editor)
    response = client.get(reverse("articles:preview", args=[story.pk]))
    assert response.status_code == 200
    assert "Preview — not published" in response.text
    assert "Secret budget" in response.text
    assert "no-cache" in response["Cache-Control"]
    assert "noindex" in response["X-Robots-Tag"]


def test_a_contributor_previews_their_own_draft_but_not_someone_elses(
    client, django_user_model
):
    contributor = make_staff(django_user_model, "Contributor")
    mine = make_draft(created_by=contributor)
    theirs = make_draft()
    client.force_login(contributor)
    assert client.get(reverse("articles:preview", args=[mine.pk])).status_code == 200
    assert client.get(reverse("articles:preview", args=[theirs.pk])).status_code == 404


def test_readers_cannot_use_the_staff_preview(client):
    story = make_draft()
    assert client.get(reverse("articles:preview", args=[story.pk])).status_code == 403


def test_a_shared_link_shows_the_draft_to_someone_without_an_account(client, editor):
    story = make_draft(headline="For the lawyer")
    link = previews.create_link(story, editor, note="lawyer")
    response = client.get(previews.link_url(link))
    assert response.status_code == 200
    assert "For the lawyer" in response.text
    assert "Preview — not published" in response.text
    assert "noindex" in response["X-Robots-Tag"]
    assert (
        "private" in response["Cache-Control"]
        or "no-cache" in response["Cache-Control"]
    )


def test_a_shared_link_expires_after_48_hours_by_default(client, editor):
    story = make_draft()
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        link = previews.create_link(story, editor)
    url = previews.link_url(link)
    with time_machine.travel(start + timedelta(hours=47, minutes=59), tick=False):
        assert client.get(url).status_code == 200
    with time_machine.travel(start + timedelta(hours=48), tick=False):
        assert client.get(url).status_code == 404


def test_a_revoked_link_stops_working(client, editor):
    story = make_draft()
    link = previews.create_link(story, editor)
    url = previews.link_url(link)
    assert client.get(url).status_code == 200  # seen once (and never cached)
    client.force_login(editor)
    client.post(reverse("admin:articles_article_revoke_link", args=[story.pk, link.pk]))
    client.logout()
    assert client.get(url).status_code == 404
    link.refresh_from_db()
    assert link.revoked_at is not None


def test_a_tampered_link_is_a_404_that_reveals_nothing(client, editor):
    story = make_draft(headline="Hidden headline")
    link = previews.create_link(story, editor)
    token = previews.token_for(link)
    forged = token[:-2] + ("AA" if not token.endswith("AA") else "BB")
    response = client.get(reverse("articles:shared_preview", args=[forged]))
    assert response.status_code == 404
    assert "Hidden headline" not in response.text


def test_a_link_to_another_link_id_cannot_be_made_without_the_key(client, editor):
    import base64

    story = make_draft()
    previews.create_link(story, editor)
    raw = base64.urlsafe_b64encode(b"1").decode().rstrip("=")
    response = client.get(reverse("articles:shared_preview", args=[raw]))
    assert response.status_code == 404


def test_a_shared_link_is_read_only(client, editor):
    story = make_draft()
    url = previews.link_url(previews.create_link(story, editor))
    assert client.post(url, {"headline": "x"}).status_code == 405


def test_an_editor_creates_a_link_from_the_admin_and_sees_it(client, editor):
    story = make_draft()
    client.force_login(editor)
    # The signed token carries a timestamp: hold the clock so the test's own
    # token matches the one the page showed.
    with time_machine.travel(timezone.now(), tick=False):
        response = client.post(
            reverse("admin:articles_article_preview_links", args=[story.pk]),
            {"note": "source", "hours": "48"},
        )
        link = PreviewLink.objects.get(article=story)
        assert previews.link_url(link) in response.text
    assert link.note == "source"
    assert (
        timedelta(hours=47, minutes=59)
        < link.expires_at - timezone.now()
        <= timedelta(hours=48)
    )


def test_a_preview_of_a_live_story_still_says_preview(client, editor):
    story = make_article()
    link = previews.create_link(story, editor)
    assert "Preview" in client.get(previews.link_url(link)).text


@pytest.mark.parametrize("hours", ["abc", "0", "100000", ""])
def test_a_bad_validity_is_a_form_error_not_a_500(client, editor, hours):
    story = make_draft()
    client.force_login(editor)
    response = client.post(
        reverse("admin:articles_article_preview_links", args=[story.pk]),
        {"note": "x", "hours": hours},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["hours"]
    assert not PreviewLink.objects.exists()


def test_every_live_link_has_a_copy_button_revoked_ones_do_not(client, editor):
    story = make_draft()
    live = previews.create_link(story, editor, note="<b>lawyer</b>", hours=48)
    revoked = previews.create_link(story, editor, note="old", hours=48)
    PreviewLink.objects.filter(pk=revoked.pk).update(revoked_at=timezone.now())
    client.force_login(editor)
    url = reverse("admin:articles_article_preview_links", args=[story.pk])
    text = client.get(url).text
    # The button copies the input it names; without JavaScript it stays hidden
    # and the link can still be selected by hand.
    assert f'id="preview-link-{live.pk}" readonly' in text
    assert f'data-copy="preview-link-{live.pk}" hidden>Copy</button>' in text
    assert f'data-copy="preview-link-{revoked.pk}"' not in text
    assert 'aria-label="Preview link for &lt;b&gt;lawyer&lt;/b&gt;"' in text
    assert 'src="/static/js/desk-copy.js" defer' in text


def test_a_new_link_has_its_own_copy_button(client, editor):
    story = make_draft()
    client.force_login(editor)
    url = reverse("admin:articles_article_preview_links", args=[story.pk])
    text = client.post(url, {"note": "", "hours": "48"}).text
    assert '<label for="new-preview-link">New link:</label>' in text
    assert 'data-copy="new-preview-link" hidden>Copy link</button>' in text
