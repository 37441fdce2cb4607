"""Two app servers on one machine share every piece of state through the engines.

Two gunicorn instances on different loopback ports run on the same PostgreSQL
(a database created and dropped for the run), the same Redis (a per-run key
prefix) and a local moto S3 server. Nothing else is shared: each has its own var
directory, and neither serves media from disk. Run by ``.ci/two-servers``
(``NEWSROOM_TWO_SERVERS=1 pytest -m twoservers tests/newsroom/test_two_servers.py``).

Each check needs a feature built elsewhere (comments, the page cache, the
editorial admin); a check whose feature is missing is skipped and says why.
"""

import io
import os
import re
import time
from datetime import datetime, timedelta
from html import unescape
from urllib.parse import urljoin
from zoneinfo import ZoneInfo

import pytest
import requests
from django.conf import settings
from PIL import Image

from tests.support.ops import moto_s3
from tests.support.two_servers import (
    admin_session,
    cluster_running,
    nginx_available,
    nginx_running,
    parse_form,
    services_reachable,
)

pytestmark = [
    pytest.mark.twoservers,
    pytest.mark.skipif(
        not os.environ.get("NEWSROOM_TWO_SERVERS"),
        reason="starts two gunicorn servers: run by .ci/two-servers",
    ),
]

SITE_ZONE = ZoneInfo(os.environ.get("TIME_ZONE", "Europe/London"))


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    missing = services_reachable()
    if missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing}: CI must run the two-server test")
        pytest.skip(missing)
    with (
        moto_s3() as endpoint,
        cluster_running(tmp_path_factory.mktemp("two-servers"), endpoint) as running,
    ):
        yield running


@pytest.fixture(scope="module")
def one(cluster):
    return cluster.servers[0]


@pytest.fixture(scope="module")
def two(cluster):
    return cluster.servers[1]


def anonymous_get(url: str) -> requests.Response:
    """A reader with no cookies at all (what the page cache serves)."""
    return requests.get(url, timeout=10, allow_redirects=False)


def jpeg_bytes() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1000, 640), (30, 110, 160)).save(buffer, "JPEG")
    return buffer.getvalue()


def create_story(cluster, headline: str, **fields) -> int:
    """A published story written straight to the shared database; returns its id."""
    cluster.manage(
        "shell",
        "-c",
        "from django.utils import timezone\n"
        "from articles.models import Article\n"
        f"Article.objects.create(headline={headline!r}, body='<p>Text.</p>',"
        " status='published', published_at=timezone.now())",
    )
    return cluster.sql(
        "SELECT id FROM articles_article WHERE headline = %s", [headline]
    )[0][0]


def public_url(cluster, pk: int) -> str:
    slug, published_at = cluster.sql(
        "SELECT slug, published_at FROM articles_article WHERE id = %s", [pk]
    )[0]
    day = published_at.astimezone(SITE_ZONE)
    return f"/{day:%Y/%m/%d}/{slug}/"


def local_split(when: datetime) -> dict:
    local = when.astimezone(SITE_ZONE)
    return {
        "published_at_0": local.strftime("%Y-%m-%d"),
        "published_at_1": local.strftime("%H:%M:%S"),
    }


