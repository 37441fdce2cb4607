"""The API's documentation page works in a real browser under the site's CSP:
Swagger UI from our own static files lists every operation, at desktop and phone
widths, with no blocked script or failed request."""

import pytest

from tests.support.factories import make_article

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.browser]


@pytest.mark.parametrize("size", [(1366, 900), (390, 844)])
def test_the_docs_page_lists_the_operations(live_server, chromium, size):
    make_article(headline="Documented story")
    page = chromium.new_page(viewport={"width": size[0], "height": size[1]})
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("requestfailed", lambda r: problems.append(r.url))
    outside = []
    page.on(
        "request",
        lambda r: r.url.startswith(live_server.url) or outside.append(r.url),
    )

    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".opblock-summary-path", timeout=15000)

    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/v1/stories/" in paths and "/api/v1/stories/{id}/comments/" in paths
    assert problems == [] and outside == []
