"""A refused save (someone saved the story after it was opened): the conflict
screen, each of its three choices doing what it says, saving again without
choosing, the browser's Back button, and old autosaves restored by two editors."""

import re
from datetime import timedelta
from html import unescape

import pytest
import reversion
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone
from reversion.models import Version

from articles.models import ArticleAutosave, ArticleConflict, Correction
from tests.support.desk import change_form_data, change_url, make_staff
from tests.support.factories import (
    make_article,
    make_author,
    make_draft,
    make_section,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def elena(django_user_model):
    user = make_staff(django_user_model, "Editor", "elena")
    user.first_name, user.last_name = "Elena", "Ruiz"
    user.save()
    return user


@pytest.fixture
def marco(django_user_model):
    return make_staff(django_user_model, "Editor", "marco")


def conflict_url(story) -> str:
    return reverse("admin:articles_article_conflict", args=[story.pk])


def refused_save(client, story, elena, marco, **mine):
    """Marco opens the story, Elena saves it, then Marco saves `mine`: refused."""
    client.force_login(marco)
    loaded = change_form_data(story)
    client.force_login(elena)
    response = client.post(
        change_url(story),
        change_form_data(
            story,
            headline="Bridge vote delayed to March",
            body="<p>The council delayed the vote.</p><p>Elena's second line.</p>",
        ),
    )
    assert response.status_code == 302
    client.force_login(marco)
    response = client.post(change_url(story), loaded | mine)
    assert response.status_code == 302
    assert response["Location"] == conflict_url(story)
    return loaded


def overwrite_form(page: str) -> dict:
    """The fields of the conflict screen's "Overwrite with mine" form."""
    form = re.search(
        r'<form method="post" action="[^"]+/change/".*?</form>', page, re.S
    )
    pairs = re.findall(r'name="([^"]+)" value="([^"]*)"', form.group(0))
    data = {}
    for name, value in pairs:
        data.setdefault(name, []).append(unescape(value))
    return data


@pytest.fixture
def story():
    return make_draft(
        headline="Bridge vote", body="<p>The council met.</p>", section=make_section()
    )


def test_a_refused_save_shows_theirs_against_mine_field_by_field(
    client, story, elena, marco
):
    refused_save(
        client,
        story,
        elena,
        marco,
        headline="Bridge vote <b>tonight</b>",
        standfirst="My standfirst.",
        body="<p>The council met at last.</p>",
        tags="Harbour, Bridges",
        section="",
    )
    page = client.get(conflict_url(story)).text
    # The heading is the saved story's, not the refused text's.
    assert "<h1>Not saved: “Bridge vote delayed to March” was saved by Elena Ruiz" in (
        page
    )
    assert "Elena Ruiz saved this story at" in page
    for label in ("Headline", "Standfirst", "Body", "Tags", "Section"):
        assert f"<h2>{label}</h2>" in page
    # Escaped, and marked word by word.
    assert "<ins>&lt;b&gt;tonight&lt;/b&gt;</ins>" in page
    assert "<del>delayed to March</del>" in page
    assert "<ins>met at last.</ins>" in page
    assert "<del>delayed the vote.\nElena&#x27;s second line.</del>" in page
    assert "The same in both:" in page and "Slug" in page
    # The history link opens where it says.
    assert re.search(
        r'<a href="[^"]+/history/" target="_blank" rel="noopener">'
        r"story&#x27;s history \(opens in a new tab\)</a>|"
        r'<a href="[^"]+/history/" target="_blank" rel="noopener">[^<]*new tab',
        page,
    )


def test_unchanged_bylines_quotes_and_corrections_are_not_shown_as_changes(
    client, elena, marco
):
    story = make_article(
        headline="Bridge vote",
        authors=[make_author(name="Olga Writer")],
        quotes=[{"text": "We will build it.", "speaker": "Mayor"}],
        tags=["Harbour"],
    )
    Correction.objects.create(article=story, kind="correction", text="Fixed a name.")
    refused_save(client, story, elena, marco, headline="Marco's")
    page = client.get(conflict_url(story)).text
    same = re.search(r"The same in both: ([^<]*)\.</p>", page).group(1).split(", ")
    assert {"Bylines", "Quotes", "Corrections", "Tags", "Section"} <= set(same)
    assert "<h2>Bylines</h2>" not in page


def test_saving_the_old_form_again_without_choosing_never_overwrites(
    client, story, elena, marco
):
    loaded = refused_save(client, story, elena, marco, headline="Marco's")
    again = client.post(change_url(story), loaded | {"headline": "Marco's"})
    assert again["Location"] == conflict_url(story)
    story.refresh_from_db()
    assert story.headline == "Bridge vote delayed to March"


def test_keep_theirs_discards_mine_and_opens_their_version(client, story, elena, marco):
    refused_save(client, story, elena, marco, headline="Marco's")
    response = client.post(conflict_url(story), {"choice": "theirs"}, follow=True)
    assert response.redirect_chain[-1][0] == change_url(story)
    assert "Kept Elena Ruiz&#x27;s version; your changes were discarded." in (
        response.text
    )
    assert response.context["adminform"].form["headline"].value() == (
        "Bridge vote delayed to March"
    )
    assert "Restore your unsaved changes" not in response.text
    assert not ArticleConflict.objects.exists()
    assert not ArticleAutosave.objects.filter(user=marco).exists()
    story.refresh_from_db()
    assert story.headline == "Bridge vote delayed to March"


def test_keep_theirs_and_copy_pieces_shows_my_text_beside_their_version(
    client, story, elena, marco
):
    refused_save(
        client,
        story,
        elena,
        marco,
        headline="Marco's headline",
        body="<p>Marco's <strong>paragraph</strong>.</p><script>x()</script>",
    )
    response = client.get(f"{change_url(story)}?pieces=1")
    form = response.context["adminform"].form
    assert form["headline"].value() == "Bridge vote delayed to March"  # theirs
    page = response.text
    assert "Your refused text from" in page
    assert "Marco&#x27;s headline" in page
    assert "<p>Marco's <strong>paragraph</strong>.</p>" in page  # to copy, cleaned
    assert "<script>x()</script>" not in page
    assert 'name="_conflict" value="merged"' in page
    assert "Restore your unsaved changes" not in page  # the same text, shown above

    data = change_form_data(story, headline="Bridge vote delayed: Marco's headline")
    data["_conflict"] = "merged"
    assert client.post(change_url(story), data).status_code == 302
    story.refresh_from_db()
    assert story.headline == "Bridge vote delayed: Marco's headline"
    comment = Version.objects.get_for_object(story).first().revision.comment
    assert "Kept Elena Ruiz's save of" in comment
    assert not ArticleConflict.objects.exists()


def test_overwrite_with_mine_saves_my_version_and_says_so_in_the_history(
    client, story, elena, marco
):
    refused_save(
        client, story, elena, marco, headline="Marco's", body="<p>Marco's body.</p>"
    )
    page = client.get(conflict_url(story)).text
    response = client.post(change_url(story), overwrite_form(page))
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.headline == "Marco's"
    assert story.body == "<p>Marco's body.</p>"
    latest = Version.objects.get_for_object(story).first().revision
    assert latest.user == marco
    assert latest.comment.startswith("Overwrote Elena Ruiz's save of ")
    assert not ArticleConflict.objects.exists()


def test_overwrite_is_refused_again_if_someone_saved_after_the_comparison(
    client, story, elena, marco
):
    refused_save(client, story, elena, marco, headline="Marco's")
    page = client.get(conflict_url(story)).text
    client.force_login(elena)
    client.post(change_url(story), change_form_data(story, headline="Elena again"))
    client.force_login(marco)
    response = client.post(change_url(story), overwrite_form(page))
    assert response["Location"] == conflict_url(story)
    story.refresh_from_db()
    assert story.headline == "Elena again"


def test_back_to_the_form_offers_the_refused_text_and_the_comparison(
    client, story, elena, marco
):
    """The browser's Back from the conflict screen reloads the story form (GET)."""
    refused_save(client, story, elena, marco, headline="Marco's")
    page = client.get(change_url(story)).text
    assert "Restore your unsaved changes" in page
    assert f'href="{conflict_url(story)}">Compare both versions and choose' in page
    slot = ArticleAutosave.objects.get(user=marco, article=story)
    restored = client.get(f"{change_url(story)}?restore={slot.pk}")
    assert restored.context["adminform"].form["headline"].value() == "Marco's"
    # …and the conflict screen itself is a page that can be reloaded or gone back to.
    assert "Marco&#x27;s" in client.get(conflict_url(story)).text


def test_each_editor_sees_only_their_own_refused_save(client, story, elena, marco):
    refused_save(client, story, elena, marco, headline="Marco's")
    client.force_login(elena)
    response = client.get(conflict_url(story), follow=True)
    assert "Nothing to choose" in response.text
    assert "Marco&#x27;s" not in response.text


def test_a_contributor_cannot_open_the_conflict_screen_of_anothers_story(
    client, story, elena, marco, django_user_model
):
    refused_save(client, story, elena, marco, headline="Marco's")
    client.force_login(make_staff(django_user_model, "Contributor"))
    # As the story's other pages: a story they may not see is not found.
    assert client.get(conflict_url(story)).status_code == 404
    assert client.post(conflict_url(story), {"choice": "theirs"}).status_code == 404
    assert ArticleConflict.objects.exists()


def test_two_editors_restoring_old_autosaves_never_overwrite_a_newer_save(
    client, story, elena, marco
):
    base = story.modified_at.isoformat()
    for user, headline in ((elena, "Elena's autosave"), (marco, "Marco's autosave")):
        ArticleAutosave.objects.create(
            user=user,
            article=story,
            data={"headline": headline},
            base_token=base,
            saved_at=story.modified_at.replace(year=story.modified_at.year + 1),
        )
    for user in (elena, marco):
        client.force_login(user)
        slot = ArticleAutosave.objects.get(user=user)
        form = (
            client.get(f"{change_url(story)}?restore={slot.pk}")
            .context["adminform"]
            .form
        )
        data = change_form_data(story, headline=form["headline"].value())
        data["loaded_modified_at"] = form["loaded_modified_at"].value()
        response = client.post(change_url(story), data)
        if user == elena:
            assert response["Location"] != conflict_url(story)  # the first one saves
        else:
            assert response["Location"] == conflict_url(story)
    story.refresh_from_db()
    assert story.headline == "Elena's autosave"
    page = client.get(conflict_url(story)).text
    assert "Marco&#x27;s autosave" in page


def test_a_restored_autosave_older_than_a_restore_of_history_meets_the_screen(
    client, story, elena, marco
):
    """Restoring a revision is a save too: an autosave from before it is refused."""
    client.force_login(elena)
    client.post(change_url(story), change_form_data(story, headline="Second"))
    first = Version.objects.get_for_object(story).first()
    ArticleAutosave.objects.create(
        user=marco,
        article=story,
        data={"headline": "Marco's"},
        base_token=story.__class__.objects.get(pk=story.pk).modified_at.isoformat(),
        saved_at=story.modified_at.replace(year=story.modified_at.year + 1),
    )
    with reversion.create_revision():
        story.refresh_from_db()
        story.headline = "Third"
        story.save()
        reversion.set_user(elena)
    assert first is not None
    client.force_login(marco)
    slot = ArticleAutosave.objects.get(user=marco)
    form = (
        client.get(f"{change_url(story)}?restore={slot.pk}").context["adminform"].form
    )
    data = change_form_data(story, headline="Marco's")
    data["loaded_modified_at"] = form["loaded_modified_at"].value()
    assert client.post(change_url(story), data)["Location"] == conflict_url(story)
    story.refresh_from_db()
    assert story.headline == "Third"


def test_clean_autosaves_deletes_refused_saves_left_for_30_days(
    client, story, elena, marco, capsys
):
    refused_save(client, story, elena, marco, headline="Marco's")
    ArticleConflict.objects.update(refused_at=timezone.now() - timedelta(days=31))
    call_command("clean_autosaves")
    assert not ArticleConflict.objects.exists()
    assert "Refused saves: 1 older than 30 days deleted." in capsys.readouterr().out


def busy_story(n):
    story = make_article(
        headline=f"Busy {n}",
        section=make_section(),
        authors=[make_author() for _ in range(n)],
        quotes=[{"text": f"Quote {i}", "speaker": "Mayor"} for i in range(n)],
        tags=[f"tag {i}" for i in range(n)],
    )
    for i in range(n):
        Correction.objects.create(article=story, kind="correction", text=f"Fix {i}.")
    return story


@pytest.mark.parametrize("rows", [1, 8])
def test_the_conflict_screen_queries_do_not_grow_with_the_story(
    client, elena, marco, rows, django_assert_max_num_queries
):
    story = busy_story(rows)
    refused_save(client, story, elena, marco, headline="Marco's", tags="one, two")
    # 16 either way: who is asking (session, user, permissions), the story, the
    # conflict, who saved, then each version's section, authors, tags, image…
    with django_assert_max_num_queries(16):
        assert client.get(conflict_url(story)).status_code == 200
