import html as html_lib

import pytest
from django.core.management import call_command

from articles.models import Article, Author, Quote, Section
from demo.content import SEED_TEXT
from images.models import Image

pytestmark = pytest.mark.django_db

SEED_URL = "/2016/11/09/vladimir-putin-congratules-trump-on-his-shocking-win/"


def seed_paragraphs():
    blocks = [
        b for b in SEED_TEXT.read_text(encoding="utf-8").split("\n\n") if b.strip()
    ]
    return blocks[0], blocks[1 : blocks.index("Leave a Reply")]


@pytest.fixture
def seed(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):  # renditions
        call_command("load_demo", verbosity=0)
    return Article.objects.get(
        slug="vladimir-putin-congratules-trump-on-his-shocking-win"
    )


def test_seed_story_is_served_at_its_wordpress_address(client, seed):
    response = client.get(SEED_URL)
    assert response.status_code == 200
    assert response.context["article"] == seed


def test_seed_story_keeps_the_exact_headline_and_every_paragraph(client, seed):
    headline, paragraphs = seed_paragraphs()
    page = html_lib.unescape(client.get(SEED_URL).content.decode())
    assert (
        seed.headline
        == headline
        == "Vladimir Putin Congratules Trump on His Shocking Win"
    )
    assert f">{headline}</h1>" in page
    first = paragraphs[0].removeprefix("putin")
    for paragraph in [first, *paragraphs[1:]]:
        # Links are added inside the first paragraph; compare its text around them.
        for piece in paragraph.split("NBC News"):
            assert piece in page, piece[:50]
    assert "\u00a0Hillary Clinton" in page  # non-breaking spaces kept
    assert "“preferred method of communicating with newly elected leaders.”" in page


def test_seed_story_has_the_image_with_alt_text_putin(client, seed):
    page = client.get(SEED_URL).content.decode()
    assert seed.featured_image.alt_text == "putin"
    assert seed.featured_credit == "Newsroom illustration"
    assert 'alt="putin"' in page
    assert "srcset=" in page and 'width="1600"' in page


def test_seed_story_links_to_nbc_news(client, seed):
    page = client.get(SEED_URL).content.decode()
    assert (
        '<a href="https://www.nbcnews.com/" rel="noopener noreferrer">NBC News</a>'
        in page
    )


def test_seed_story_embeds_the_kremlin_statement_and_the_kasparov_tweet(client, seed):
    kremlin, tweet = seed.quotes.order_by("number")
    assert (kremlin.speaker, kremlin.source_name, kremlin.kind) == (
        "Vladimir Putin",
        "Kremlin press release",
        Quote.Kind.STATEMENT,
    )
    assert kremlin.text.startswith("In his message, Mr Putin said")
    assert (tweet.speaker, tweet.text, tweet.kind) == (
        "Garry Kasparov",
        "Winter Is Here",
        "tweet",
    )
    page = client.get(SEED_URL).content.decode()
    assert page.count('<figure class="quote') == 2
    assert (
        page.index("history of conflict")
        < page.index("In his message")
        < page.index("Throughout the campaign")
    )
    assert page.index("early Wednesday morning") < page.index("quote--tweet")


def test_seed_story_is_in_politics_with_its_tags(seed):
    assert seed.section.name == "Politics"
    assert {"Vladimir Putin", "Donald Trump", "Russia", "Election 2016"} <= set(
        seed.tags.names()
    )


def test_loading_the_demo_twice_changes_nothing(seed):
    counts = [
        Article.objects.count(),
        Quote.objects.count(),
        Author.objects.count(),
        Section.objects.count(),
    ]
    modified = dict(Article.objects.values_list("pk", "modified_at"))
    call_command("load_demo", verbosity=0)
    assert counts == [
        Article.objects.count(),
        Quote.objects.count(),
        Author.objects.count(),
        Section.objects.count(),
    ]
    assert modified == dict(Article.objects.values_list("pk", "modified_at"))


def test_home_page_leads_with_a_story_and_lists_the_others(client, seed):
    response = client.get("/")
    assert response.status_code == 200
    assert len(response.context["articles"]) == Article.objects.published().count() == 7


def test_a_fictional_story_carries_a_gallery_of_three_library_pictures(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):  # renditions
        call_command("load_demo", verbosity=0)
        call_command("load_demo", verbosity=0)  # a second run adds no pictures
    story = Article.objects.get(
        slug="harbour-town-council-approves-riverside-cycle-path"
    )
    assert story.body.count("<figure data-image=") == 3
    assert Image.objects.count() == 4  # the seed story's and the three
    page = client.get(story.get_absolute_url()).content.decode()
    gallery = page.split('<div class="gallery gallery--wide"', 1)[1].split("</div>")[0]
    assert 'aria-label="Gallery: 3 pictures"' in gallery
    assert gallery.count("<picture>") == 3
    assert "Boats off Quay Street" in gallery
