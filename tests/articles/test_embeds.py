"""Embeds, privacy first: addresses of known sites become embeds without the network,
the sanitiser keeps only those (for every role), readers get a facade that asks the
other site for nothing, feeds get a link, search gets the caption."""

import re
import socket

import pytest
from django.conf import settings
from django.core.management import call_command
from django.urls import reverse
from hypothesis import given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st

from articles import embeds
from articles.models import Article
from articles.sanitize import sanitize_body, sanitize_trusted_body
from tests.support.desk import make_staff, post_change
from tests.support.factories import make_article, make_draft

pytestmark = pytest.mark.django_db

YOUTUBE = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
STORED = f'<figure data-embed="{YOUTUBE}"><figcaption>The trailer</figcaption></figure>'


def figure(url, caption=""):
    inner = f"<figcaption>{caption}</figcaption>" if caption else ""
    return f'<figure data-embed="{url}">{inner}</figure>'


# Parsing: one canonical address per post, no network.


@pytest.mark.parametrize(
    ("address", "provider", "canonical"),
    [
        ("https://www.youtube.com/watch?v=aqz-KE-bpKQ&t=42", "youtube", YOUTUBE),
        ("https://youtu.be/aqz-KE-bpKQ", "youtube", YOUTUBE),
        ("https://m.youtube.com/shorts/aqz-KE-bpKQ", "youtube", YOUTUBE),
        ("https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ", "youtube", YOUTUBE),
        ("http://vimeo.com/76979871", "vimeo", "https://vimeo.com/76979871"),
        (
            "https://player.vimeo.com/video/76979871?h=abc123ef",
            "vimeo",
            "https://vimeo.com/76979871/abc123ef",
        ),
        (
            "https://twitter.com/Kasparov63/status/796211127356366849",
            "x",
            "https://x.com/Kasparov63/status/796211127356366849",
        ),
        ("https://x.com/jack/status/20?s=20", "x", "https://x.com/jack/status/20"),
        (
            "https://bsky.app/profile/Jay.bsky.team/post/3kabcde2xyz2a",
            "bluesky",
            "https://bsky.app/profile/jay.bsky.team/post/3kabcde2xyz2a",
        ),
        (
            "https://instagram.com/p/C0dEx_12-/?igsh=x",
            "instagram",
            "https://www.instagram.com/p/C0dEx_12-/",
        ),
        (
            "https://www.instagram.com/reel/C0dEx_12-",
            "instagram",
            "https://www.instagram.com/reel/C0dEx_12-/",
        ),
        (
            "https://www.tiktok.com/@scout2015/video/6718335390845095173",
            "tiktok",
            "https://www.tiktok.com/@scout2015/video/6718335390845095173",
        ),
        (
            "https://Mastodon.Social/@Gargron/109612104811129202",
            "mastodon",
            "https://mastodon.social/@Gargron/109612104811129202",
        ),
        (
            "https://soundcloud.com/Forss/Flickermood",
            "soundcloud",
            "https://soundcloud.com/forss/flickermood",
        ),
    ],
)
def test_an_address_of_a_known_site_becomes_one_canonical_embed(
    address, provider, canonical
):
    embed = embeds.parse(address)
    assert embed is not None
    assert (embed.provider.key, embed.url) == (provider, canonical)
    assert embeds.parse(embed.url) == embed  # canonical is a fixed point


