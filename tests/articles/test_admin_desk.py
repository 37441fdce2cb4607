"""The desk at a glance: list columns and queries, filters, the index box, quotes,
quote placements and corrections."""

from datetime import timedelta

import pytest
import reversion
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from articles.desk import comment_model
from articles.models import Article, Correction
from images.models import Image
from tests.support.desk import add_form_data, busy_story, make_staff, post_change
from tests.support.factories import (
    make_article,
    make_author,
    make_draft,
    make_library_image,
    make_section,
)

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:articles_article_changelist"


@pytest.fixture
def editor(django_user_model):
    return make_staff(django_user_model, "Editor")


def changelist_queries(client, **params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse(CHANGELIST), params).status_code == 200
    # The session comes from the cache, or from the database when a shared Redis
    # was flushed meanwhile: not a query the list itself makes.
    return sum("django_session" not in q["sql"] for q in queries.captured_queries)


def make_busy_story(n):
    return make_article(
        headline=f"Busy {n}",
        section=make_section(),
        authors=[make_author(), make_author()],
        tags=[f"tag{n}", "common"],
    )


def test_the_article_list_runs_the_same_queries_for_5_or_25_stories(client, editor):
    client.force_login(editor)
    for n in range(5):
        make_busy_story(n)
    with_five = changelist_queries(client)
    for n in range(5, 25):
        make_busy_story(n)
    assert changelist_queries(client) == with_five


def test_the_article_list_query_count_is_pinned(
    client, editor, django_assert_max_num_queries
):
    client.force_login(editor)
    for n in range(10):
        make_busy_story(n)
    # session, user, groups/permissions, count(s), page, tags, bylines, filters…
    with django_assert_max_num_queries(16):
        client.get(reverse(CHANGELIST))


def test_the_list_shows_bylines_section_and_comment_counts(client, editor):
    section = make_section(name="World")
    make_article(
        headline="Counted",
        section=section,
        authors=[make_author(name="Olga Writer")],
        comment_count=7,
    )
    client.force_login(editor)
    text = client.get(reverse(CHANGELIST)).text
    assert "Olga Writer" in text
    assert "World" in text
    assert "7 approved" in text
    if comment_model() is not None:
        assert "0 pending" in text


def test_the_status_filter_finds_scheduled_stories(client, editor):
    make_article(
        headline="Later today", published_at=timezone.now() + timedelta(hours=3)
    )
    make_article(headline="Already out")
    client.force_login(editor)
    text = client.get(reverse(CHANGELIST), {"state": "scheduled"}).text
    assert "Later today" in text
    assert "Already out" not in text


def test_the_byline_and_tag_filters_narrow_the_list(client, editor):
    olga = make_author(name="Olga")
    make_article(headline="By Olga", authors=[olga], tags=["floods"])
    make_article(headline="By someone else", tags=["fires"])
    client.force_login(editor)
    by_olga = client.get(reverse(CHANGELIST), {"author": olga.pk}).text
    assert "By Olga" in by_olga and "By someone else" not in by_olga
    fires = client.get(reverse(CHANGELIST), {"tag": "fires"}).text
    assert "By someone else" in fires and "By Olga" not in fires


def test_search_looks_in_the_body_too(client, editor):
    make_article(headline="Plain headline", body="<p>The walrus escaped.</p>")
    make_article(headline="Other")
    client.force_login(editor)
    text = client.get(reverse(CHANGELIST), {"q": "walrus"}).text
    assert "Plain headline" in text and ">Other<" not in text


def test_a_bad_filter_value_is_not_a_500(client, editor):
    client.force_login(editor)
    for params in ({"author": "abc"}, {"state": "nonsense"}, {"tag": "x" * 300}):
        assert client.get(reverse(CHANGELIST), params).status_code in (200, 302)


