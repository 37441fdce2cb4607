"""Reading the comments under a story: order, nesting, replies and their depth,
paging, and what the thread costs in queries."""

import re
from datetime import timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from comments.models import Comment, DiscussionSettings
from tests.support.comments import comments_section, form_data, page, post_url
from tests.support.factories import make_article, make_comment

pytestmark = pytest.mark.django_db


def test_only_approved_comments_are_listed_oldest_first(client):
    article = make_article()
    now = timezone.now()
    make_comment(article, content="Later one.", created_at=now)
    make_comment(article, content="Earlier one.", created_at=now - timedelta(hours=1))
    for status in ("pending", "spam", "trash"):
        make_comment(article, content=f"Hidden {status}.", status=status)
    html = comments_section(page(client, article))
    assert html.index("Earlier one.") < html.index("Later one.")
    assert "Hidden" not in html
    assert "2 thoughts on" in html


def test_approved_comment_shows_link_avatar_permalink_and_time(client):
    article = make_article()
    comment = make_comment(
        article, author_name="Zoë Writer", author_url="https://zoe.example/"
    )
    html = comments_section(page(client, article))
    assert (
        '<a href="https://zoe.example/" rel="external nofollow ugc" class="url">Zoë Writer</a>'
        in html
    )
    assert f'href="#comment-{comment.pk}"' in html
    assert '<time datetime="' in html
    assert '<span class="avatar avatar--' in html and ">ZW</span>" in html
    assert "gravatar" not in html


def test_comment_links_get_nofollow_ugc_and_scripts_are_removed(client):
    article = make_article()
    make_comment(
        article,
        content='<a href="http://x.example/">x</a> <script>alert(1)</script>'
        '<a href="javascript:alert(2)">y</a>\n\nSecond <strong>para</strong>',
    )
    html = comments_section(page(client, article))
    assert 'rel="nofollow ugc"' in html
    assert "<script>alert" not in html and "javascript:" not in html
    assert "<p>Second <strong>para</strong></p>" in html


def test_reply_to_approved_comment_is_threaded(client):
    article = make_article()
    parent = make_comment(
        article, author_name="Ann Reader", author_email="ann@example.com"
    )
    client.post(post_url(), form_data(article, parent=str(parent.pk), comment="Reply!"))
    reply = Comment.objects.latest("id")
    assert reply.parent == parent and reply.depth == 2
    html = comments_section(page(client, article))
    assert re.search(rf'<ol class="children">\s*<li id="comment-{reply.pk}"', html)


@pytest.mark.parametrize("status", ["pending", "spam", "trash"])
def test_reply_to_unpublished_comment_is_refused(client, status):
    article = make_article()
    parent = make_comment(article, status=status)
    response = client.post(post_url(), form_data(article, parent=str(parent.pk)))
    assert response.status_code == 400
    assert "You can only reply to a published comment." in response.content.decode()
    assert Comment.objects.count() == 1


def test_reply_to_a_comment_of_another_story_is_refused(client):
    article = make_article()
    elsewhere = make_comment(make_article())
    response = client.post(post_url(), form_data(article, parent=str(elsewhere.pk)))
    assert response.status_code == 400
    assert "That comment belongs to another story." in response.content.decode()


def test_replies_stop_at_the_configured_depth(client):
    DiscussionSettings.objects.create(thread_comments_depth=2)
    article = make_article()
    top = make_comment(article)
    second = make_comment(article, parent=top)
    response = client.post(post_url(), form_data(article, parent=str(second.pk)))
    assert response.status_code == 400
    html = comments_section(page(client, article))
    assert f"replytocom={top.pk}" in html
    assert f"replytocom={second.pk}" not in html


def test_reply_link_without_javascript_names_the_comment_author(client):
    article = make_article()
    parent = make_comment(article, author_name="Boris")
    html = comments_section(page(client, article, replytocom=parent.pk))
    assert "Leave a Reply to Boris" in html
    assert f'name="parent" value="{parent.pk}"' in html
    assert ">Cancel reply</a>" in html
    assert re.search(r'id="cancel-comment-reply-link" href="[^"]+#respond">', html)