@pytest.mark.parametrize(
    ("address", "reason"),
    [
        ("javascript:alert(1)", "only http:// and https://"),
        ("JaVaScRiPt:alert(document.domain)//https://youtu.be/aqz-KE-bpKQ", "only"),
        ("data:text/html,<script>alert(1)</script>", "only http:// and https://"),
        ("ftp://youtube.com/watch?v=aqz-KE-bpKQ", "only http:// and https://"),
        ("https://user:secret@www.youtube.com/watch?v=aqz-KE-bpKQ", "password"),
        ("https://www.youtube.com@evil.example/watch?v=aqz-KE-bpKQ", "password"),
        ("https://evil.example/watch?v=aqz-KE-bpKQ", "not from a site we can embed"),
        ("https://youtube.com.evil.example/watch?v=aqz-KE-bpKQ", "not from a site"),
        # Cyrillic "о" in a look-alike host.
        ("https://www.yоutube.com/watch?v=aqz-KE-bpKQ", "not from a site"),
        ("https://www.youtube.com:8443/watch?v=aqz-KE-bpKQ", "port"),
        ("https://www.youtube.com/watch?v=" + "a" * 600, "longer than 500"),
        ("https://www.youtube.com/watch?v=aqz-KE-bpKQ\nhttps://x", "spaces"),
        ("https://www.youtube.com/channel/UC123", "is from YouTube but"),
        ("https://soundcloud.com/forss/sets/album", "is from SoundCloud but"),
        ("http://mastodon.social/@Gargron/1", "not from a site"),  # not https
        ("https://127.0.0.1/@admin/1", "not from a site"),  # an IP address
        ("https://localhost/@admin/1", "not from a site"),
        ("https://[::1/x", "not a valid web address"),
        ("", "is empty"),
    ],
)
def test_a_bad_address_is_refused_with_a_reason_for_the_editor(address, reason):
    embed, why = embeds.examine(address)
    assert embed is None
    assert reason in why


def test_reading_addresses_and_saving_embeds_never_touch_the_network(monkeypatch):
    def no_network(*args, **kwargs):
        raise AssertionError("embeds must not use the network")

    monkeypatch.setattr(socket, "getaddrinfo", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    story = make_article(body=STORED + figure("https://mastodon.social/@a/1"))
    assert story.body.count("<figure data-embed=") == 2


@hypothesis_settings(max_examples=300, deadline=None)
@given(st.text(max_size=200))
def test_any_text_as_an_address_gets_an_embed_or_a_reason_never_an_error(address):
    embed, reason = embeds.examine(address)
    assert (embed is None) == bool(reason)
    assert embed is None or embeds.parse(embed.url) == embed


# The sanitiser: only valid embeds stay, for every role.


def test_a_writers_embed_is_stored_in_its_canonical_form():
    body = sanitize_body(
        '<figure data-embed="https://youtu.be/aqz-KE-bpKQ" class="x">'
        "<figcaption>The <b>trailer</b> &amp; more</figcaption></figure>"
    )
    assert body == figure(YOUTUBE, "The trailer &amp; more")


@pytest.mark.parametrize("clean", [sanitize_body, sanitize_trusted_body])
@pytest.mark.parametrize(
    ("forged", "kept", "gone"),
    [
        (
            figure("https://evil.example/watch", "Look"),
            '<p><a href="https://evil.example/watch" rel="noopener noreferrer">'
            "Look</a></p>",
            "data-embed",
        ),
        (figure("javascript:alert(1)", "Click"), "<p>Click</p>", "javascript"),
        (figure("data:text/html,x"), "", "data:"),
        (
            f'<figure data-embed="{YOUTUBE}" onclick="steal()"><iframe src="https://'
            'evil.example"></iframe><script>alert(1)</script></figure>',
            figure(YOUTUBE),
            "evil",
        ),
        (
            f"<ul><li>{figure(YOUTUBE)}</li></ul>",
            f'<ul><li><a href="{YOUTUBE}" rel="noopener noreferrer">',
            "data-embed",
        ),
    ],
)
def test_forged_embed_markup_becomes_a_plain_link_or_is_removed(
    clean, forged, kept, gone
):
    body = clean(forged)
    assert kept in body
    assert gone not in body
    assert "<iframe" not in body and "<script" not in body and "onclick" not in body


@hypothesis_settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                "<figure data-embed=",
                '"https://youtu.be/aqz-KE-bpKQ"',
                "'javascript:alert(1)'",
                ">",
                "<figcaption>",
                "</figcaption>",
                "</figure>",
                "<figure>",
                "<p>",
                "<a href=x>",
                "<!--",
                "-->",
                "&amp;",
                "<script>",
            ]
        )
        | st.text(max_size=5),
        max_size=30,
    )
)
def test_any_markup_around_embeds_sanitises_to_safe_stable_html(pieces):
    body = sanitize_body("".join(pieces))
    assert sanitize_body(body) == body  # saving twice changes nothing
    assert "<script" not in body  # as text it is escaped
    assert not re.search(r'="[^"]*javascript:', body)  # in no attribute
    for address in re.findall(r'data-embed="([^"]*)"', body):
        assert embeds.parse(address).url == address


