"""Categories and tags → sections and tags. The first category of a post is its
section (sections here have no parents); further categories and its tags are tags.
Where WordPress's address for a category or tag page cannot be kept, the report
says so."""

import hashlib
import re
from urllib.parse import unquote

from django.contrib.contenttypes.models import ContentType
from django.urls import reverse
from django.utils.text import slugify
from taggit.models import Tag, TaggedItem

from articles.models import Article, Section
from wordpress.addresses import AddressChanges
from wordpress.report import ItemLog
from wordpress.survey import Category, plain_text
from wordpress.wxr import Item

# WordPress's default category says nothing about a story: never a section.
DEFAULT_CATEGORY = "uncategorized"
# A tag slug our tag pages answer to (articles.navigation.is_slug).
TAG_SLUG_OK = re.compile(r"[-\w]{1,100}")
# WordPress's default category base: /category/parent/child/.
CATEGORY_BASE = "/category/"


class TaxonomyImport:
    """A run's sections and tags, each looked up or created once."""

    def __init__(
        self,
        categories: dict[str, Category],
        addresses: AddressChanges,
        article_type: ContentType,
    ):
        self.categories = categories
        self.addresses = addresses
        self.article_type = article_type
        # Looked-up rows by WordPress key; forgotten when a post's transaction fails.
        self.sections: dict[str, Section] = {}
        self.tags: dict[str, Tag] = {}

    def forget(self) -> None:
        """The rows looked up so far may have been rolled back."""
        self.sections.clear()
        self.tags.clear()

    def section(self, item: Item, log: ItemLog) -> Section | None:
        categories = [
            (nicename, name)
            for domain, nicename, name in item.terms
            if domain == "category" and nicename != DEFAULT_CATEGORY
        ]
        if not categories:
            return None
        nicename, name = categories[0]
        category = self.categories.get(nicename) or Category(name=nicename)
        name = plain_text(name) or category.name
        slug = slugify(unquote(nicename))[:100] or slugify(name)[:100]
        if not slug:
            # Section URLs take ASCII slugs only; keep a stable one for this category.
            slug = "section-" + hashlib.sha1(nicename.encode()).hexdigest()[:8]
        section = self.sections.get(slug)
        if section is None:
            section = (
                Section.objects.filter(slug=slug).first()
                or Section.objects.filter(name=name[:100]).first()
            )
            if section is None:
                section = Section.objects.create(
                    name=name[:100], slug=slug, description=category.description
                )
                log.add("sections", "created", key=section.slug)
            elif category.description and not section.description:
                section.description = category.description
                section.save(update_fields=["description"])
                log.add("sections", "updated", key=section.slug)
            self.sections[slug] = section
            self._note_category(nicename, section, log)
        log.add("sections", "unchanged", key=section.slug)
        return section

    def _note_category(self, nicename: str, section: Section, log: ItemLog) -> None:
        """Say what a section cannot keep of its category: its parent, its address."""
        path, seen, current = [], set(), nicename
        while current and current not in seen:  # parent chain, loops guarded
            seen.add(current)
            path.insert(0, current)
            parent = self.categories.get(current)
            current = parent.parent if parent else ""
        if len(path) > 1:
            parent = self.categories.get(path[-2])
            log.note(
                "subcategory on WordPress: sections here have no parents, so it "
                "is a section of its own",
                f"{section.name} (under {parent.name if parent else path[-2]})",
            )
        # /category/…/<slug>/ redirects to the section of that slug (articles/urls.py).
        if unquote(path[-1]) != section.slug:
            old = CATEGORY_BASE + "/".join(path) + "/"
            self.addresses.term_addresses[old] = section.get_absolute_url()

    def tag_names(self, item: Item) -> dict[str, str]:
        """Tag name → its WordPress slug ('' for a further category: WordPress
        shows those at /category/…/, which no tag keeps)."""
        names: dict[str, str] = {}
        categories = 0
        for domain, nicename, name in item.terms:
            name = plain_text(name)[:100]
            if not name:
                continue
            if domain == "category" and nicename != DEFAULT_CATEGORY:
                categories += 1
                if categories == 1:
                    continue  # the first category is the section
                nicename = ""
            elif domain != "post_tag":
                continue
            names.setdefault(name, nicename)
        return names

    def set_tags(
        self, article: Article, names: dict[str, str], log: ItemLog, adding: bool
    ) -> None:
        """The story's tags become exactly these, written in bulk."""
        wanted = {}
        for name, wp_slug in names.items():
            tag = self.tags.get(name)
            if tag is None:
                tag = Tag.objects.filter(name=name).first()
                if tag is None:
                    tag = self._new_tag(name, unquote(wp_slug).strip())
                    log.add("tags", "created", key=name)
                self.tags[name] = tag
                if wp_slug and unquote(wp_slug) != tag.slug:
                    # Our tag pages are at the same /tag/<slug>/: a slug of its
                    # own here means the old link is a 404.
                    old = f"/tag/{wp_slug}/"
                    self.addresses.term_addresses[old] = reverse(
                        "articles:tag", args=[tag.slug]
                    )
            log.add("tags", "unchanged", key=name)
            wanted[tag.pk] = tag
        tagged = TaggedItem.objects.filter(
            content_type=self.article_type, object_id=article.pk
        )
        have = set() if adding else set(tagged.values_list("tag_id", flat=True))
        if have - wanted.keys():
            tagged.exclude(tag_id__in=list(wanted)).delete()
        TaggedItem.objects.bulk_create(
            [
                TaggedItem(
                    tag=tag, content_type=self.article_type, object_id=article.pk
                )
                for pk, tag in wanted.items()
                if pk not in have
            ]
        )

    def _new_tag(self, name: str, wp_slug: str) -> Tag:
        """A tag at WordPress's address for it, so old /tag/…/ links keep working,
        when our tag pages can answer to that slug and no other tag has it."""
        if (
            TAG_SLUG_OK.fullmatch(wp_slug)
            and not Tag.objects.filter(slug=wp_slug).exists()
        ):
            return Tag.objects.create(name=name, slug=wp_slug)
        return Tag.objects.create(name=name)  # taggit makes the slug
