"""The history's compare page shows the body as an HTML-aware diff: changed words
as before, and also changed link targets, emphasis and headings; the stored HTML
never reaches the admin page as markup; a 1 MB body stays cheap."""

import re
import time
from html.parser import HTMLParser

import pytest
from django.urls import reverse

from articles import revisions, richdiff
from tests.support.desk import make_staff, post_change
from tests.support.factories import make_draft

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client, django_user_model):
    user = make_staff(django_user_model, "Editor")
    client.force_login(user)
    return user


def compare_page(client, story, **edits) -> str:
    """The compare page between the story as it is and after `edits`."""
    post_change(client, story)
    assert post_change(client, story, **edits).status_code == 302
    versions = list(story_versions(story))
    response = client.get(
        reverse("admin:articles_article_compare", args=[story.pk]),
        {"from": versions[1].pk, "to": versions[0].pk},
    )
    assert response.status_code == 200
    return response.text


def story_versions(story):
    return revisions.versions_of(story)


def body_row(page: str) -> str:
    match = re.search(r'<th scope="row">Body</th><td[^>]*>(.*?)</td></tr>', page, re.S)
    assert match, "the compare page has a Body row"
    return match.group(1)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_changed_link_target_shows_old_and_new_address(client, editor):
    story = make_draft(
        body='<p>Read the <a href="https://council.example/report-2023">report</a>.</p>'
    )
    page = compare_page(
        client,
        story,
        body='<p>Read the <a href="https://council.example/report-2024">report</a>.</p>',
    )
    row = text_of(body_row(page))
    assert (
        "link changed: https://council.example/report-2023 → "
        "https://council.example/report-2024" in row
    )
    # The words are the same: nothing struck through or added.
    assert "<del>" not in body_row(page) and "<ins>" not in body_row(page)


def test_emphasis_and_bold_changes_are_visible(client, editor):
    story = make_draft(body="<p>The vote was <em>close</em> and final.</p>")
    page = compare_page(
        client, story, body="<p>The vote was close and <strong>final</strong>.</p>"
    )
    row = body_row(page)
    assert "(no longer italic)" in text_of(row)
    assert "(now bold)" in text_of(row)
    # The new formatting is shown as formatting.
    assert "<strong>final</strong>" in row


def test_a_paragraph_becoming_a_heading_is_visible(client, editor):
    story = make_draft(body="<p>Reactions</p><p>Residents welcomed it.</p>")
    page = compare_page(
        client, story, body="<h2>Reactions</h2><p>Residents welcomed it.</p>"
    )
    assert "was paragraph, now heading 2" in text_of(body_row(page))


def test_changed_words_are_still_marked_as_before(client, editor):
    story = make_draft(body="<p>Storm hits the coast.</p>")
    page = compare_page(client, story, body="<p>Storm hits the north coast.</p>")
    assert "<ins>north</ins>" in body_row(page)


def test_an_added_link_says_where_it_points(client, editor):
    story = make_draft(body="<p>See the map.</p>")
    page = compare_page(
        client, story, body='<p>See the <a href="https://maps.example/x">map</a>.</p>'
    )
    assert "link added: https://maps.example/x" in text_of(body_row(page))


def test_a_markup_only_change_readers_cannot_see_shows_no_body_row(client, editor):
    story = make_draft(body="<p>Same words.</p>", headline="Before")
    page = compare_page(client, story, body="<p>Same   words.</p>\n", headline="After")
    assert '<th scope="row">Body</th>' not in page
    assert '<th scope="row">Headline</th>' in page


def test_the_restore_page_shows_the_rich_diff_against_now(client, editor):
    story = make_draft(body='<p>A <a href="https://old.example/">link</a>.</p>')
    post_change(client, story)
    old = story_versions(story).first()
    post_change(client, story, body='<p>A <a href="https://new.example/">link</a>.</p>')
    page = client.get(
        reverse("admin:articles_article_revision", args=[story.pk, old.pk])
    ).text
    assert "link changed: https://new.example/ → https://old.example/" in text_of(
        body_row(page)
    )


