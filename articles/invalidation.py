"""Which cached pages a write to a story makes stale (tags: newsroom/cachetags.py).

The tags the public pages show:

* ``story:<id>``: anything a story shows of itself: its page, its card on every list
  and feed. Every page that loads a story row shows it (Article.from_db), so no
  page can forget it.
* ``headline:<id>``: its link in other stories' navigation (previous/next, more in
  this section, related). A page that loads a story with only HEADLINE_FIELDS can
  show nothing else of it, so Article.from_db names this tag instead, and an edit
  that leaves those fields alone (the body, the standfirst, a picture) leaves the
  pages linking to the story cached.
* ``home``: which stories are listed, and in what order (home, archives, the
  site feed). ``section:<id>``, ``tag:<id>``, ``author:<id>``: the same for one
  section, topic or author (their pages and feeds; a story's "more in this
  section" and "related").
* ``nav:<id>``: the previous/next links of a story's page.
* ``comments:<id>``: a story's approved comments and their count: its page, its
  comment feed, and the count on its cards, which lists fill in each time they
  are served (articles/cards.py), so the lists themselves stay cached.

So an edit to a live story's body refreshes that story's page and the lists that
show its card, and a new headline the stories linking to it too; a comment approved refreshes the story's page (but not the story
itself: articles/fragments.py keeps it) and the count on its cards;
a publish refreshes, in addition, the lists it joins and its two neighbours. A
draft's edits refresh nothing: no public page shows a draft.
"""

from dataclasses import dataclass
from datetime import datetime

from newsroom.cachetags import SCHEDULE, SITE

HOME = "home"
COMMENTS = "comments"


def story_tag(story_id) -> str:
    return f"story:{story_id}"


def section_tag(section_id) -> str:
    return f"section:{section_id}"


def topic_tag(tag_id) -> str:
    return f"tag:{tag_id}"


def author_tag(author_id) -> str:
    return f"author:{author_id}"


def headline_tag(story_id) -> str:
    return f"headline:{story_id}"


# What a story's link in the navigation shows of it (articles/navigation.py loads
# exactly these): its headline, address, section and place in time.
HEADLINE_FIELDS = frozenset(
    {"id", "headline", "slug", "status", "published_at", "expires_at", "section_id"}
)


def shown_tag(story_id, field_names) -> str:
    """What a page shows of a story it loaded with these fields (Article.from_db)."""
    if len(field_names) <= len(HEADLINE_FIELDS) and HEADLINE_FIELDS.issuperset(
        field_names
    ):
        return headline_tag(story_id)
    return story_tag(story_id)


def headline_of(story) -> tuple | None:
    """The headline and slug as loaded (None when either is not: it may have
    changed)."""
    loaded = story.__dict__
    if "headline" not in loaded or "slug" not in loaded:
        return None
    return (loaded["headline"], loaded["slug"])


def nav_tag(story_id) -> str:
    return f"nav:{story_id}"


def comments_tag(story_id) -> str:
    return f"comments:{story_id}"


@dataclass(frozen=True)
class Listing:
    """Where a story stands in the public lists: a change moves it in or out."""

    published: bool
    published_at: datetime | None
    expires_at: datetime | None
    section_id: int | None

    @classmethod
    def of(cls, story) -> "Listing | None":
        """None when a field is not loaded (reading it would cost a query)."""
        loaded = story.__dict__
        names = ("status", "published_at", "expires_at", "section_id")
        if any(name not in loaded for name in names):
            return None
        return cls(
            published=loaded["status"] == "published",
            published_at=loaded["published_at"],
            expires_at=loaded["expires_at"],
            section_id=loaded["section_id"],
        )


# A story whose place in the lists before a write is not known (it was not loaded
# with those fields): every list may have shown it.
_UNKNOWN = "unknown"


def _shown(listing) -> bool:
    return listing == _UNKNOWN or (listing is not None and listing.published)


