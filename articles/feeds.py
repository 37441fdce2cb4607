"""RSS 2.0 and Atom feeds of published stories: site, section, tag and author.

Every feed is built on Article.objects.published(). Each item carries the
standfirst as its summary (escaped: a standfirst is plain text, and readers render
RSS <description> and Atom type="html" as HTML); with FEED_FULL_CONTENT on it also carries the story's
full HTML (`content:encoded` in RSS, `<content>` in Atom). The featured image is
an enclosure plus a Media RSS `media:content` element. A feed runs a fixed number
of queries whatever the number of stories.
"""

import mimetypes

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.feedgenerator import Enclosure
from django.utils.html import escape
from taggit.models import Tag

from articles import body, invalidation
from articles.models import Article, Author, Section
from articles.models.querysets import attach_tags
from articles.navigation import is_slug
from articles.seo import absolute, date_modified
from newsroom.cachetags import depends_on

FEED_ITEMS = 20
MEDIA_NS = "http://search.yahoo.com/mrss/"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"


def _add_media(handler, item):
    image = item.get("image")
    if image:
        handler.startElement(
            "media:content",
            {
                "url": image["url"],
                "medium": "image",
                "type": image["type"],
                **({"width": str(image["width"])} if image.get("width") else {}),
                **({"height": str(image["height"])} if image.get("height") else {}),
            },
        )
        if image.get("alt"):
            handler.addQuickElement("media:description", image["alt"])
        if image.get("credit"):
            handler.addQuickElement("media:credit", image["credit"])
        handler.endElement("media:content")


class NewsRssFeed(feedgenerator.Rss201rev2Feed):
    """RSS 2.0 with content:encoded (full text) and Media RSS (featured image)."""

    def rss_attributes(self):
        return {
            **super().rss_attributes(),
            "xmlns:content": CONTENT_NS,
            "xmlns:media": MEDIA_NS,
        }

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content:encoded", item["content"])
        _add_media(handler, item)


class NewsAtomFeed(feedgenerator.Atom1Feed):
    """Atom with <content type="html"> (full text) and Media RSS (featured image)."""

    def root_attributes(self):
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler, item):
        super().add_item_elements(handler, item)
        if item.get("content"):
            handler.addQuickElement("content", item["content"], {"type": "html"})
        _add_media(handler, item)


class StoryFeed(Feed):
    """The latest published stories; subclasses narrow them to a section, tag or author."""

    feed_type = NewsRssFeed
    url_name = "articles:feed"

    def __call__(self, request, *args, **kwargs):
        response = super().__call__(request, *args, **kwargs)
        response["Cache-Control"] = "public, max-age=300"
        return response

    # Channel

    def title(self, obj=None):
        return settings.SITE_NAME

    def about(self, obj=None) -> str:
        """The channel's one-line description, plain text."""
        return f"The latest stories from {settings.SITE_NAME}."

    def description(self, obj=None):
        # RSS <channel><description> is HTML to most readers: escape the plain text
        # (a section description, tag or author name) so it shows as typed.
        return escape(self.about(obj))

    def subtitle(self, obj=None):
        return self.about(obj)  # Atom <subtitle> is text: the generator escapes it

    def link(self, obj=None):
        return absolute(reverse("articles:home"))

    def feed_url(self, obj=None):
        args = [obj.slug] if obj is not None else []
        return absolute(reverse(self.url_name, args=args))

    @property
    def language(self):
        return settings.SITE_LANGUAGE

    def stories(self, obj):
        return Article.objects.published()

    def listed_in(self, obj) -> str:
        """The cache tag of the list this feed shows (articles/invalidation.py)."""
        return invalidation.HOME

    def items(self, obj=None):
        depends_on(self.listed_in(obj))
        stories = self.stories(obj).for_listing()
        if settings.FEED_FULL_CONTENT:
            stories = stories.with_quotes()
        stories = list(stories.order_by("-published_at", "-id")[:FEED_ITEMS])
        attach_tags(stories)  # not taggit's prefetch: see attach_tags
        if settings.FEED_FULL_CONTENT:
            body.attach_images(stories)  # every story's pictures: one query
        return stories

    # Items

    def item_title(self, item):
        # The feed generator escapes once; Django's default would escape twice.
        return item.headline

    def item_description(self, item):
        # RSS <description> and Atom <summary type="html"> are HTML; a standfirst
        # (or an imported excerpt) is plain text and must not become markup.
        return escape(item.standfirst or item.headline)

    def item_link(self, item):
        return absolute(item.get_absolute_url())

    def item_guid(self, item):
        return absolute(item.get_absolute_url())

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return date_modified(item)

    def item_author_name(self, item):
        return ", ".join(author.name for author in item.byline_list) or None

    def item_author_link(self, item):
        authors = item.byline_list
        return absolute(authors[0].get_absolute_url()) if len(authors) == 1 else None

    def item_categories(self, item):
        categories = [item.section.name] if item.section else []
        return categories + [tag.name for tag in item.tag_list]

    def item_enclosures(self, item):
        image = item.featured_image
        if image is None or not image.file:
            return []
        # Recorded by the library at upload; 0 (allowed: "unknown") if the storage
        # could not say then. Never asked here: one S3 request per item.
        length = str(image.byte_size or 0)
        mime_type = mimetypes.guess_type(image.file.name)[0] or "image/jpeg"
        return [Enclosure(absolute(image.file.url), length, mime_type)]

    def item_extra_kwargs(self, item):
        extra = {}
        if settings.FEED_FULL_CONTENT:
            extra["content"] = body.render(item, absolute=absolute)
        image = item.featured_image
        if image is not None and image.file:
            webp = [r for r in image.renditions_of("width") if "webp" in r["type"]]
            # The largest WebP rendition, else the original upload.
            best = max(webp, key=lambda r: r["width"], default=None) or {
                "url": image.file.url,
                "type": mimetypes.guess_type(image.file.name)[0] or "image/jpeg",
                "width": image.width,
                "height": image.height,
            }
            extra["image"] = {
                "url": absolute(best["url"]),
                "type": best["type"],
                "width": best["width"],
                "height": best["height"],
                "alt": image.alt_text,
                "credit": item.featured_credit,
            }
        return extra


