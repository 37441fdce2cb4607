"""Only editors may keep hand-written HTML; everyone else's body is sanitised."""

import pytest

from articles.models import Article
from tests.articles.desk import make_staff, post_change
from tests.factories import make_draft

pytestmark = pytest.mark.django_db

LAYOUT = '<div class="factbox" data-kind="timeline"><p>Fact</p></div>'
ATTACK = '<p onclick="steal()">Hi</p><script>alert(1)</script><iframe src="https://x.example"></iframe>'


def test_an_editor_can_keep_layout_markup_in_hand_written_html(
    client, django_user_model
):
    editor = make_staff(django_user_model, "Editor")
    story = make_draft(created_by=editor)
    client.force_login(editor)
    assert post_change(client, story, raw_html="on").status_code == 302
    assert (
        post_change(client, story, raw_html="on", body=LAYOUT + ATTACK).status_code
        == 302
    )
    story.refresh_from_db()
    assert story.raw_html
    assert '<div class="factbox" data-kind="timeline">' in story.body
    for forbidden in ("onclick", "<script", "<iframe"):
        assert forbidden not in story.body


def test_an_editor_edits_hand_written_html_as_source_not_in_the_rich_editor(
    client, django_user_model
):
    editor = make_staff(django_user_model, "Editor")
    story = make_draft(created_by=editor, raw_html=True, body=LAYOUT)
    client.force_login(editor)
    page = client.get(f"/admin/articles/article/{story.pk}/change/").text
    assert 'class="vLargeTextField html-source"' in page
    assert "&lt;div class=&quot;factbox&quot;" in page


@pytest.mark.parametrize("role", ["Contributor", "Author"])
def test_other_roles_cannot_switch_on_hand_written_html(
    client, django_user_model, role
):
    writer = make_staff(django_user_model, role)
    story = make_draft(created_by=writer)
    client.force_login(writer)
    post_change(client, story, raw_html="on", body=LAYOUT)
    story.refresh_from_db()
    assert not story.raw_html
    assert "factbox" not in story.body and "<div" not in story.body
    assert "Fact" in story.body


def test_an_author_cannot_rewrite_an_editors_hand_written_body(
    client, django_user_model
):
    author = make_staff(django_user_model, "Author")
    story = make_draft(created_by=author, raw_html=True, body=LAYOUT)
    client.force_login(author)
    post_change(client, story, headline="New headline", body="<p>Replaced</p>")
    story.refresh_from_db()
    assert story.headline == "New headline"
    assert story.body == Article.objects.get(pk=story.pk).body
    assert "factbox" in story.body and "Replaced" not in story.body
