"""Embeds in a real browser (Debian's Chromium through Playwright): the story page
asks no other site for anything until the reader loads the player, which then comes
from youtube-nocookie.com; without JavaScript the facade is a link; the editor's
Embed button refuses an unknown address and inserts a known one."""

from urllib.parse import urlsplit

import pytest

from tests.support.browser import DESKTOP, PHONE, expect, logged_in_page
from tests.support.desk import make_staff
from tests.support.factories import make_article, make_draft

YOUTUBE = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"
BODY = (
    "<p>The festival opens on the quay.</p>"
    f'<figure data-embed="{YOUTUBE}"><figcaption>The festival trailer</figcaption>'
    "</figure>"
    '<figure data-embed="https://x.com/jack/status/20"><figcaption>A post'
    "</figcaption></figure><p>Tickets go on sale on Monday.</p>"
)


def recording_page(chromium, live_server, viewport, **context):
    """A page whose every request is recorded by host; only the test server is
    reached (the tests never use the network)."""
    page = chromium.new_context(viewport=viewport, **context).new_page()
    page.set_default_timeout(15000)
    hosts = []
    own = urlsplit(live_server.url).netloc

    def route(route):
        host = urlsplit(route.request.url).netloc
        hosts.append(host)
        if host == own:
            route.continue_()
        else:
            route.abort()

    page.route("**/*", route)
    return page, hosts, own


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("viewport", "name"), [(DESKTOP, "1366"), (PHONE, "390")], ids=["desktop", "phone"]
)
def test_the_page_asks_no_other_site_until_the_reader_loads_the_video(
    chromium, live_server, viewport, name
):
    story = make_article(headline="Jazz on the quay", body=BODY)
    page, hosts, own = recording_page(chromium, live_server, viewport)
    page.goto(live_server.url + story.get_absolute_url())
    page.wait_for_load_state("networkidle")
    facade = page.locator(".embed--youtube")
    facade.scroll_into_view_if_needed()
    page.screenshot(path=f"/tmp/embeds-facade-{name}.png")
    assert set(hosts) == {own}, hosts
    assert page.locator("iframe").count() == 0

    # The keyboard reaches the button and loads the player from the nocookie host.
    button = page.get_by_role("button", name="Load the video")
    expect(button).to_be_visible()
    button.focus()
    page.keyboard.press("Enter")
    frame = page.locator(".embed--youtube iframe")
    expect(frame).to_have_attribute(
        "src", "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"
    )
    expect(frame).to_be_focused()
    page.wait_for_timeout(300)
    assert set(hosts) == {own, "www.youtube-nocookie.com"}, hosts
    box = frame.bounding_box()
    assert box["width"] <= viewport["width"]
    page.screenshot(path=f"/tmp/embeds-loaded-{name}.png")

    # A post with only a script embed opens in a new tab instead.
    post = page.get_by_role("link", name="Open the post on X (Twitter)")
    expect(post).to_have_attribute("target", "_blank")


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_facade_is_a_plain_link(chromium, live_server):
    story = make_article(body=BODY)
    page, hosts, own = recording_page(
        chromium, live_server, PHONE, java_script_enabled=False
    )
    page.goto(live_server.url + story.get_absolute_url())
    expect(page.get_by_role("link", name=YOUTUBE)).to_be_visible()
    expect(page.locator(".embed__load")).to_be_hidden()
    assert set(hosts) == {own}


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_the_embed_button_refuses_an_unknown_address_and_inserts_a_video(
    chromium, live_server, django_user_model
):
    editor = make_staff(django_user_model, "Superuser", "deskeditor")
    story = make_draft(headline="Jazz", body="<p>First words.</p>")
    page = logged_in_page(chromium, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    page.locator(".field-body .prose-editor > .ProseMirror p").last.click()
    page.keyboard.press("End")

    page.get_by_title("Embed a video or post").click()
    page.get_by_label("Address of the video, track or post").fill(
        "https://evil.example/x"
    )
    page.get_by_role("button", name="Embed", exact=True).click()
    refusal = page.locator(".embed-refusal")
    expect(refusal).to_contain_text("is not from a site we can embed")
    page.screenshot(path="/tmp/embeds-editor-refusal.png")
    refusal.get_by_role("button", name="OK").click()

    page.get_by_title("Embed a video or post").click()
    page.get_by_label("Address of the video, track or post").fill(
        "https://youtu.be/aqz-KE-bpKQ"
    )
    page.get_by_label("Caption (optional)").fill("The festival trailer")
    page.get_by_role("button", name="Embed", exact=True).click()
    expect(page.locator(".embed-node")).to_contain_text(YOUTUBE)
    page.screenshot(path="/tmp/embeds-editor-node.png")
    with page.expect_navigation():
        page.locator("input[name=_continue]").click()
    story.refresh_from_db()
    assert (
        f'<figure data-embed="{YOUTUBE}"><figcaption>The festival trailer'
        "</figcaption></figure>" in story.body
    )


PASTE = """(url) => {
  const data = new DataTransfer();
  data.setData("text/plain", url);
  const event = new ClipboardEvent("paste", {
    clipboardData: data, bubbles: true, cancelable: true,
  });
  document.querySelector(".field-body .prose-editor > .ProseMirror").dispatchEvent(event);
}"""


@pytest.mark.browser
@pytest.mark.django_db(transaction=True)
def test_pasting_a_lone_video_address_into_an_empty_paragraph_embeds_it(
    chromium, live_server, django_user_model
):
    editor = make_staff(django_user_model, "Superuser", "deskeditor")
    story = make_draft(headline="Jazz", body="<p>First words.</p>")
    page = logged_in_page(chromium, live_server, editor)
    page.goto(f"{live_server.url}/admin/articles/article/{story.pk}/change/")
    body = page.locator(".field-body .prose-editor > .ProseMirror")
    body.locator("p").last.click()
    expect(body).to_be_focused()  # a loaded machine: keys before focus go nowhere
    page.keyboard.press("Control+End")  # the caret after "First words.", wherever
    page.keyboard.press("Enter")  # the click put it
    expect(body.locator("p")).to_have_count(2)
    expect(body.locator("p").last).to_have_text("")  # the empty paragraph to paste into
    expect(body.locator("p").first).to_have_text("First words.")
    page.evaluate(PASTE, "https://vimeo.com/76979871")
    expect(page.locator(".embed-node")).to_contain_text("https://vimeo.com/76979871")

    # An unknown address pastes as text, as ever.
    page.keyboard.press("End")
    page.locator(".field-body .prose-editor > .ProseMirror p").first.click()
    page.keyboard.press("End")
    page.keyboard.press("Enter")
    page.evaluate(PASTE, "https://example.com/page")
    expect(page.locator(".field-body .prose-editor > .ProseMirror")).to_contain_text(
        "https://example.com/page"
    )
    assert page.locator(".embed-node").count() == 1
