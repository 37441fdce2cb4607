"""A story page with hostile plain text (headline, standfirst, tag, author,
section, image alt): the meta tags and JSON-LD carry it as text, never markup."""

import json
import re

import pytest

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