def test_the_admin_index_shows_what_needs_attention(client, editor):
    make_article(
        headline="Needs a look", status=Article.Status.REVIEW, published_at=None
    )
    make_article(
        headline="Going out tonight", published_at=timezone.now() + timedelta(hours=5)
    )
    make_article(headline="Next week", published_at=timezone.now() + timedelta(days=7))
    client.force_login(editor)
    text = client.get(reverse("admin:index")).text
    assert "Needs attention" in text
    assert "In review: 1" in text and "Needs a look" in text
    assert "Going out tonight" in text
    assert "Next week" not in text


def test_the_quote_library_searches_speaker_text_and_source(client, editor):
    make_article(
        quotes=[
            {
                "text": "Winter is here",
                "speaker": "Garry Kasparov",
                "source_name": "Twitter",
            },
            {
                "text": "Congratulations",
                "speaker": "Vladimir Putin",
                "source_name": "Kremlin",
            },
        ]
    )
    client.force_login(editor)
    url = reverse("admin:articles_quote_changelist")
    assert "Winter is here" in client.get(url, {"q": "Kasparov"}).text
    assert "Winter is here" not in client.get(url, {"q": "Putin"}).text
    assert "Congratulations" in client.get(url, {"q": "Kremlin"}).text
    assert "Congratulations" in client.get(url, {"q": "congratul"}).text


def test_a_quote_placement_pointing_nowhere_is_a_clear_error(client, editor):
    story = make_draft(quotes=[{"text": "Hello", "speaker": "Ivan"}])
    client.force_login(editor)
    response = post_change(
        client, story, body="<p>Intro.</p><p>[quote 1]</p><p>[quote 3]</p>"
    )
    assert response.status_code == 200
    assert (
        "The body places [quote 3], but this story has no such quote" in response.text
    )
    story.refresh_from_db()
    assert "[quote 3]" not in story.body


def test_placements_matching_the_quotes_save(client, editor):
    story = make_draft(quotes=[{"text": "Hello", "speaker": "Ivan"}])
    client.force_login(editor)
    response = post_change(client, story, body="<p>Intro.</p><p>[quote 1]</p>")
    assert response.status_code == 302


def test_a_correction_added_in_the_admin_moves_updated_and_shows_on_the_story(
    client, editor
):
    story = make_article()
    client.force_login(editor)
    now = timezone.now().replace(microsecond=0)
    data = {
        "corrections-TOTAL_FORMS": "1",
        "corrections-0-kind": "correction",
        "corrections-0-text": "An earlier version misspelt the mayor's name.",
        "corrections-0-noted_at_0": timezone.localtime(now).strftime("%Y-%m-%d"),
        "corrections-0-noted_at_1": timezone.localtime(now).strftime("%H:%M:%S"),
    }
    response = post_change(client, story, **data)
    assert response.status_code == 302
    story.refresh_from_db()
    assert story.updated_at == now
    page = client.get(story.get_absolute_url()).text
    assert "An earlier version misspelt" in page


def test_the_corrections_page_lists_notes_newest_first_and_hides_drafts(client):
    live = make_article(headline="Live story")
    draft = make_draft(headline="Draft story")
    now = timezone.now()
    Correction.objects.create(
        article=live, text="Older note", noted_at=now - timedelta(days=2)
    )
    Correction.objects.create(
        article=live, text="Newer note", noted_at=now - timedelta(days=1)
    )
    Correction.objects.create(article=draft, text="Secret note", noted_at=now)
    text = client.get(reverse("articles:corrections")).text
    assert text.index("Newer note") < text.index("Older note")
    assert "Secret note" not in text


def test_a_new_story_from_a_staff_member_starts_with_their_byline(
    client, django_user_model
):
    contributor = make_staff(django_user_model, "Contributor")
    make_author(name="Carla Contributor", user=contributor)
    client.force_login(contributor)
    client.post(reverse("admin:articles_article_add"), add_form_data(headline="Mine"))
    story = Article.objects.get(headline="Mine")
    assert [a.name for a in story.byline_list] == ["Carla Contributor"]
    assert story.created_by == contributor