def story_written(story, *, deleted=False, created=False, **_) -> set[str] | None:
    if deleted:
        # The copy being deleted may be older than the row: assume any list.
        return {story_tag(story.pk), SITE}
    # Article.save() read the stored row's place (_listed_as) just before.
    before = None if created else (getattr(story, "_listed_as", None) or _UNKNOWN)
    after = Listing.of(story) or _UNKNOWN
    if not _shown(before) and not _shown(after):
        return None  # a draft or a story in review: on no public page
    tags = {story_tag(story.pk)}
    if before == after:
        # The same place in the same lists: its card and page; its links in the
        # navigation of other stories only for a new headline or address.
        stored = getattr(story, "_headline_as", None)
        if stored is None or stored != headline_of(story):
            tags.add(headline_tag(story.pk))
        return tags
    tags |= {headline_tag(story.pk), HOME, SCHEDULE}
    if _UNKNOWN in (before, after):  # every list may have shown it
        tags.add(SITE)
    for listing in (before, after):
        if isinstance(listing, Listing) and listing.section_id:
            tags.add(section_tag(listing.section_id))
    return tags | _membership_tags(story)


def _membership_tags(story) -> set[str]:
    """The lists a story is on besides home and its section, and the two stories
    whose previous/next link it becomes: four small queries, only when a story
    moves in or out of the lists."""
    tags = {
        author_tag(author_id)
        for author_id in story.bylines.values_list("author_id", flat=True)
    }
    tags |= {topic_tag(tag_id) for tag_id in story.tags.values_list("pk", flat=True)}
    if story.published_at:
        public = type(story).objects.published().exclude(pk=story.pk)
        earlier = public.filter(published_at__lte=story.published_at).order_by(
            "-published_at", "-pk"
        )
        later = public.filter(published_at__gte=story.published_at).order_by(
            "published_at", "pk"
        )
        for neighbours in (earlier, later):
            if neighbour := neighbours.values_list("pk", flat=True).first():
                tags.add(nav_tag(neighbour))
    return tags


def name_written(author_or_topic, *, created=False, **_) -> set[str] | None:
    """An author or topic is shown by name wherever a story of theirs is: renamed,
    every page may show it; new, no page does yet (a byline or tagging says when)."""
    return None if created else {SITE}


def part_written(part, **_) -> set[str]:
    """A quote, a correction: shown on its story's page."""
    return {story_tag(part.article_id)}


def byline_written(byline, **_) -> set[str]:
    return {story_tag(byline.article_id), author_tag(byline.author_id)}


def tagging_written(tagged_item, **_) -> set[str]:
    return {story_tag(tagged_item.object_id), topic_tag(tagged_item.tag_id)}


def tags_related(story, *, action, pk_set=None, reverse=False, **_) -> set[str]:
    """story.tags.add()/remove()/set()/clear() (taggit sends m2m_changed)."""
    if reverse or pk_set is None:  # from the tag's side, or a clear(): all lists
        return {SITE}
    return {story_tag(story.pk), *(topic_tag(pk) for pk in pk_set)}


def authors_related(story, *, action, pk_set=None, reverse=False, **_) -> set[str]:
    if reverse or pk_set is None:
        return {SITE}
    return {story_tag(story.pk), *(author_tag(pk) for pk in pk_set)}


def comments_changed(story_id) -> set[str]:
    """A story's public comments changed: its page, its count on the cards that
    show it, and the site's comment feed."""
    return {comments_tag(story_id), COMMENTS}


def card_tags(stories) -> set[str]:
    """What a list's items show besides each story itself: its comment count (the
    API's lists; the HTML lists fill it in when served, articles/cards.py)."""
    return {comments_tag(story.pk) for story in stories}


def story_page_tags(story) -> set[str]:
    """A story's page: the story and its comments, its previous/next links, the
    latest in its section and its related stories (by topic). `story.tags` is
    prefetched."""
    return story_part_tags(story) | {comments_tag(story.pk)}


def story_part_tags(story) -> set[str]:
    """Everything on a story's page but its comments (articles/fragments.py)."""
    tag_ids = [tag.pk for tag in story.tags.all()]
    return {story_tag(story.pk), SITE} | story_navigation_tags(story, tag_ids)


def story_navigation_tags(story, tag_ids) -> set[str]:
    """Which stories a story's page links to (related, previous/next, more in its
    section); each link's own text is its headline tag."""
    tags = {nav_tag(story.pk)} | {topic_tag(pk) for pk in tag_ids}
    if story.section_id:
        tags.add(section_tag(story.section_id))
    return tags
