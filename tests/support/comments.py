import time

from django.urls import reverse

from comments.protection import sign_timestamp


def form_data(article, /, **overrides):
    """A complete, honest form: sent a minute after the page was served."""
    data = {
        "comment": "A thoughtful comment.",
        "author": "Ann Reader",
        "email": "ann@example.com",
        "url": "",
        "article": str(article.pk),
        "parent": "",
        "ts": sign_timestamp(article.pk, now=time.time() - 60),
        "homepage": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def post_url():
    return reverse("comments:post")


def page(client, article, **query):
    """The story page's HTML."""
    return client.get(article.get_absolute_url(), query).content.decode()


def comments_section(html: str) -> str:
    return html[html.index('<section id="comments"') :]
