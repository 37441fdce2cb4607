"""A story's page as a reader sees it, and what a link preview reads from it: the
meta tags and the NewsArticle JSON-LD."""

import html
import json
import re

LD_JSON = re.compile(r'<script type="application/ld\+json">(.*?)</script>', re.S)


def page_of(client, story) -> str:
    response = client.get(story.get_absolute_url())
    assert response.status_code == 200
    return response.text


def meta(page: str, key: str) -> list[str]:
    """The contents of the page's <meta> tags with this property or name, as text."""
    pattern = rf'<meta (?:property|name)="{re.escape(key)}" content="([^"]*)">'
    return [html.unescape(value) for value in re.findall(pattern, page)]


def news_article(page: str) -> dict:
    blocks = [json.loads(text) for text in LD_JSON.findall(page)]
    return next(block for block in blocks if block["@type"] == "NewsArticle")