def test_top_level_comments_can_be_paged(client):
    DiscussionSettings.objects.create(
        page_comments=True, comments_per_page=2, default_comments_page="oldest"
    )
    article = make_article()
    now = timezone.now()
    for n in range(5):
        make_comment(
            article, content=f"Number {n}.", created_at=now + timedelta(minutes=n)
        )
    first = comments_section(page(client, article))
    assert "Number 0." in first and "Number 2." not in first
    assert "Page 1 of 3" in first
    last = comments_section(page(client, article, cpage="3"))
    assert "Number 4." in last and "Number 0." not in last
    assert "Number 0." in comments_section(page(client, article, cpage="nonsense"))


def test_settings_read_along_with_the_comments_are_the_saved_ones(client):
    DiscussionSettings.objects.create(
        show_avatars=False, thread_comments_depth=2, comment_order="desc"
    )
    article = make_article()
    now = timezone.now()
    first = make_comment(
        article, content="Oldest.", created_at=now - timedelta(hours=2)
    )
    make_comment(article, content="Newest.", created_at=now - timedelta(hours=1))
    reply = make_comment(article, parent=first, content="A reply.")
    cache.clear()
    html = comments_section(page(client, article))
    assert html.index("Newest.") < html.index("Oldest.")
    assert 'class="avatar' not in html
    assert f"replytocom={first.pk}" in html and f"replytocom={reply.pk}" not in html


def _threaded_comments(article, count):
    parents = []
    for n in range(count):
        parent = parents[n % len(parents)] if parents and n % 3 else None
        comment = make_comment(article, parent=parent)
        if comment.depth < 4:
            parents.append(comment)


@pytest.fixture
def own_content_version(settings, tmp_path):
    # The page cache's content version is a file in VAR_DIR; a private one keeps
    # other test runs on this machine from invalidating our warm caches mid-test.
    settings.VAR_DIR = tmp_path


def test_story_page_queries_do_not_grow_with_comments(
    client, django_assert_max_num_queries, own_content_version
):
    quiet = make_article()
    busy = make_article()
    _threaded_comments(busy, 300)
    # Warm every cache both pages use (settings, navigation), then compare.
    client.get(quiet.get_absolute_url())
    client.get(busy.get_absolute_url())

    with CaptureQueriesContext(connection) as without:
        client.get(quiet.get_absolute_url())
    with CaptureQueriesContext(connection) as with_comments:
        response = client.get(busy.get_absolute_url())
    assert response.content.decode().count('class="comment depth-') == 300
    assert len(with_comments) == len(without)
    with django_assert_max_num_queries(8):
        client.get(busy.get_absolute_url())


def _comment_queries(queries) -> list[str]:
    return [
        q["sql"]
        for q in queries
        if "comments_comment" in q["sql"] or "comments_discussionsettings" in q["sql"]
    ]


def test_comments_cost_one_query_even_on_a_cold_cache(client, own_content_version):
    quiet, busy = make_article(), make_article()
    _threaded_comments(busy, 300)
    counts = []
    for article in (quiet, busy):
        cache.clear()
        with CaptureQueriesContext(connection) as cold:
            client.get(article.get_absolute_url())
        assert len(_comment_queries(cold)) == 1  # settings ride along when cold
        with CaptureQueriesContext(connection) as warm:
            client.get(article.get_absolute_url())
        assert len(_comment_queries(warm)) == 1
        counts.append((len(cold), len(warm)))
    assert counts[0] == counts[1]  # 300 threaded comments cost nothing extra


def test_comment_counts_in_story_lists_cost_no_extra_queries(client):
    for _ in range(3):
        story = make_article()
        make_comment(story)
        make_comment(story)
    with CaptureQueriesContext(connection) as queries:
        html = client.get(reverse("articles:home")).content.decode()
    assert html.count("2 comments") == 3
    # The count is the stored Article.comment_count: no comment table is read.
    assert not _comment_queries(queries)
