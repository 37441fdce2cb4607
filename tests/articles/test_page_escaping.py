"""A story page with hostile plain text (headline, standfirst, tag, author,
section, image alt): the meta tags and JSON-LD carry it as text, never markup."""

import json
import re

import pytest

from articles import seo
from tests.support.escaping import PAYLOADS, live_in_head
from tests.support.factories import make_article, make_author, make_section

pytestmark = pytest.mark.django_db

JSON_LD = re.compile(r'<script type="application/ld\+json"[^>]*>(.*?)</script>', re.S)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_story_page_head_and_json_ld_keep_plain_text_as_text(client, payload):
    story = make_article(
        headline=f"Headline {payload}",
        standfirst=payload,
        section=make_section(name=f"Desk {payload}"),
        authors=[make_author(name=f"Ann {payload}")],
        tags=[f"tag {payload}"],
    )
    page = client.get(story.get_absolute_url()).content.decode()
    assert live_in_head(page) == []
    blocks = [json.loads(block) for block in JSON_LD.findall(page)]
    article = next(b for b in blocks if b.get("@type") == "NewsArticle")
    assert article["description"] == payload
    assert article["headline"] == f"Headline {payload}"


def test_json_ld_writes_what_could_end_the_script_as_unicode_escapes():
    written = seo.json_ld(
        {"headline": "</script><!-- Tom & Jerry \u2028\u2029 ü", "n": [1, "<>"]}
    )
    assert written == (
        '{"headline": "\\u003c/script\\u003e\\u003c!-- Tom \\u0026 Jerry '
        '\\u2028\\u2029 ü", "n": [1, "\\u003c\\u003e"]}'
    )
    assert json.loads(written)["headline"] == "</script><!-- Tom & Jerry \u2028\u2029 ü"
