from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from articles.models import Article
from tests.support.factories import make_article, make_author, make_draft, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def hidden_stories():
    """One story in each state a reader must never see, all sharing a section, tag and author."""
    section = make_section(name="Politics", slug="politics")
    author = make_author(name="Ann Reporter", slug="ann-reporter")
    now = timezone.now()
    common = {"section": section, "tags": ["secret-tag", "shared"], "authors": [author]}
    visible = make_article(
        headline="Visible story", published_at=now - timedelta(days=1), **common
    )
    hidden = {
        "draft": make_draft(headline="Draft story", **common),
        "review": make_article(
            headline="Review story",
            status=Article.Status.REVIEW,
            published_at=now,
            **common,
        ),
        "scheduled": make_article(
            headline="Scheduled story", published_at=now + timedelta(hours=2), **common
        ),
        "expired": make_article(
            headline="Expired story",
            published_at=now - timedelta(days=3),
            expires_at=now - timedelta(minutes=1),
            **common,
        ),
    }
    return visible, hidden


def public_surfaces(visible):
    day = timezone.localdate(visible.published_at)
    return [
        reverse("articles:home"),
        reverse("articles:section", args=["politics"]),
        reverse("articles:tag", args=["shared"]),
        reverse("articles:author", args=["ann-reporter"]),
        reverse("articles:archive_year", args=[day.year]),
        reverse("articles:archive_month", args=[day.year, day.month]),
        reverse("articles:archive_day", args=[day.year, day.month, day.day]),
        visible.get_absolute_url(),  # related stories
    ]


def test_hidden_stories_appear_on_no_public_surface(client, hidden_stories):
    visible, hidden = hidden_stories
    for url in public_surfaces(visible):
        html = client.get(url).content.decode()
        for state, story in hidden.items():
            assert story.headline not in html, f"{state} story leaked on {url}"


def test_visible_story_appears_on_every_list(client, hidden_stories):
    visible, _ = hidden_stories
    for url in public_surfaces(visible)[:-1]:
        assert visible.headline in client.get(url).content.decode(), url


@pytest.mark.parametrize("state", ["draft", "review", "scheduled", "expired"])
def test_hidden_story_url_is_404_for_readers(client, hidden_stories, state):
    story = hidden_stories[1][state]
    day = timezone.localdate(story.published_at or timezone.now())
    url = reverse(
        "articles:detail",
        kwargs={
            "year": day.year,
            "month": day.month,
            "day": day.day,
            "slug": story.slug,
        },
    )
    assert client.get(url).status_code == 404


def test_preview_shows_a_draft_to_an_editor_with_a_banner_and_no_caching(
    client, staff_editor
):
    draft = make_draft(headline="Embargoed scoop")
    client.force_login(staff_editor)
    response = client.get(reverse("articles:preview", args=[draft.pk]))
    assert response.status_code == 200
    assert "Preview — not published" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert response["X-Robots-Tag"].startswith("noindex")


def test_preview_is_refused_to_readers(client, django_user_model):
    draft = make_draft()
    assert client.get(reverse("articles:preview", args=[draft.pk])).status_code in (
        302,
        403,
    )
    client.force_login(django_user_model.objects.create_user("reader", password="pw"))
    assert client.get(reverse("articles:preview", args=[draft.pk])).status_code == 403


def test_tag_used_only_on_drafts_is_404(client):
    make_draft(tags=["only-on-draft"])
    assert (
        client.get(reverse("articles:tag", args=["only-on-draft"])).status_code == 404
    )


@pytest.mark.parametrize(
    "url",
    [
        "/2016/13/45/x/",
        "/2016/02/30/x/",
        "/2016/11/09/no-such-story/",
        "/0000/01/01/",
        "/2016/13/",
        "/section/nope/",
        "/tag/nope/",
        "/author/nope/",
        "/no/such/page/",
    ],
)
def test_bad_addresses_are_a_friendly_404(client, url):
    make_article(headline="A recent story")
    response = client.get(url)
    assert response.status_code == 404
    assert "We can’t find that page" in response.content.decode()


@pytest.mark.parametrize("page", ["abc", "0", "-1", "999999", "1.5", "١", "9" * 40])
def test_bad_page_numbers_are_404_not_500(client, page):
    make_article()
    assert client.get(reverse("articles:home"), {"page": page}).status_code == 404


def test_pagination_walks_every_story_once(client):
    stories = [
        make_article(published_at=timezone.now() - timedelta(hours=n))
        for n in range(1, 30)
    ]
    seen = []
    for page in (1, 2, 3):
        response = client.get(reverse("articles:home"), {"page": page})
        assert response.status_code == 200
        seen += [a.pk for a in response.context["articles"]]
    assert seen == [s.pk for s in stories]  # newest first, none twice
    assert client.get(reverse("articles:home"), {"page": 4}).status_code == 404


def test_article_page_shows_what_a_reader_needs(client):
    author = make_author(name="Ann Reporter", slug="ann-reporter")
    section = make_section(name="Politics", slug="politics")
    story = make_article(
        headline="Big news",
        standfirst="The short version.",
        body="<p>First.</p><p>[quote 1]</p>",
        section=section,
        authors=[author],
        tags=["Russia"],
        quotes=[
            {
                "text": "We are confident.",
                "speaker": "Vladimir Putin",
                "source_name": "Kremlin",
            }
        ],
    )
    html = client.get(story.get_absolute_url()).content.decode()
    assert html.count("<h1") == 1
    assert '<a class="skip-link" href="#content">' in html
    assert 'href="/author/ann-reporter/" rel="author">Ann Reporter</a>' in html
    assert (
        f'datetime="{story.published_at.isoformat()}"' in html
        or "<time datetime=" in html
    )
    assert 'href="/section/politics/"' in html
    assert 'href="/tag/russia/"' in html
    assert "<figure" in html and "We are confident." in html and "Kremlin" in html
    assert 'id="comments"' in html


def test_related_stories_share_tags_and_exclude_the_story_itself(client):
    story = make_article(tags=["russia", "election"])
    closest = make_article(headline="Closest", tags=["russia", "election"])
    other = make_article(headline="Shares one", tags=["russia"])
    make_article(headline="Unrelated", tags=["sport"])
    related = client.get(story.get_absolute_url()).context["related"]
    assert related == [closest, other]


def _fill_site(count: int):
    section = make_section()
    authors = [make_author() for _ in range(3)]
    for n in range(count):
        make_article(
            section=section,
            tags=[f"tag{n}", "common", f"t{n % 3}"],
            authors=authors[: 1 + n % 3],
            body="<p>x</p><p>[quote 1]</p><p>[quote 2]</p>",
            quotes=[{"text": "a", "speaker": "A"}, {"text": "b", "speaker": "B"}],
        )
    return section


@pytest.mark.parametrize("count", [3, 30])
def test_list_pages_run_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, count
):
    section = _fill_site(count)
    urls = [
        reverse("articles:home"),
        reverse("articles:section", args=[section.slug]),
        reverse("articles:tag", args=["common"]),
    ]
    for url in urls:
        with django_assert_max_num_queries(6):
            assert client.get(url).status_code == 200


@pytest.mark.parametrize("count", [3, 30])
def test_article_page_runs_a_fixed_number_of_queries(
    client, django_assert_max_num_queries, count
):
    _fill_site(count)
    story = Article.objects.published().first()
    with django_assert_max_num_queries(8):
        assert client.get(story.get_absolute_url()).status_code == 200