@pytest.mark.skipif(comment_model() is None, reason="the comments app is not installed")
def test_pending_and_approved_counts_come_without_a_query_per_row(client, editor):
    from comments.models import Comment
    from tests.support.factories import make_comment

    client.force_login(editor)
    story = make_article(headline="Discussed")
    make_comment(story)
    make_comment(story, status=Comment.Status.PENDING)
    make_comment(story, status=Comment.Status.PENDING)
    story.refresh_from_db()
    one_story = changelist_queries(client)
    for _ in range(10):
        other = make_article()
        make_comment(other, status=Comment.Status.PENDING)
    assert changelist_queries(client) == one_story
    text = client.get(reverse(CHANGELIST), {"q": "Discussed"}).text
    assert f"{story.comment_count} approved, 2 pending" in text


# --- The list's thumbnail, "last edited" and headline; the change form's budget ----


def test_the_list_shows_the_library_thumbnail_never_the_original(client, editor):
    image = make_library_image(size=(1000, 500))
    story = make_article(headline="Pictured", featured_image=image)
    client.force_login(editor)
    text = client.get(reverse(CHANGELIST)).text
    assert (
        f'<img class="desk-thumb" src="{image.thumbnail["url"]}" width="48" '
        'height="24" alt="" loading="lazy" decoding="async">'
    ) in text
    assert story.featured_image.file.url not in text


def test_a_story_whose_renditions_are_not_made_yet_shows_no_thumbnail(client, editor):
    image = make_library_image()
    Image.objects.filter(pk=image.pk).update(renditions=[])
    story = make_article(headline="Pending image", featured_image_id=image.pk)
    client.force_login(editor)
    text = client.get(reverse(CHANGELIST)).text
    assert "desk-thumb" not in text
    assert story.featured_image.file.url not in text


def test_the_list_says_who_last_edited_each_story_and_when(
    client, editor, django_user_model
):
    story = make_article(headline="Edited twice")
    writer = make_staff(django_user_model, "Author", "writer")
    writer.first_name, writer.last_name = "Wanda", "Writer"
    writer.save()
    with reversion.create_revision():
        story.save()
        reversion.set_user(editor)
    with reversion.create_revision():
        story.save()
        reversion.set_user(writer)
    make_article(headline="Never saved in the admin")
    client.force_login(editor)
    text = client.get(reverse(CHANGELIST)).text
    story.refresh_from_db()
    when = date_format(timezone.localtime(story.modified_at), "j M, H:i")
    assert f"{when}<br><small>by Wanda Writer</small>" in text
    assert text.count("<small>by ") == 1  # the other story has no revision


def test_last_edited_by_costs_no_query_per_row(client, editor):
    client.force_login(editor)
    for n in range(5):
        with reversion.create_revision():
            make_busy_story(n).save()
            reversion.set_user(editor)
    with_five = changelist_queries(client)
    for n in range(5, 25):
        with reversion.create_revision():
            make_busy_story(n).save()
            reversion.set_user(editor)
    assert changelist_queries(client) == with_five
    assert client.get(reverse(CHANGELIST)).text.count("<small>by editor</small>") == 25


def test_long_headlines_are_clamped_with_the_whole_headline_on_hover(client, editor):
    headline = "A very long headline " * 8
    make_article(headline=headline.strip())
    client.force_login(editor)
    text = client.get(reverse(CHANGELIST)).text
    assert (
        '<span class="desk-story"><span class="desk-headline-cell" '
        f'title="{headline.strip()}">{headline.strip()}</span></span>'
    ) in text
    assert "css/desk.css" in text


def test_the_change_form_opens_within_15_queries(client, editor):
    story = busy_story(editor)
    client.force_login(editor)
    url = reverse("admin:articles_article_change", args=[story.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    statements = [
        q["sql"]
        for q in queries.captured_queries
        if "django_session" not in q["sql"] and "SAVEPOINT" not in q["sql"]
    ]
    assert len(statements) <= 15, "\n".join(statements)