class SectionFeed(StoryFeed):
    url_name = "articles:section_feed"

    def get_object(self, request, slug):
        return get_object_or_404(Section, slug=slug)

    def title(self, obj):
        return f"{obj.name} — {settings.SITE_NAME}"

    def about(self, obj):
        return obj.description or f"The latest {obj.name} stories."

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def stories(self, obj):
        return Article.objects.published().filter(section=obj)

    def listed_in(self, obj):
        return invalidation.section_tag(obj.pk)


class TagFeed(StoryFeed):
    url_name = "articles:tag_feed"

    def get_object(self, request, slug):
        if not is_slug(slug):
            raise Http404("No such topic.")
        tag = get_object_or_404(Tag, slug=slug)
        # A tag used only on unpublished stories does not exist for readers. (An
        # EXISTS from the tag's index: a join from the tag to its stories made
        # PostgreSQL read all 100,000 stories.)
        if not Article.objects.published().tagged(tag).exists():
            raise Http404("No such topic.")
        return tag

    def title(self, obj):
        return f"{obj.name} — {settings.SITE_NAME}"

    def about(self, obj):
        return f"Stories about {obj.name} from {settings.SITE_NAME}."

    def link(self, obj):
        return absolute(reverse("articles:tag", args=[obj.slug]))

    def stories(self, obj):
        return Article.objects.published().tagged(obj)

    def listed_in(self, obj):
        return invalidation.topic_tag(obj.pk)


class AuthorFeed(StoryFeed):
    url_name = "articles:author_feed"

    def get_object(self, request, slug):
        if not is_slug(slug):
            raise Http404("No such author.")
        # Like the author page: only bylines on published stories count.
        return get_object_or_404(
            Author.objects.filter(
                bylines__article__in=Article.objects.published()
            ).distinct(),
            slug=slug,
        )

    def title(self, obj):
        return f"{obj.name} — {settings.SITE_NAME}"

    def about(self, obj):
        return f"Stories by {obj.name}."

    def link(self, obj):
        return absolute(obj.get_absolute_url())

    def stories(self, obj):
        return Article.objects.published().bylined(author=obj)

    def listed_in(self, obj):
        return invalidation.author_tag(obj.pk)


def atom(feed_class):
    """The Atom twin of an RSS feed class."""
    return type(
        f"{feed_class.__name__}Atom",
        (feed_class,),
        {"feed_type": NewsAtomFeed, "url_name": f"{feed_class.url_name}_atom"},
    )


site_rss, site_atom = StoryFeed(), atom(StoryFeed)()
section_rss, section_atom = SectionFeed(), atom(SectionFeed)()
tag_rss, tag_atom = TagFeed(), atom(TagFeed)()
author_rss, author_atom = AuthorFeed(), atom(AuthorFeed)()