class Markup(HTMLParser):
    def __init__(self):
        super().__init__()
        self.tags, self.attributes = set(), set()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes |= {name for name, _ in attrs}


HOSTILE = (
    "<script>alert(1)</script>"
    '<p onclick="alert(2)">Hello <a href="javascript:alert(3)" '
    "onmouseover=alert(4)>there</a> &lt;img src=x onerror=alert(5)&gt;</p>"
    "<p><a href='\"><img src=x onerror=alert(6)>'>quoted</a></p>"
    "<iframe src=https://evil.example/></iframe><style>body{}</style>"
)


def test_the_diff_of_hostile_stored_html_is_escaped_text():
    # Straight from a stored revision (as an old import or a hand edit could
    # hold), not through the sanitiser.
    html = str(richdiff.body_diff("<p>Hello there</p>", HOSTILE))
    markup = Markup()
    markup.feed(html)
    assert markup.tags <= {
        "div", "p", "del", "ins", "mark", "small", "span", "strong", "em", "code"
    }  # fmt: skip
    assert markup.attributes <= {"class", "title"}
    assert "<script" not in html and "<img" not in html and "<iframe" not in html
    assert "href" not in html
    assert "&lt;img src=x onerror=alert(5)&gt;" in html
    # The addresses are text in notes and tooltips.
    assert "link added: javascript:alert(3)" in html


def test_hostile_body_on_the_compare_page_stays_escaped(client, editor):
    story = make_draft(body="<p>Plain.</p>")
    page = compare_page(
        client, story, body="<p>&lt;script&gt;alert(1)&lt;/script&gt; Plain.</p>"
    )
    row = body_row(page)
    assert "<script>" not in row
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in row


def test_unchanged_paragraphs_far_from_a_change_are_counted_not_shown():
    paragraphs = [f"<p>Paragraph number {n}.</p>" for n in range(40)]
    edited = paragraphs[:20] + ["<p>Paragraph number twenty.</p>"] + paragraphs[21:]
    html = str(richdiff.body_diff("".join(paragraphs), "".join(edited)))
    assert "Paragraph number 18." in html and "Paragraph number 22." in html
    assert "Paragraph number 5." not in html and "Paragraph number 35." not in html
    assert "… 18 unchanged paragraphs …" in html
    assert "… 17 unchanged paragraphs …" in html


def test_a_run_too_costly_to_compare_word_by_word_is_shown_removed_then_added():
    # Few distinct words make difflib's work explode: "a b a b …" took 9 s.
    old = "<p>" + " ".join("ab"[n % 2] for n in range(6001)) + "</p>"
    new = "<p>" + " ".join("ba"[n % 3 == 0] for n in range(6001)) + "</p>"
    started = time.perf_counter()
    html = str(richdiff.body_diff(old, new))
    assert time.perf_counter() - started < 5
    assert html.count("<del>") == 1 and html.count("<ins>") == 1


def test_a_one_megabyte_body_with_a_few_edits_is_compared_quickly():
    words = [f"word{n % 997}" for n in range(140_000)]
    paragraphs = [
        "<p>"
        + " ".join(words[i : i + 70])
        + f' <a href="https://example.com/{i}">source</a></p>'
        for i in range(0, len(words), 70)
    ]
    old = "".join(paragraphs)
    assert len(old) > 1_000_000
    edited = list(paragraphs)
    edited[100] = edited[100].replace("https://example.com/", "https://example.org/")
    edited[1500] = (
        edited[1500].replace("<p>", "<p><em>", 1).replace("</p>", "</em></p>")
    )
    started = time.perf_counter()
    html = str(richdiff.body_diff(old, "".join(edited)))
    # About 1 s on the 2 shared cores of CI; the bound leaves room for load.
    assert time.perf_counter() - started < 10
    assert "link changed: https://example.com/7000 → https://example.org/7000" in html
    assert "now italic" in html
    assert len(html) < 50_000  # the unchanged paragraphs are counted, not shown