def test_two_hundred_embeds_are_bounded_and_the_rest_become_links():
    body = sanitize_body(figure(YOUTUBE) * 200)
    assert body.count("<figure data-embed=") == embeds.MAX_EMBEDS
    assert body.count(f'<a href="{YOUTUBE}"') == 200 - embeds.MAX_EMBEDS


# The story form: a clear message, nothing lost.


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("https://evil.example/x", "is not from a site we can embed"),
        ("javascript:alert(1)", "is not a web address"),
        ("https://user:pw@youtu.be/aqz-KE-bpKQ", "contains a user name or password"),
        ("https://www.youtube.com/watch?v=" + "b" * 900, "is longer than 500"),
    ],
)
def test_a_contributor_hears_why_an_embed_address_is_refused_and_loses_nothing(
    client, django_user_model, address, message
):
    writer = make_staff(django_user_model, "Contributor")
    story = make_draft(created_by=writer, body="<p>Before.</p>")
    client.force_login(writer)
    body = f"<p>My words.</p>{figure(address, 'My caption')}"
    response = post_change(client, story, body=body)
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "My words." in page and "My caption" in page  # the form keeps them
    story.refresh_from_db()
    assert story.body == "<p>Before.</p>"


def test_the_form_refuses_two_hundred_embeds_with_the_limit(client, django_user_model):
    editor = make_staff(django_user_model, "Editor")
    story = make_draft(created_by=editor)
    client.force_login(editor)
    response = post_change(client, story, body=figure(YOUTUBE) * 200)
    assert response.status_code == 200
    assert f"at most {embeds.MAX_EMBEDS} embeds" in response.content.decode()


@pytest.mark.parametrize("role", ["Contributor", "Author", "Editor"])
def test_every_role_saves_a_story_with_a_video_embed(client, django_user_model, role):
    writer = make_staff(django_user_model, role)
    story = make_draft(created_by=writer)
    client.force_login(writer)
    body = '<p>Watch:</p><figure data-embed="https://youtu.be/aqz-KE-bpKQ"></figure>'
    assert post_change(client, story, body=body).status_code == 302
    story.refresh_from_db()
    assert story.body == f"<p>Watch:</p>{figure(YOUTUBE)}"


def test_an_editors_hand_written_html_embed_is_judged_like_any_other(
    client, django_user_model
):
    editor = make_staff(django_user_model, "Editor")
    story = make_draft(created_by=editor, raw_html=True, body="<p>x</p>")
    client.force_login(editor)
    good = figure("https://vimeo.com/76979871", "Vimeo")
    assert post_change(client, story, raw_html="on", body=good).status_code == 302
    story.refresh_from_db()
    assert story.body == good
    bad = post_change(client, story, raw_html="on", body=figure("https://a.example"))
    assert "is not from a site we can embed" in bad.content.decode()


def test_the_embed_button_hears_at_once_whether_an_address_is_accepted(
    client, django_user_model
):
    writer = make_staff(django_user_model, "Contributor")
    client.force_login(writer)
    check = reverse("admin:articles_article_embed_check")
    good = client.get(check, {"url": "https://youtu.be/aqz-KE-bpKQ"})
    assert good.json() == {
        "embed": {"url": YOUTUBE, "provider": "YouTube", "kind": "video"}
    }
    bad = client.get(check, {"url": "https://evil.example/x"})
    assert bad.status_code == 400
    assert "is not from a site we can embed" in bad.json()["error"]


def test_the_embed_check_is_for_writers_only(client, django_user_model):
    check = reverse("admin:articles_article_embed_check")
    assert client.get(check, {"url": YOUTUBE}).status_code == 302  # to the login
    client.force_login(make_staff(django_user_model, "No role"))
    assert client.get(check, {"url": YOUTUBE}).status_code == 403


# Readers: a facade that asks the other site for nothing.


def third_party_references(page: str) -> list[str]:
    """Other sites' addresses the browser would fetch on load: src, srcset, poster,
    stylesheet and icon links, CSS url()."""
    fetched = re.findall(r'\s(?:src|srcset|poster|data)="(https?://[^"]+)"', page)
    fetched += re.findall(
        r'<link rel="(?:stylesheet|icon|preload)"[^>]+href="(https?://[^"]+)"', page
    )
    fetched += re.findall(r"url\((https?://[^)]+)\)", page)
    return [url for url in fetched if not url.startswith(settings.SITE_URL)]


