"""Writing comforts on the story form: word count and reading time, the headline's
character count, tags as typed (and read back), the body box."""

import re

import pytest
from django.urls import reverse

from articles import writing
from articles.admin_forms import TagsField, TagsWidget
from tests.support.desk import change_form_data, make_staff, post_change
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return make_staff(django_user_model, "Editor")


def change_page(client, article) -> str:
    url = reverse("admin:articles_article_change", args=[article.pk])
    response = client.get(url)
    assert response.status_code == 200
    return response.text


# --- Word count and reading time ---------------------------------------------------


@pytest.mark.parametrize(
    "body, words",
    [
        ("", 0),
        ("<p></p>", 0),
        ("<p>One two three.</p>", 3),
        # Paragraphs, line breaks and list items end words even without spaces.
        ("<p>end.</p><p>Next</p>", 2),
        ("<ul><li>first</li><li>second</li></ul>line<br>break", 4),
        # Entities are text; "&", a dash or a bullet alone is not a word.
        ("<p>Fish &amp; chips — again •</p>", 3),
        ("<p>Don’t stop: 2024’s 3-0 win</p>", 5),
        ("<p>Смотрите: всё работает</p>", 3),
        ("<p>[quote 2]</p><p>Said so.</p>", 2),
        ("<p><a href='https://example.com/a b'>link text</a> <em>here</em></p>", 3),
    ],
)
def test_word_count_counts_what_readers_read(body, words):
    assert writing.word_count(body) == words


@pytest.mark.parametrize(
    "words, minutes", [(0, 0), (1, 1), (230, 1), (231, 2), (460, 2), (1000, 5)]
)
def test_reading_time_is_whole_minutes_at_230_words_rounded_up(words, minutes):
    assert writing.reading_minutes(words) == minutes


def test_the_length_reads_like_a_sentence():
    assert writing.describe_length("") == "No words yet"
    assert writing.describe_length("<p>Word</p>") == "1 word · 1 min read"
    long_body = "<p>" + "word " * 1234 + "</p>"
    assert writing.describe_length(long_body) == "1,234 words · 6 min read"


def test_the_change_page_shows_the_saved_bodys_word_count_without_javascript(
    client, editor
):
    story = make_article(body="<p>" + "news " * 500 + "</p><p>More news.</p>")
    client.force_login(editor)
    html = change_page(client, story)
    assert 'data-words-for="id_body">502 words · 3 min read</p>' in html
    assert "js/desk-writing.js" in html


def test_a_hand_written_html_body_has_its_word_count_too(client, editor):
    story = make_article(raw_html=True, body="<div><p>Layout words here</p></div>")
    client.force_login(editor)
    html = change_page(client, story)
    assert 'class="vLargeTextField html-source"' in html
    assert "3 words · 1 min read" in html


# --- The headline -------------------------------------------------------------------


def test_the_headline_shows_its_length_and_a_soft_limit(client, editor):
    story = make_article(headline="Short and sweet")
    client.force_login(editor)
    html = change_page(client, story)
    assert 'class="vLargeTextField desk-headline"' in html
    assert 'data-soft-limit="70"' in html
    assert "15 / 70 characters" in html
    assert 'class="desk-count__warning" hidden>Longer than 70' in html
    assert 'aria-describedby="id_headline_count"' in html


def test_a_long_headline_is_a_warning_not_a_refusal(client, editor):
    story = make_article()
    long_headline = "A headline that goes on " + "and on " * 12  # 108 characters
    client.force_login(editor)
    response = post_change(client, story, headline=long_headline.strip())
    assert response.status_code == 302  # saved
    story.refresh_from_db()
    assert story.headline == long_headline.strip()
    html = change_page(client, story)
    assert f"{len(story.headline)} / 70 characters" in html
    assert 'class="desk-count__warning">Longer than 70' in html


# --- Tags as typed ------------------------------------------------------------------

NAMES = [
    ["Harbour Town", "Solar power"],
    ["politics"],
    ["Harbour Town"],  # one name with a space, no comma: still one tag
    ["Smith, John", "energy"],
    ['The "Best" Town', "x"],
    ['Quote "and, comma"'],
    ["Ålesund", "München", "東京"],
]


@pytest.mark.parametrize("names", NAMES)
def test_tags_round_trip_through_the_text_box(names):
    text = writing.format_tags(names)
    assert writing.parse_tags(text) == sorted(names)


def test_tags_are_written_without_quotes_unless_a_name_has_a_comma():
    assert writing.format_tags(["Harbour Town", "Solar power"]) == (
        "Harbour Town, Solar power"
    )
    assert writing.format_tags(["Smith, John", "x"]) == '"Smith, John", x'


@pytest.mark.parametrize(
    "typed, names",
    [
        ("", []),
        ("  ,  , ", []),
        ("Harbour Town", ["Harbour Town"]),
        ("solar,wind , tide", ["solar", "tide", "wind"]),
        # taggit's quoted form, as pasted from an old page, reads the same
        ('"Harbour Town", "Solar power"', ["Harbour Town", "Solar power"]),
        ("a, a, b", ["a", "b"]),
        ("  spaced    out  ", ["spaced out"]),
        ('"unclosed, quote', ["unclosed, quote"]),
        ("nul\x00byte, new\nline", ["new line", "nul byte"]),
    ],
)
def test_what_an_editor_types_becomes_these_tags(typed, names):
    assert writing.parse_tags(typed) == names


def test_the_tag_widget_shows_names_as_typed():
    class FakeTag:
        def __init__(self, name):
            self.name = name

    widget = TagsWidget()
    shown = widget.format_value([FakeTag("Solar power"), FakeTag("Harbour Town")])
    assert shown == "Harbour Town, Solar power"
    assert widget.format_value("as typed, kept") == "as typed, kept"


def test_a_tag_longer_than_100_characters_is_a_clear_error():
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="at most 100 characters"):
        TagsField(required=False).clean("fine, " + "x" * 101)


def test_tags_saved_from_the_form_come_back_as_typed(client, editor):
    story = make_article(tags=["old"])
    client.force_login(editor)
    typed = 'Harbour Town, Solar power, "Smith, John"'
    assert post_change(client, story, tags=typed).status_code == 302
    assert sorted(story.tags.names()) == ["Harbour Town", "Smith, John", "Solar power"]
    html = change_page(client, story)
    assert 'value="Harbour Town, &quot;Smith, John&quot;, Solar power"' in html
    assert "&quot;Harbour Town&quot;" not in html
    # Saving the form again unchanged keeps exactly the same tags.
    assert (
        client.post(
            reverse("admin:articles_article_change", args=[story.pk]),
            change_form_data(story),
        ).status_code
        == 302
    )
    assert sorted(story.tags.names()) == ["Harbour Town", "Smith, John", "Solar power"]


def test_a_single_tag_with_a_space_stays_one_tag(client, editor):
    story = make_article()
    client.force_login(editor)
    assert post_change(client, story, tags="Harbour Town").status_code == 302
    assert list(story.tags.names()) == ["Harbour Town"]


def test_the_tag_box_is_plain_text_the_script_makes_tokens_of(client, editor):
    story = make_article(tags=["Harbour Town", "Solar power"])
    client.force_login(editor)
    html = change_page(client, story)
    # Without JavaScript: one text box, the tags as typed, no taggit quoting.
    assert re.search(
        r'<input type="text" name="tags" value="Harbour Town, Solar power"[^>]*'
        r'data-tag-search="/admin/articles/article/tags/"',
        html,
    )
    assert "&quot;Harbour Town&quot;" not in html
