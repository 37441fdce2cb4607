"""A trusted tool writes through the desk API with its user's rules: drafts cleaned
as in the admin, no silent overwrite (409), nothing half-written, a revision with
the token's user."""

import pytest
from reversion.models import Version

from articles import events
from articles.models import Article
from tests.support.desk import make_staff
from tests.support.desk_api import DeskTool
from tests.support.factories import make_article, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def contributor(django_user_model):
    return make_staff(django_user_model, "Contributor")


@pytest.fixture
def editor(django_user_model):
    return make_staff(django_user_model, "Editor")


def test_a_tool_files_a_draft_cleaned_as_the_admin_cleans_it(contributor):
    section = make_section(slug="city")
    answer = DeskTool(contributor).create(
        standfirst="Traffic flows again.",
        body='<p onclick="steal()">Open <script>alert(1)</script>'
        '<a href="javascript:alert(1)">now</a></p>',
        section="city",
        tags=["Harbour", "Transport"],
    )
    assert answer.status_code == 201, answer.json()
    story = Article.objects.get(pk=answer.json()["id"])
    assert story.status == Article.Status.DRAFT
    assert story.created_by == contributor
    assert story.section == section
    assert "script" not in story.body and "onclick" not in story.body
    assert "javascript" not in story.body
    assert sorted(t.name for t in story.tags.all()) == ["Harbour", "Transport"]
    assert answer.json()["version"] == story.modified_at.isoformat()
    assert answer.json()["status_label"] == "Draft"
    assert "no-store" in answer["Cache-Control"]


def test_an_editor_keeps_hand_written_html_a_contributor_cannot(contributor, editor):
    layout = '<div class="box"><p>Boxed</p></div>'
    refused = DeskTool(contributor).create(body=layout, raw_html=True)
    assert refused.status_code == 403
    assert "Only an editor" in refused.json()["detail"]
    kept = DeskTool(editor).create(body=layout, raw_html=True)
    assert kept.status_code == 201
    assert '<div class="box">' in Article.objects.get(pk=kept.json()["id"]).body
    # Without raw_html, an editor's body is cleaned like anyone's.
    cleaned = DeskTool(editor).create(body=layout)
    assert "<div" not in Article.objects.get(pk=cleaned.json()["id"]).body


def test_a_change_from_a_stale_version_is_a_409_with_the_current_one(contributor):
    tool = DeskTool(contributor)
    story = Article.objects.get(pk=tool.create().json()["id"])
    read = tool.version(story)
    first = tool.patch(f"/stories/{story.pk}/", {"version": read, "headline": "A"})
    assert first.status_code == 200
    second = tool.patch(f"/stories/{story.pk}/", {"version": read, "headline": "B"})
    assert second.status_code == 409
    assert second.json()["version"] == first.json()["version"]
    story.refresh_from_db()
    assert story.headline == "A"


def test_a_refused_change_leaves_nothing_half_written(contributor):
    tool = DeskTool(contributor)
    story = Article.objects.get(pk=tool.create(tags=["Harbour"]).json()["id"])
    answer = tool.patch(
        f"/stories/{story.pk}/",
        {
            "version": tool.version(story),
            "headline": "Changed",
            "tags": ["Other"],
            # Places quote 2, which the quotes sent do not have.
            "body": "<p>[quote 2]</p>",
            "quotes": [{"number": 1, "text": "Open.", "speaker": "The Mayor"}],
        },
    )
    assert answer.status_code == 400
    assert "[quote 2]" in answer.json()["errors"]["quotes"][0]
    story.refresh_from_db()
    assert story.headline == "Harbour bridge reopens"
    assert [t.name for t in story.tags.all()] == ["Harbour"]
    assert not story.quotes.exists()


def test_tags_and_quotes_are_attached_and_placed(contributor):
    tool = DeskTool(contributor)
    story = Article.objects.get(pk=tool.create().json()["id"])
    answer = tool.patch(
        f"/stories/{story.pk}/",
        {
            "version": tool.version(story),
            "body": "<p>The mayor spoke.</p><p>[quote 1]</p>",
            "tags": ["Harbour"],
            "quotes": [
                {"number": 1, "text": "We are open.", "speaker": "Ann Lee"},
            ],
        },
    )
    assert answer.status_code == 200, answer.json()
    assert answer.json()["quotes"][0]["speaker"] == "Ann Lee"
    assert answer.json()["tags"] == ["Harbour"]
    assert story.quotes.get().speaker_slug == "ann-lee"


def test_every_write_is_a_revision_by_the_token_user(contributor):
    tool = DeskTool(contributor)
    story = Article.objects.get(pk=tool.create().json()["id"])
    tool.patch(
        f"/stories/{story.pk}/", {"version": tool.version(story), "headline": "B"}
    )
    tool.post(f"/stories/{story.pk}/submit/", {"version": tool.version(story)})
    versions = Version.objects.get_for_object(story).select_related("revision__user")
    assert len(versions) == 3
    assert {v.revision.user for v in versions} == {contributor}
    assert {v.revision.comment for v in versions} == {
        "Written through the desk API.",
        "Changed through the desk API.",
        "Sent for review.",
    }


def test_a_submitted_story_tells_the_editors(
    contributor, editor, mailoutbox, django_capture_on_commit_callbacks
):
    tool = DeskTool(contributor)
    story = Article.objects.get(pk=tool.create().json()["id"])
    with django_capture_on_commit_callbacks(execute=True):
        answer = tool.post(
            f"/stories/{story.pk}/submit/", {"version": tool.version(story)}
        )
    assert answer.status_code == 200
    assert answer.json()["status"] == "review"
    assert [m.to for m in mailoutbox] == [[editor.email]]


def test_a_transition_the_story_is_not_ready_for_is_a_409(editor):
    tool = DeskTool(editor)
    story = make_article(status=Article.Status.REVIEW, published_at=None)
    answer = tool.post(f"/stories/{story.pk}/submit/", {"version": tool.version(story)})
    assert answer.status_code == 409
    assert "cannot be sent for review" in answer.json()["detail"]


def test_a_change_to_a_live_story_is_announced_as_an_update(
    editor, django_capture_on_commit_callbacks
):
    """Webhook receivers hear of it as of the admin's save (articles/events.py)."""
    heard = []

    def listen(sender, event, article_id, **details):
        heard.append((event, article_id))

    live = make_article(headline="Harbour bridge reopens")
    draft = Article.objects.get(pk=DeskTool(editor).create().json()["id"])
    events.story_event.connect(listen)
    try:
        tool = DeskTool(editor)
        with django_capture_on_commit_callbacks(execute=True):
            for story in (live, draft):
                answer = tool.patch(
                    f"/stories/{story.pk}/",
                    {"version": tool.version(story), "standfirst": "New words."},
                )
                assert answer.status_code == 200, answer.json()
    finally:
        events.story_event.disconnect(listen)
    assert heard == [(events.UPDATED, live.pk)]  # a draft's change is nobody's news
