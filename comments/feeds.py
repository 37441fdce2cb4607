"""Comment feeds: site-wide and per story, approved comments on published stories."""

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed

from articles.invalidation import COMMENTS, HOME, comments_tag, story_tag
from articles.models import Article
from comments.models import Comment
from newsroom.cachetags import depends_on

FEED_SIZE = 30


def _visible_comments():
    return (
        Comment.objects.approved()
        .filter(article__in=Article.objects.published())
        .select_related("article")
        .order_by("-created_at", "-id")
    )


class _CommentFeed(Feed):
    feed_type = Atom1Feed

    def item_title(self, item):
        return f"{item.display_name} on “{item.article.headline}”"

    def item_description(self, item):
        return item.content_html  # sanitised on save

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.created_at

    def item_author_name(self, item):
        return item.display_name


class LatestComments(_CommentFeed):
    def title(self):
        return f"Comments on {settings.SITE_NAME}"

    def link(self):
        return reverse("articles:home")

    def items(self):
        # Any story leaving the site takes its comments out of this feed.
        depends_on(COMMENTS, HOME)
        return _visible_comments()[:FEED_SIZE]


class ArticleComments(_CommentFeed):
    def get_object(self, request, pk):
        article = Article.objects.published().filter(pk=pk).first()
        if article is None:
            raise Http404("No such story.")
        return article

    def title(self, obj):
        return f"Comments on “{obj.headline}”"

    def link(self, obj):
        return obj.get_absolute_url() + "#comments"

    def items(self, obj):
        depends_on(story_tag(obj.pk), comments_tag(obj.pk))
        return _visible_comments().filter(article=obj)[:FEED_SIZE]