def test_readers_see_a_facade_that_loads_nothing_from_the_other_site(client):
    story = make_article(body=f"<p>Intro.</p>{STORED}<p>After.</p>")
    page = client.get(story.get_absolute_url()).content.decode()
    assert "<iframe" not in page
    assert third_party_references(page) == []
    assert 'class="embed embed--youtube embed--video"' in page
    assert "YouTube video" in page
    assert f'<a class="embed__link" href="{YOUTUBE}"' in page
    assert "<figcaption" in page and "The trailer</figcaption>" in page
    # Without JavaScript the button stays hidden and the facade is a plain link.
    assert (
        '<button type="button" class="embed__load" hidden>Load the video</button>'
        in page
    )
    assert 'data-player="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ' in page
    assert page.count('src="/static/js/embeds.js"') == 1


@pytest.mark.parametrize(
    ("address", "name"),
    [
        ("https://x.com/jack/status/20", "X (Twitter)"),
        ("https://bsky.app/profile/jay.bsky.team/post/3kabc", "Bluesky"),
        ("https://www.instagram.com/p/C0dEx_12-/", "Instagram"),
        ("https://www.tiktok.com/@scout2015/video/6718335390845095173", "TikTok"),
        ("https://mastodon.social/@Gargron/1", "Mastodon"),
    ],
)
def test_a_post_with_only_a_script_embed_opens_in_a_new_tab(client, address, name):
    story = make_article(body=figure(address, "Said online"))
    page = client.get(story.get_absolute_url()).content.decode()
    assert (
        f'href="{address}" rel="noopener noreferrer external" target="_blank"' in page
    )
    assert f"on {name}" in page
    assert "data-player" not in page and "<iframe" not in page
    assert "embed__load" not in page


def test_the_csp_lets_exactly_the_players_be_framed(client):
    story = make_article(body=STORED)
    policy = client.get(story.get_absolute_url())["Content-Security-Policy"]
    frame_src = re.search(r"frame-src ([^;]+)", policy)[1].split()
    assert set(frame_src) == {"'self'", *embeds.PLAYER_HOSTS}
    for address in (YOUTUBE, "https://vimeo.com/1", "https://soundcloud.com/a/b"):
        player = embeds.parse(address).player_url
        assert player.startswith(tuple(f"{host}/" for host in embeds.PLAYER_HOSTS))


def test_a_page_with_many_embeds_stays_within_its_query_budget(
    client, django_assert_max_num_queries
):
    story = make_article(body=STORED * embeds.MAX_EMBEDS)
    with django_assert_max_num_queries(8):
        page = client.get(story.get_absolute_url()).content.decode()
    assert page.count('class="embed__facade"') == embeds.MAX_EMBEDS


def test_feeds_show_an_embed_as_a_plain_link_with_its_caption(client, settings):
    settings.FEED_FULL_CONTENT = True
    make_article(body=f"<p>Intro.</p>{STORED}")
    feed = client.get(reverse("articles:feed")).content.decode()
    assert f'&lt;a href="{YOUTUBE}"&gt;YouTube video: {YOUTUBE}&lt;/a&gt;' in feed
    assert "The trailer" in feed
    assert "data-embed" not in feed and "embed__" not in feed


def test_search_finds_an_embeds_caption_but_not_its_address(client):
    make_article(headline="Festival", body=figure(YOUTUBE, "Saxophone finale"))
    assert "Festival" in client.get(reverse("articles:search"), {"q": "saxophone"}).text
    assert "Festival" not in client.get(reverse("articles:search"), {"q": "aqz"}).text


def test_the_demo_jazz_story_has_a_video_embed_and_the_seed_story_none(client):
    call_command("load_demo", verbosity=0)
    jazz = Article.objects.get(slug="jazz-festival-returns-to-the-harbour")
    page = client.get(jazz.get_absolute_url()).content.decode()
    assert "embed--youtube" in page and "The festival trailer." in page
    seed = Article.objects.get(
        slug="vladimir-putin-congratules-trump-on-his-shocking-win"
    )
    seed_page = client.get(seed.get_absolute_url()).content.decode()
    assert "quote--tweet" in seed_page and "embed" not in seed_page.lower()
