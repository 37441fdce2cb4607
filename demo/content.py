"""Demo content: the seed story, reproduced faithfully, and a few fictional stories.

The seed story's text is read from seed_article.txt (a copy of the story as it
appeared on the WordPress site it came from) so that every character, curly
quote and non-breaking space is kept exactly.
"""

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from django.utils.html import escape

from demo.pictures import RIVERSIDE_GALLERY, DemoPicture

DEMO_DIR = Path(__file__).resolve().parent
SEED_TEXT = DEMO_DIR / "seed_article.txt"
SEED_IMAGE = DEMO_DIR / "kremlin-storm.jpg"
SEED_IMAGE_ALT = "putin"
NBC_NEWS_URL = "https://www.nbcnews.com/"
KREMLIN_URL = "http://en.kremlin.ru/events/president/news"
KASPAROV_URL = "https://twitter.com/Kasparov63"
# The Blender Foundation's own upload of its open film Big Buck Bunny.
JAZZ_VIDEO_URL = "https://www.youtube.com/watch?v=aqz-KE-bpKQ"

SECTIONS = [
    ("Politics", "politics", "Elections, government and the people in power."),
    ("World", "world", "News from every continent."),
    ("Local", "local", "Harbour Town and the valley: councils, schools, streets."),
    ("Science", "science", "Discoveries, research and the natural world."),
    ("Culture", "culture", "Books, music, film and the arts."),
]


@dataclass
class DemoQuote:
    number: int
    text: str
    speaker: str
    speaker_role: str = ""
    source_name: str = ""
    source_url: str = ""
    said_on: dt.date | None = None
    kind: str = "statement"


@dataclass
class DemoStory:
    headline: str
    slug: str
    section: str
    published_at: dt.datetime
    standfirst: str
    body: str
    authors: list[tuple[str, str]]
    tags: list[str]
    quotes: list[DemoQuote] = field(default_factory=list)
    image: Path | None = None
    image_alt: str = ""
    image_caption: str = ""
    image_credit: str = ""
    status: str = "published"
    # Pictures for the body, placed where it says GALLERY (load_demo adds them to
    # the library and writes their figures: several in a row are a gallery).
    gallery: list[DemoPicture] = field(default_factory=list)


GALLERY = "<p>[gallery]</p>"


def _paragraphs(text: str) -> list[str]:
    return [block.strip("\n") for block in text.split("\n\n") if block.strip()]


def seed_story() -> DemoStory:
    """The story that started the project, built from its original text."""
    lines = SEED_TEXT.read_text(encoding="utf-8")
    headline, *blocks = _paragraphs(lines)
    # The page ends with WordPress's comment form; that is the comments app's job.
    blocks = blocks[: blocks.index("Leave a Reply")]
    # The copied text begins with the image's alt text glued to the first word.
    intro = blocks[0].removeprefix(SEED_IMAGE_ALT)
    statement_intro, *statement, campaign, clinton, kasparov = blocks[1:]
    intro_html = escape(intro).replace(
        "According to NBC News",
        f'According to <a href="{NBC_NEWS_URL}">NBC News</a>',
    )
    body = "".join(
        [
            f"<p>{intro_html}</p>",
            f"<p>{escape(statement_intro)}</p>",
            "<p>[quote 1]</p>",
            f"<p>{escape(campaign)}</p>",
            f"<p>{escape(clinton)}</p>",
            f"<p>{escape(kasparov)}</p>",
            "<p>[quote 2]</p>",
        ]
    )
    return DemoStory(
        headline=headline,
        slug="vladimir-putin-congratules-trump-on-his-shocking-win",
        section="politics",
        published_at=dt.datetime(2016, 11, 9, 18, 30, tzinfo=dt.UTC),
        standfirst="Russia’s president sent the President-elect a telegram hoping to lift "
        "relations out of “the current crisis”.",
        body=body,
        authors=[("Newsroom Staff", "")],
        tags=[
            "Vladimir Putin",
            "Donald Trump",
            "Russia",
            "Election 2016",
            "Garry Kasparov",
        ],
        quotes=[
            DemoQuote(
                number=1,
                text="\n\n".join(statement),
                speaker="Vladimir Putin",
                speaker_role="President of Russia",
                source_name="Kremlin press release",
                source_url=KREMLIN_URL,
                said_on=dt.date(2016, 11, 9),
                kind="statement",
            ),
            DemoQuote(
                number=2,
                text="Winter Is Here",
                speaker="Garry Kasparov",
                speaker_role="Former world chess champion",
                source_name="Twitter (@Kasparov63)",
                source_url=KASPAROV_URL,
                said_on=dt.date(2016, 11, 9),
                kind="tweet",
            ),
        ],
        image=SEED_IMAGE,
        image_alt=SEED_IMAGE_ALT,
        image_caption="The Kremlin under a stormy sky. (Illustration.)",
        image_credit="Newsroom illustration",
    )


def _at(days_ago: int, hour: int) -> dt.datetime:
    today = dt.datetime.now(dt.UTC).replace(
        hour=hour, minute=0, second=0, microsecond=0
    )
    return today - dt.timedelta(days=days_ago)


