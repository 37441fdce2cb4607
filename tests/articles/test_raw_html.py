"""Only editors may keep hand-written HTML; everyone else's body is sanitised."""

import re

import pytest

from articles.models import Article
from articles.sanitize import sanitize_trusted_body
from tests.support.desk import make_staff, post_change
from tests.support.factories import make_draft

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


# Hand-written HTML cannot smuggle a script URL through a srcset, nor clobber the page.


@pytest.mark.parametrize(
    "html",
    [
        '<img src="a.jpg" srcset="javascript:alert(1) 1x">',
        '<img src="a.jpg" srcset="/a.jpg 1x, JavaScript:alert(1) 2x">',
        '<picture><source srcset="data:image/svg+xml,&lt;svg onload=alert(1)&gt; 1x"></picture>',
        '<picture><source srcset=" vbscript:msgbox(1) 480w"></picture>',
    ],
)
def test_a_srcset_with_a_script_url_is_dropped(html):
    cleaned = sanitize_trusted_body(html)
    assert "srcset" not in cleaned
    assert not re.search(r"(?i)(javascript|vbscript|data):", cleaned)


def test_a_srcset_of_web_addresses_is_kept():
    html = '<img src="a.jpg" srcset="/a.jpg 1x, https://cdn.example.com/b.jpg 2x">'
    assert 'srcset="/a.jpg 1x, https://cdn.example.com/b.jpg 2x"' in (
        sanitize_trusted_body(html)
    )


@pytest.mark.parametrize("page_id", ["commentform", "respond", "comments", "submit"])
def test_an_editors_id_cannot_clobber_the_pages_own_elements(page_id):
    cleaned = sanitize_trusted_body(f'<div id="{page_id}">Notes</div>')
    assert f'id="{page_id}"' not in cleaned
    assert f'id="user-content-{page_id}"' in cleaned


def test_links_inside_the_story_follow_its_ids_and_page_anchors_stay():
    cleaned = sanitize_trusted_body(
        '<p><a href="#notes">notes</a> <a href="#comments">comments</a></p>'
        '<h2 id="notes">Notes</h2>'
    )
    assert 'href="#user-content-notes"' in cleaned
    assert 'id="user-content-notes"' in cleaned
    assert 'href="#comments"' in cleaned
