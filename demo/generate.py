"""Newsroom-scale fake content for benchmarks and query-plan checks: stories with
sections, bylines, tags, quotes and corrections, and threaded comments, inserted in
bulk. The same seed and last day give the same content."""

import itertools
import random
import time
from datetime import UTC, date, datetime, timedelta
from typing import TextIO

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import F, Max
from django.utils.html import escape
from taggit.models import Tag, TaggedItem

from articles.models import (
    Article,
    Author,
    Byline,
    Correction,
    Quote,
    SearchEntry,
    Section,
    unique_slug,
)
from demo.vocabulary import (
    COMMENT_OPENERS,
    FIRST,
    LAST,
    OBJECTS,
    PLACES,
    SUBJECTS,
    TOPICS,
    VERBS,
    sentence,
)
from newsroom.pagecache import content_changed
from newsroom.progress import ProgressBar

BATCH = 2000
HOT_STORY_COMMENTS = 500
# Bounds: ten times what the benchmarks use (100,000 stories, 1,000,000 comments),
# and dates every datetime, database and comment timestamp can hold.
MAX_STORIES = 1_000_000
MAX_COMMENTS = 10_000_000
MAX_HOT_COMMENTS = 10_000
MAX_STORIES_PER_DAY = 10_000
FIRST_DAY = date(1970, 1, 1)
LAST_UNTIL = date(2999, 12, 31)
SECTIONS = [
    ("Politics", "politics"),
    ("World", "world"),
    ("Business", "business"),
    ("Science", "science"),
    ("Sport", "sport"),
    ("Culture", "culture"),
    ("Opinion", "opinion"),
    ("Local", "local"),
]


def _comment_status(roll: float) -> str:
    if roll < 0.9:
        return "approved"
    if roll < 0.95:
        return "pending"
    return "spam" if roll < 0.98 else "trash"


def _next_id(model) -> int:
    return (model.objects.aggregate(m=Max("pk"))["m"] or 0) + 1