def fictional_stories() -> list[DemoStory]:
    """Invented stories about the invented Harbour Town, so lists are not empty."""
    return [
        DemoStory(
            headline="Harbour Town council approves riverside cycle path after five-hour debate",
            slug="harbour-town-council-approves-riverside-cycle-path",
            section="local",
            published_at=_at(1, 9),
            standfirst="The two-mile route will link the old ferry terminal to the railway "
            "station by next summer. (This is a fictional demo story.)",
            body="<p>Councillors in the fictional Harbour Town voted 9–4 on Tuesday night "
            "to build a protected cycle path along the east bank of the river.</p>"
            "<p>[quote 1]</p>"
            "<p>Opponents said the loss of 40 parking spaces on Quay Street would hurt "
            "shops. The council promised a review after twelve months.</p>"
            f"<h2>Along the route</h2>{GALLERY}"
            "<h2>What happens next</h2><ul><li>Surveys begin in March.</li>"
            "<li>Construction is due to start in June.</li></ul>",
            authors=[("Mara Lindqvist", "Local government reporter")],
            tags=["Harbour Town", "Transport", "Cycling"],
            gallery=RIVERSIDE_GALLERY,
            quotes=[
                DemoQuote(
                    1,
                    "This is the most-requested project of the decade. People have waited "
                    "long enough.",
                    "Ada Okafor",
                    "Council leader",
                    "Council meeting",
                    kind="statement",
                )
            ],
        ),
        DemoStory(
            headline="Library to open on Sundays for the first time in its 120-year history",
            slug="library-to-open-on-sundays",
            section="local",
            published_at=_at(2, 14),
            standfirst="Volunteers will staff the reading room from noon to five. "
            "(A fictional demo story.)",
            body="<p>The Harbour Town public library will open on Sundays from next month, "
            "after a petition gathered more than 3,000 signatures.</p>"
            "<p>The chief librarian said the change costs nothing extra because a group of "
            "retired teachers offered to staff the reading room.</p>",
            authors=[("Mara Lindqvist", "Local government reporter")],
            tags=["Harbour Town", "Libraries"],
        ),
        DemoStory(
            headline="Astronomers in the valley spot a comet visible to the naked eye",
            slug="astronomers-spot-comet-visible-to-naked-eye",
            section="science",
            published_at=_at(3, 20),
            standfirst="Look low in the north-west an hour after sunset this week. "
            "(A fictional demo story.)",
            body="<p>Amateur astronomers at the Harbour Town observatory have confirmed a "
            "comet bright enough to see without binoculars.</p>"
            "<p>[quote 1]</p><p>Clear skies are forecast until Friday.</p>",
            authors=[("Tomás Reyes", "Science editor"), ("Priya Natarajan", "")],
            tags=["Astronomy", "Harbour Town"],
            quotes=[
                DemoQuote(
                    1,
                    "You only get a handful of these in a lifetime. Go outside and look up.",
                    "Helen Marsh",
                    "Observatory director",
                    "Interview with the Newsroom",
                    kind="interview",
                )
            ],
        ),
        DemoStory(
            headline="Election night: what to watch for as polls close across the region",
            slug="election-night-what-to-watch",
            section="politics",
            published_at=_at(4, 7),
            standfirst="Turnout, the suburbs and three seats that could decide the council. "
            "(A fictional demo story.)",
            body="<p>Polls close at 10pm. Here is our guide to the night in the fictional "
            "Harbour Valley.</p><h2>Turnout</h2><p>Early voting was up by a fifth on the "
            "last election.</p><h2>The suburbs</h2><p>Three wards changed hands last time "
            "by fewer than 200 votes.</p>",
            authors=[("Newsroom Staff", "")],
            tags=["Election 2016", "Harbour Town"],
        ),
        DemoStory(
            headline="Jazz festival returns to the harbour with a free opening night",
            slug="jazz-festival-returns-to-the-harbour",
            section="culture",
            published_at=_at(5, 16),
            standfirst="Forty bands, six stages and a parade on the quay. "
            "(A fictional demo story.)",
            body="<p>The Harbour Jazz Festival is back for its 30th year, opening with a "
            "free concert on the quay.</p>"
            # A video embed (articles/embeds.py): a facade until the reader loads it.
            f'<figure data-embed="{JAZZ_VIDEO_URL}"><figcaption>The festival trailer. '
            "(Demo video: Big Buck Bunny, © Blender Foundation, CC BY 3.0.)"
            "</figcaption></figure>"
            "<p>Tickets for the weekend go on sale on Monday.</p>",
            authors=[("Priya Natarajan", "Arts correspondent")],
            tags=["Music", "Harbour Town"],
        ),
        DemoStory(
            headline="Ferry operators agree cross-border timetable after talks",
            slug="ferry-operators-agree-cross-border-timetable",
            section="world",
            published_at=_at(6, 11),
            standfirst="Sailings every two hours from spring. (A fictional demo story.)",
            body="<p>Ferry companies on both sides of the strait signed a shared timetable "
            "on Thursday, ending a year of disputes over landing slots.</p>",
            authors=[("Tomás Reyes", "")],
            tags=["Transport"],
        ),
    ]