def admin_add_story(server, session, values: dict, button: str, files=None):
    """Fill the admin's story form like an editor and press a workflow button."""
    add_url = f"{server.url}/admin/articles/article/add/"
    page = session.get(add_url, timeout=10)
    assert page.status_code == 200, f"story add form on {server.name}"
    form = parse_form(page.text, lambda attrs: attrs.get("id") == "article_form")
    assert form is not None, "the admin story form"
    data = form.filled(values)
    if ("_workflow", button) in form.buttons:
        data.append(("_workflow", button))
    else:
        pytest.skip(f"the story admin has no {button!r} button")
    response = session.post(
        add_url,
        data=data,
        files=files,
        headers={"Referer": add_url},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, (
        f"saving the story on {server.name} answered {response.status_code}:\n"
        + "\n".join(
            re.findall(r'class="errorlist[^"]*"[^>]*>(.*?)</ul>', response.text)
        )
    )
    return response


# The checks -------------------------------------------------------------------------


def test_both_servers_are_healthy_on_the_shared_engines(cluster):
    for server in cluster.servers:
        health = requests.get(f"{server.url}/healthz", timeout=10).json()
        assert health["status"] == "ok", (server.name, health)


def test_a_login_on_one_server_is_valid_on_the_other(one, two):
    session = admin_session(two)

    response = session.get(f"{one.url}/admin/", timeout=10, allow_redirects=False)

    assert response.status_code == 200  # not a redirect to the login page


def test_comment_posted_on_one_is_held_approved_on_two_and_shown_on_one(
    cluster, one, two
):
    pk = create_story(cluster, "Harbour council votes on the new pier")
    url = public_url(cluster, pk)
    page = anonymous_get(one.url + url)
    assert page.status_code == 200
    form = parse_form(page.text, lambda attrs: "comment" in attrs.get("action", ""))
    if form is None:
        pytest.skip("no comment form on the article page (comments app not present)")

    # Posted through server 1: held for moderation, not public on either server.
    text = f"The pier will bring visitors back {int(time.time())}."
    reader = requests.Session()
    posted = reader.post(
        urljoin(one.url + url, form.action),
        data=form.filled(
            {"comment": text, "author": "Ann Reader", "email": "ann@example.com"}
        ),
        timeout=10,
        allow_redirects=False,
    )
    assert posted.status_code in (302, 303), f"posting answered {posted.status_code}"
    held = cluster.sql(
        "SELECT id, status FROM comments_comment WHERE content = %s", [text]
    )
    assert len(held) == 1 and held[0][1] == "pending", held
    comment_id = held[0][0]

    # Server 1's article page, cached for anonymous readers, does not show it yet.
    first = anonymous_get(one.url + url)
    second = anonymous_get(one.url + url)
    assert text not in first.text and text not in second.text
    if "newsroom.pagecache.PageCacheMiddleware" in settings.MIDDLEWARE:
        assert second.headers.get("X-Page-Cache") == "hit", "server 1 cached the page"
    assert text not in anonymous_get(two.url + url).text

    # Approved through server 2's admin.
    moderator = admin_session(two)
    changelist_url = f"{two.url}/admin/comments/comment/"
    changelist = moderator.get(changelist_url, timeout=10)
    assert changelist.status_code == 200
    actions = re.findall(r'<option value="([^"]*approve[^"]*)"', changelist.text)
    assert actions, "an approve action in the comments admin"
    form = parse_form(
        changelist.text, lambda attrs: attrs.get("id") == "changelist-form"
    )
    done = moderator.post(
        changelist_url,
        data=form.filled({"action": actions[0]})
        + [("_selected_action", str(comment_id))],
        headers={"Referer": changelist_url},
        timeout=10,
        allow_redirects=False,
    )
    assert done.status_code == 302
    status = cluster.sql(
        "SELECT status FROM comments_comment WHERE id = %s", [comment_id]
    )
    assert status[0][0] == "approved"

    # The very next request to server 1 shows it.
    after = anonymous_get(one.url + url)
    assert after.status_code == 200
    assert text in unescape(after.text), "approved comment on server 1's page"


def test_image_uploaded_through_two_is_served_by_one(cluster, one, two):
    editor = admin_session(two)
    headline = "Lifeboat crew rescue three sailors"
    upload_url = f"{two.url}/admin/images/image/upload/"
    page = editor.get(upload_url, timeout=10)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    uploaded = editor.post(
        upload_url,
        data={
            "csrfmiddlewaretoken": token.group(1),
            "alt": "The lifeboat returning at dawn",
        },
        files={"files": ("lifeboat.jpg", jpeg_bytes(), "image/jpeg")},
        headers={"Referer": upload_url},
        timeout=30,
    )
    assert uploaded.status_code == 200, "the library upload on server 2"
    [(image_id, image_name)] = cluster.sql(
        "SELECT id, file FROM images_image WHERE alt_text = %s",
        ["The lifeboat returning at dawn"],
    )
    assert image_name, "the upload was stored"
    admin_add_story(
        two,
        editor,
        {
            "headline": headline,
            "slug": "lifeboat-rescue",
            "standfirst": "A night rescue off the harbour wall.",
            "body": "<p>The crew launched at midnight.</p>",
            "featured_image": str(image_id),
            **local_split(datetime.now(SITE_ZONE) - timedelta(minutes=1)),
        },
        "publish",
    )
    [(pk,)] = cluster.sql(
        "SELECT id FROM articles_article WHERE headline = %s", [headline]
    )

    page = anonymous_get(one.url + public_url(cluster, pk))
    assert page.status_code == 200
    sources = set(re.findall(r'(?:src|srcset)="([^"\s]+)', page.text))
    sources |= {
        url
        for srcset in re.findall(r'srcset="([^"]+)"', page.text)
        for url in re.findall(r"(\S+)\s+\d+w", srcset)
    }
    images = {unescape(s) for s in sources if "/library/" in s}
    assert images, "server 1's page shows the image"
    for src in images:
        response = requests.get(urljoin(one.url, src), timeout=10)
        assert response.status_code == 200, src
        assert response.headers["Content-Type"].startswith("image/"), src
    from_bucket = [src for src in images if src.startswith(cluster.s3_endpoint)]
    assert from_bucket, "images come from the bucket, not an app server's disk"
    # Objects never change (random names), so browsers and CDNs may keep them.
    cache_control = requests.get(from_bucket[0], timeout=10).headers["Cache-Control"]
    assert "immutable" in cache_control


def test_story_scheduled_on_one_appears_on_both_at_its_time(cluster, one, two):
    editor = admin_session(two)  # the session works on server 1 too
    headline = f"Ferry timetable changes from Monday {int(time.time())}"
    publish_at = (datetime.now(SITE_ZONE) + timedelta(seconds=20)).replace(
        microsecond=0
    )
    admin_add_story(
        one,
        editor,
        {
            "headline": headline,
            "slug": "ferry-timetable",
            "standfirst": "Earlier sailings in winter.",
            "body": "<p>The first ferry leaves at six.</p>",
            **local_split(publish_at),
        },
        "schedule",
    )

    # Before its time: on neither server, and both home pages are cached.
    for server in (one, two):
        for _ in range(2):
            home = anonymous_get(f"{server.url}/")
            assert home.status_code == 200
            assert headline not in unescape(home.text), server.name
        if "newsroom.pagecache.PageCacheMiddleware" in settings.MIDDLEWARE:
            assert home.headers.get("X-Page-Cache") == "hit", server.name

    time.sleep(max(0.0, (publish_at - datetime.now(SITE_ZONE)).total_seconds()) + 1.5)

    # At its time: on both, with no write in between.
    for server in (one, two):
        home = anonymous_get(f"{server.url}/")
        assert headline in unescape(home.text), f"scheduled story on {server.name}"


def test_nginx_from_the_guide_micro_caches_anonymous_pages_only(
    cluster, tmp_path_factory
):
    if not nginx_available():
        pytest.skip("nginx (and openssl) not installed: apt-get install nginx-light")
    import urllib3

    urllib3.disable_warnings(urllib3.exceptions.InsecureRequestWarning)
    with nginx_running(cluster, tmp_path_factory.mktemp("nginx")) as nginx:

        def get(path, **kwargs):
            return requests.get(
                nginx.url + path,
                headers={"Host": "news.example.com", **kwargs.pop("headers", {})},
                verify=False,  # the test's own self-signed certificate
                allow_redirects=False,
                timeout=10,
                **kwargs,
            )

        first, second = get("/"), get("/")
        assert first.status_code == 200 and second.status_code == 200
        assert second.headers["X-Micro-Cache"] == "HIT"

        # A session (an editor, a logged-in commenter) is never served from cache.
        private = get("/", cookies={"sessionid": "abc"})
        assert private.headers["X-Micro-Cache"] == "BYPASS"
        # The admin says private/no-store: nginx never stores it.
        for _ in range(2):
            login = get("/admin/login/")
        assert login.headers.get("X-Micro-Cache") != "HIT"
        assert get("/healthz").headers.get("X-Micro-Cache") != "HIT"

        # Static files come from disk with a year's caching.
        css = get("/static/css/site.css")
        if css.status_code == 404:  # hashed names only: find the real one
            css_path = re.search(r'href="(/static/css/site[^"]*\.css)"', first.text)
            css = get(css_path.group(1))
        assert css.status_code == 200
        assert "immutable" in css.headers["Cache-Control"]

        # Plain HTTP is redirected to HTTPS.
        plain = requests.get(
            f"http://127.0.0.1:{nginx.http_port}/",
            headers={"Host": "news.example.com"},
            allow_redirects=False,
            timeout=10,
        )
        assert plain.status_code == 301
        assert plain.headers["Location"].startswith("https://news.example.com/")
