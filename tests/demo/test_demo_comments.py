import pytest
from django.core.management import call_command

from articles.models import Article
from comments.models import Comment
from demo.comments import load_demo_comments
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


def test_demo_loads_approved_thread_and_one_pending_once():
    article = make_article()
    assert load_demo_comments(article) == 4
    assert load_demo_comments(article) == 0
    assert Comment.objects.approved().count() == 3
    assert Comment.objects.pending().count() == 1
    reply = Comment.objects.get(parent__isnull=False)
    assert reply.parent.status == Comment.Status.APPROVED and reply.depth == 2
    assert Article.objects.get(pk=article.pk).comment_count == 3


def test_load_demo_seeds_comments_under_the_seed_story(client):
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Comment.objects.count() == 4
    seed = Comment.objects.first().article
    html = client.get(seed.get_absolute_url()).content.decode()
    assert "3 thoughts on" in html
    assert '<ol class="children">' in html
    assert "First time commenting here" not in html