def check_bounds(
    *,
    stories: int,
    comments: int,
    hot_comments: int | None,
    stories_per_day: int,
    until: date | None,
) -> None:
    """ValueError with a message for the user when the counts or dates are out of
    bounds: negative, over the limits, or dates no datetime or database holds."""
    if stories < 0 or comments < 0 or stories_per_day < 1:
        raise ValueError("Counts must be positive.")
    if hot_comments is not None and hot_comments < 0:
        raise ValueError("Counts must be positive.")
    for name, value, limit in [
        ("--stories", stories, MAX_STORIES),
        ("--comments", comments, MAX_COMMENTS),
        ("--hot-comments", hot_comments or 0, MAX_HOT_COMMENTS),
        ("--stories-per-day", stories_per_day, MAX_STORIES_PER_DAY),
    ]:
        if value > limit:
            raise ValueError(f"{name} is {value:,}; at most {limit:,}.")
    if until is not None and until > LAST_UNTIL:
        raise ValueError(f"--until {until} is too far ahead: at most {LAST_UNTIL}.")
    first_day = (until or date.today()) - timedelta(days=stories // stories_per_day + 1)
    if first_day < FIRST_DAY:
        raise ValueError(
            f"{stories:,} stories at {stories_per_day:,} a day before --until "
            f"would start before {FIRST_DAY}: choose a later --until, fewer "
            "stories or more per day."
        )


class ContentGenerator:
    """Stories published over the days up to `until`, and comments on them and on
    the published stories already here."""

    def __init__(
        self,
        *,
        seed: int,
        until: date,
        stories_per_day: int,
        hot_comments: int | None,
        stderr: TextIO,
        show: bool,
    ):
        self.rng = random.Random(seed)
        self.seed = seed
        self.end = datetime(until.year, until.month, until.day, 18, tzinfo=UTC)
        self.per_day = stories_per_day
        self.hot_comments = hot_comments
        self.stderr = stderr  # where the progress bars go
        self.show = show
        self.timings = {}
        self.comment_model = self._comment_model()

    def generate(self, stories: int, comments: int) -> tuple[int, int, float]:
        """Add them; returns how many stories and comments were made, and the
        seconds it took."""
        comment_model = self.comment_model
        if connection.vendor == "sqlite":
            # Index pages of a million-row table do not fit SQLite's default 2 MB
            # page cache; with 256 MB the inserts stay in memory until commit.
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA cache_size = -262144")
        started = time.monotonic()
        sections = self._sections()
        authors = self._authors(max(20, min(500, stories // 100)))
        tags = self._tags(max(200, min(2000, stories // 50)))
        # Plan comment counts first, so each story's comment_count is right at insert.
        planned = comments if comment_model is not None else 0
        new_ids, published = self._stories(stories, sections, authors, tags, planned)
        made = 0
        if comment_model is not None and comments:
            made = sum(len(statuses) for _, _, statuses, _ in published)
            self._comments(comment_model, published, made)
        self._reset_sequences(comment_model)
        self._analyze(comment_model)
        content_changed()
        return len(new_ids), made, time.monotonic() - started

    def _analyze(self, comment_model):
        """Fresh planner statistics, as after any bulk load: until autovacuum gets to
        them, PostgreSQL plans the new rows as an empty table (the article page's
        navigation query took 46 ms instead of 4 at 2,000 stories)."""
        started = time.monotonic()
        models = [Article, Byline, Quote, Correction, Tag, TaggedItem, SearchEntry]
        if comment_model is not None:
            models.append(comment_model)
        with connection.cursor() as cursor:
            for model in models:
                cursor.execute(
                    f"ANALYZE {connection.ops.quote_name(model._meta.db_table)}"
                )
        self.timings["analyze"] = time.monotonic() - started

    # -- reference data --------------------------------------------------------

    def _comment_model(self):
        if not apps.is_installed("comments"):
            return None
        try:
            return apps.get_model("comments", "Comment")
        except LookupError:
            return None

    def _sections(self):
        for position, (name, slug) in enumerate(SECTIONS):
            Section.objects.get_or_create(
                slug=slug, defaults={"name": name, "position": position}
            )
        return list(Section.objects.order_by("pk"))

    def _authors(self, count: int):
        rng = random.Random(self.seed + 1)
        wanted = []
        for i in range(count):
            name = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
            wanted.append(Author(name=name, slug=f"{unique_slug(name)}-{i + 1}"))
        Author.objects.bulk_create(wanted, ignore_conflicts=True)
        return list(Author.objects.filter(slug__in=[a.slug for a in wanted]))

    def _tags(self, count: int):
        # Real topics first, then "place subject" and "place object" story tags.
        combos = [
            " ".join(parts).lower()
            for parts in itertools.chain(
                itertools.product(PLACES, OBJECTS),
                itertools.product(PLACES, SUBJECTS),
                itertools.product(SUBJECTS, OBJECTS),
                itertools.product(PLACES, SUBJECTS, OBJECTS),
            )
        ]
        random.Random(self.seed + 2).shuffle(combos)
        names = list(dict.fromkeys([*TOPICS, *combos]))[:count]
        existing = set(
            Tag.objects.filter(name__in=names).values_list("name", flat=True)
        )
        taken = set(Tag.objects.values_list("slug", flat=True))
        new = []
        for name in names:
            if name in existing:
                continue
            slug = unique_slug(name, 100)
            while slug in taken:
                slug += "-x"
            taken.add(slug)
            new.append(Tag(name=name, slug=slug))
        Tag.objects.bulk_create(new, batch_size=BATCH)
        return list(Tag.objects.filter(name__in=names).order_by("pk"))

    # -- stories ---------------------------------------------------------------

    def _stories(self, count, sections, authors, tags, comment_total):
        rng = self.rng
        first_id = _next_id(Article)
        article_type = ContentType.objects.get_for_model(Article)
        # Stories already here (the demo seed story) are the "hot" ones: hundreds of
        # comments each, like a breaking story.
        published = []
        existing = list(Article.objects.published().values_list("pk", "published_at"))
        hot = min(HOT_STORY_COMMENTS, comment_total // 20)
        if self.hot_comments is not None:
            hot = self.hot_comments
        if existing and hot * len(existing) > comment_total // 2:
            hot = comment_total // (2 * len(existing))
        hot_rng = random.Random(self.seed + 5)
        for pk, published_at in existing:
            statuses = [_comment_status(hot_rng.random()) for _ in range(hot)]
            published.append((pk, published_at, statuses, True))
        plan = self._plan_comments(count, comment_total - hot * len(existing))
        progress = ProgressBar(self.stderr, label="stories", enabled=self.show)
        new_ids, carry = [], []
        # Popular tags are used far more than rare ones, as on a real site.
        tag_weights = [1 / (rank + 1) for rank in range(len(tags))]
        for start in range(0, count, BATCH):
            size = min(BATCH, count - start)
            articles, bylines, tagged, quotes, corrections = [], [], [], [], []
            for offset in range(size):
                n = start + offset
                pk = first_id + n
                published_at = self.end - timedelta(
                    minutes=n * 24 * 60 / self.per_day + rng.random() * 20
                )
                roll = rng.random()
                status = Article.Status.PUBLISHED
                if roll < 0.02:
                    status = Article.Status.DRAFT
                elif roll < 0.03:
                    status = Article.Status.REVIEW
                elif roll < 0.04:
                    published_at = self.end + timedelta(hours=1 + n % 48)
                headline = (
                    f"{rng.choice(PLACES).capitalize()} {rng.choice(SUBJECTS)} "
                    f"{rng.choice(VERBS)} {rng.choice(OBJECTS)}"
                )
                has_quote = rng.random() < 0.3
                paragraphs = [
                    f"<p>{escape(sentence(rng, rng.randint(12, 30)))}</p>"
                    for _ in range(rng.randint(4, 9))
                ]
                if has_quote:
                    paragraphs.insert(2, "<p>[quote 1]</p>")
                is_live = (
                    status == Article.Status.PUBLISHED and published_at <= self.end
                )
                # A draft's planned comments go to the next live story instead.
                statuses, carry = carry + plan.get(n, []), []
                if not is_live:
                    statuses, carry = [], statuses
                articles.append(
                    Article(
                        pk=pk,
                        headline=headline,
                        slug=f"{unique_slug(headline)}-{pk}",
                        standfirst=sentence(rng, rng.randint(10, 20)),
                        body="".join(paragraphs),
                        status=status,
                        published_at=published_at
                        if status == Article.Status.PUBLISHED
                        else None,
                        section=sections[n % len(sections)],
                        allow_comments=rng.random() > 0.05,
                        comment_count=statuses.count("approved"),
                    )
                )
                if is_live:
                    published.append((pk, published_at, statuses, False))
                for position, author in enumerate(
                    rng.sample(authors, k=rng.choice((1, 1, 1, 2, 2, 3)))
                ):
                    bylines.append(
                        Byline(article_id=pk, author=author, position=position)
                    )
                chosen = {
                    tag.pk: tag
                    for tag in rng.choices(
                        tags, weights=tag_weights, k=rng.randint(2, 5)
                    )
                }
                tagged.extend(
                    TaggedItem(tag_id=tag_pk, content_type=article_type, object_id=pk)
                    for tag_pk in chosen
                )
                if has_quote:
                    speaker = f"{rng.choice(FIRST)} {rng.choice(LAST)}"
                    quotes.append(
                        Quote(
                            article_id=pk,
                            number=1,
                            text=sentence(rng, rng.randint(8, 25)),
                            speaker=speaker,
                            speaker_slug=unique_slug(speaker, 150),
                            speaker_role=f"{rng.choice(SUBJECTS).capitalize()} spokesperson",
                            source_name="Press conference",
                            said_on=published_at.date(),
                        )
                    )
                if rng.random() < 0.01:
                    corrections.append(
                        Correction(
                            article_id=pk,
                            text="An earlier version of this story misspelt a name.",
                            noted_at=published_at + timedelta(hours=2),
                        )
                    )
                new_ids.append(pk)
            with transaction.atomic():
                Article.objects.bulk_create(articles, batch_size=500)
                Byline.objects.bulk_create(bylines, batch_size=BATCH)
                TaggedItem.objects.bulk_create(tagged, batch_size=BATCH)
                Quote.objects.bulk_create(quotes, batch_size=BATCH)
                Correction.objects.bulk_create(corrections, batch_size=BATCH)
                # bulk_create skips save(): index the new stories explicitly.
                SearchEntry.objects.rebuild([article.pk for article in articles])
            progress.update(start + size, count)
        self.timings["stories"] = progress.finish()
        return new_ids, published

    def _plan_comments(self, count: int, comment_total: int) -> dict:
        """story index -> the statuses of its comments, skewed like real traffic:
        a few stories draw most comments; 90% approved, the rest held or removed."""
        if not comment_total or not count:
            return {}
        rng = random.Random(self.seed + 3)
        weights = [1 / (1 + (i % 97)) for i in range(count)]
        scale = comment_total / sum(weights)
        sizes = [int(weight * scale) for weight in weights]
        for i in range(comment_total - sum(sizes)):  # rounding leftovers, spread
            sizes[i % count] += 1
        return {
            i: [_comment_status(rng.random()) for _ in range(n)]
            for i, n in enumerate(sizes)
            if n
        }

    # -- comments --------------------------------------------------------------

    def _comments(self, Comment, published, total):
        rng = random.Random(self.seed + 4)
        next_pk = _next_id(Comment)
        progress = ProgressBar(self.stderr, label="comments", enabled=self.show)
        done = 0
        buffer, existing_counts = [], {}
        for article_id, published_at, statuses, existing in published:
            if existing and statuses:
                existing_counts[article_id] = statuses.count("approved")
            thread = []  # (pk, depth) of this story's comments so far
            for i, status in enumerate(statuses):
                pk = next_pk
                next_pk += 1
                parent_id, depth = None, 1
                if thread and rng.random() < 0.4:
                    parent_id, parent_depth = rng.choice(thread[-30:])
                    if parent_depth < 5:
                        depth = parent_depth + 1
                    else:
                        parent_id = None
                thread.append((pk, depth))
                first, last = rng.choice(FIRST), rng.choice(LAST)
                opener = rng.choice(COMMENT_OPENERS)
                text = f"{opener} {sentence(rng, rng.randint(6, 40)).lower()}"
                values = {
                    "article_id": article_id,
                    "parent_id": parent_id,
                    "depth": depth,
                    "status": status,
                    "author_name": f"{first} {last}",
                    "author_email": f"{first}.{last}{pk % 997}@example.com".lower(),
                    "email_key": Comment.fold_email(
                        f"{first}.{last}{pk % 997}@example.com"
                    ),
                    "content": text,
                    "content_html": f"<p>{escape(text)}</p>",
                    "ip_address": f"10.{pk % 251}.{(pk // 251) % 251}.{pk % 7 + 1}",
                    "user_agent": "Mozilla/5.0 (generate_content)",
                    "created_at": published_at
                    + timedelta(minutes=5 + i * 7 + rng.random() * 5),
                    # Unique per comment, as the real one is, and increasing, so the
                    # unique index grows at its end instead of at random pages.
                    "fingerprint": f"generated-{pk:054d}",
                }
                buffer.append(Comment(pk=pk, **values))
                if len(buffer) >= BATCH:
                    self._flush(Comment, buffer)
                    done += len(buffer)
                    progress.update(done, total)
                    buffer = []
        if buffer:
            self._flush(Comment, buffer)
            progress.update(done + len(buffer), total)
        for article_id, approved in existing_counts.items():
            Article.objects.filter(pk=article_id).update(
                comment_count=F("comment_count") + approved
            )
        self.timings["comments"] = progress.finish()

    @staticmethod
    def _flush(Comment, rows):
        with transaction.atomic():
            Comment.objects.bulk_create(rows, batch_size=500)

    def _reset_sequences(self, comment_model):
        models = [Article, Author, Byline, Quote, Correction, Tag, TaggedItem]
        if comment_model is not None:
            models.append(comment_model)
        statements = connection.ops.sequence_reset_sql(no_style(), models)
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)
