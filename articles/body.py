"""A story's body as readers see it: the one place the stored HTML is turned
into the page's (and the feeds') markup.

The stored body is sanitised HTML (articles/sanitize.py) with two kinds of
placeholders the editor's buttons write (static/js/body-figures.js):

- ``<figure data-image="123" data-size="inline|wide|full" data-caption="…"
  data-credit="…"></figure>``: a picture from the image library. On the page a
  <figure> with its <picture> (srcset, sizes, width/height, lazy), and its caption
  and credit (the figure's own, else the library's); several in a row make a
  gallery. An image deleted or never there renders nothing.
- ``<p>[quote N]</p>``: quote N of the story (`quote_html()`).

All of a body's images load in one query (`images_for()`), a feed's in one query
for every story (`attach_images()`).
"""

import re
from dataclasses import dataclass
from html import escape

from django.template.defaultfilters import date, linebreaks_filter
from django.utils.formats import localize
from django.utils.safestring import SafeString, mark_safe

from articles import embeds
from articles.sanitize import ATTRIBUTES_PATTERN, FIGURE_SIZES, attributes
from images.models import Image
from newsroom.reversing import remembered_reverse

# A paragraph holding only "[quote N]" is where quote N of the story is placed.
QUOTE_PLACEHOLDER = re.compile(r"<p>\s*\[quote\s+(\d+)\]\s*</p>", re.IGNORECASE)
FIGURE = re.compile(r"<figure" + ATTRIBUTES_PATTERN + r">(?P<inner>.*?)</figure>", re.S)
_IMAGE_ID = re.compile(r"<figure\b[^>]*?\sdata-image=\"(\d{1,18})\"")

# The most pictures a story may place (Article.clean): the page's weight, not the
# query (one query whatever the number).
MAX_IMAGES = 100
# The first picture loads at once when it starts this close to the top of a story
# without a featured image (it is in the first screen); the rest load lazily.
EAGER_WITHIN = 600

# What each size takes on the page (static/css/site.css: the text column is 40rem,
# the story 48rem, the page 72rem).
SIZES = {
    "inline": "(min-width: 42rem) 40rem, 100vw",
    "wide": "(min-width: 50rem) 48rem, 100vw",
    "full": "(min-width: 72rem) 70rem, 100vw",
}
GALLERY_SIZES = "(min-width: 42rem) 20rem, 50vw"
_ATTR_CACHE = "_body_images"


@dataclass(frozen=True)
class Placed:
    """One library figure of a body, as stored."""

    image_id: int
    size: str
    caption: str
    credit: str
    start: int
    end: int


def placed_figures(html: str) -> list[Placed]:
    """The library figures of a body, in order (others are left alone)."""
    found = []
    if "data-image" not in (html or ""):
        return found
    for match in FIGURE.finditer(html):
        attrs = attributes(match["attrs"])
        raw_id = attrs.get("data-image", "")
        if not (raw_id.isascii() and raw_id.isdigit() and len(raw_id) <= 18):
            continue
        size = attrs.get("data-size", "")
        found.append(
            Placed(
                image_id=int(raw_id),
                size=size if size in FIGURE_SIZES else "inline",
                caption=attrs.get("data-caption", "").strip(),
                credit=attrs.get("data-credit", "").strip(),
                start=match.start(),
                end=match.end(),
            )
        )
    return found


def image_ids(html: str) -> list[int]:
    """The library image ids a body places, each once, in order."""
    return list(dict.fromkeys(int(n) for n in _IMAGE_ID.findall(html or "")))


def attach_images(articles) -> None:
    """Load the pictures of these stories' bodies in one query (none when no
    body places one) and keep them on each story for images_for()."""
    wanted = {article.pk: image_ids(article.body) for article in articles}
    every_id = {i for ids in wanted.values() for i in ids}
    found = (
        {
            image.pk: image
            for image in Image.objects.filter(pk__in=every_id)
            .only(
                "id",
                "file",
                "alt_text",
                "caption",
                "credit",
                "width",
                "height",
                "renditions",
            )
            .order_by()
        }
        if every_id
        else {}
    )
    for article in articles:
        article.__dict__[_ATTR_CACHE] = {
            i: found[i] for i in wanted[article.pk] if i in found and found[i].file
        }


def images_for(article) -> dict[int, Image]:
    """{id: Image} of the library images the body places that exist (one query,
    then kept on the story)."""
    if _ATTR_CACHE not in article.__dict__:
        attach_images([article])
    return article.__dict__[_ATTR_CACHE]


def credits(placed: Placed, image: Image) -> tuple[str, str]:
    """The figure's own caption and credit, else the library image's."""
    return placed.caption or image.caption, placed.credit or image.credit


# --- Rendering ------------------------------------------------------------------


# Figures are written with f-strings and html.escape (every value escaped, quotes
# included): a body may hold dozens, and format_html() cost ~0.1 ms each here.


def _figcaption(caption: str, credit: str) -> str:
    if not caption and not credit:
        return ""
    credit_html = f' <span class="credit">{escape(credit)}</span>' if credit else ""
    return f"<figcaption>{escape(caption)}{credit_html}</figcaption>"


def _dimensions(picture: dict) -> str:
    if not picture["width"]:
        return ""
    return f' width="{int(picture["width"])}" height="{int(picture["height"])}"'


def _picture(image: Image, sizes: str, loading: str) -> str:
    """What templates/images/_picture.html writes (WebP first, the original's
    format as the fallback), in Python."""
    picture = image.picture("width", sizes)
    sizes = escape(sizes)
    sources = "".join(
        f'<source type="{escape(source["type"])}" srcset="{escape(source["srcset"])}"'
        f' sizes="{sizes}">'
        for source in picture["sources"]
    )
    return (
        f'<picture>{sources}<img src="{escape(picture["src"])}"{_dimensions(picture)}'
        f' alt="{escape(picture["alt"])}" loading="{loading}" decoding="async">'
        "</picture>"
    )


def _figure(placed: Placed, image: Image, *, sizes: str, css: str, loading: str):
    return (
        f'<figure class="{css}">{_picture(image, sizes, loading)}'
        f"{_figcaption(*credits(placed, image))}</figure>"
    )


def _feed_figure(placed: Placed, image: Image, absolute) -> str:
    """A plain <img> with an absolute URL: feed readers show no <picture>."""
    picture = image.picture("width")
    return (
        f'<figure><img src="{escape(absolute(picture["src"]))}"'
        f'{_dimensions(picture)} alt="{escape(picture["alt"])}">'
        f"{_figcaption(*credits(placed, image))}</figure>"
    )


def _runs(figures: list[Placed], html: str) -> list[list[Placed]]:
    """Figures next to each other (nothing but white space between) form a run."""
    runs: list[list[Placed]] = []
    for placed in figures:
        if runs and not html[runs[-1][-1].end : placed.start].strip():
            runs[-1].append(placed)
        else:
            runs.append([placed])
    return runs


def _place_images(article, html: str, *, absolute) -> str:
    figures = placed_figures(html)
    if not figures:
        return html
    images = images_for(article)
    feed = absolute is not None
    eager_left = 0 if feed or article.featured_image_id else 1
    out, position = [], 0
    for run in _runs(figures, html):
        shown = [(p, images[p.image_id]) for p in run if p.image_id in images]
        out.append(html[position : run[0].start])
        position = run[-1].end
        if not shown:
            continue  # deleted or never there: nothing, not an empty frame
        loading = "lazy"
        if eager_left and run[0].start < EAGER_WITHIN:
            loading, eager_left = "eager", 0
        if feed:
            out.extend(_feed_figure(p, image, absolute) for p, image in shown)
        elif len(shown) == 1:
            placed, image = shown[0]
            css = f"body-image body-image--{placed.size}"
            out.append(
                _figure(
                    placed, image, sizes=SIZES[placed.size], css=css, loading=loading
                )
            )
        else:
            # A gallery is as wide as its widest picture asks.
            width = max((p.size for p, _ in shown), key=FIGURE_SIZES.index)
            items = "".join(
                _figure(
                    p,
                    image,
                    sizes=GALLERY_SIZES,
                    css="gallery__item",
                    loading=loading if n == 0 else "lazy",
                )
                for n, (p, image) in enumerate(shown)
            )
            out.append(
                f'<div class="gallery gallery--{width}" role="group" '
                f'aria-label="Gallery: {len(shown)} pictures">{items}</div>'
            )
    out.append(html[position:])
    return "".join(out)


# A quote is written as the figures are, in Python with every value escaped (the
# template engine spent ~0.15 ms a quote); its text goes through the linebreaks
# filter and its day through the date filter, as in the template this replaces.
def quote_html(quote) -> str:
    """A quote as the body places it: text, speaker (linked to everything they
    said), role, source and day."""
    cite = f' cite="{escape(quote.source_url)}"' if quote.source_url else ""
    speaker = escape(quote.speaker)
    role = ""
    if quote.speaker_role:
        role = f', <span class="quote__role">{escape(quote.speaker_role)}</span>'
    source = ""
    if quote.source_url:
        name = quote.source_name or quote.get_kind_display()
        source = (
            f' —\n    <cite><a href="{escape(quote.source_url)}" '
            f'rel="noopener noreferrer external">{escape(name)}</a></cite>'
        )
    elif quote.source_name:
        source = f" —\n    <cite>{escape(quote.source_name)}</cite>"
    said_on = ""
    if quote.said_on:
        said_on = (
            f', <time datetime="{escape(date(quote.said_on, "Y-m-d"))}">'
            f"{escape(date(quote.said_on, 'j F Y'))}</time>"
        )
    address = escape(remembered_reverse("articles:speaker", quote.speaker_slug))
    return (
        f'<figure class="quote quote--{escape(quote.kind)}" '
        f'id="quote-{escape(localize(quote.number))}">\n'
        f"  <blockquote{cite}>\n"
        f"    {linebreaks_filter(quote.text, autoescape=True)}\n"
        "  </blockquote>\n"
        "  <figcaption>\n"
        f'    <a class="quote__speaker" href="{address}" '
        f'title="Everything {speaker} said in our stories">{speaker}</a>'
        f"{role}{source}{said_on}\n"
        "  </figcaption>\n"
        "</figure>\n"
    )


def _place_quotes(article, html: str) -> str:
    if "[quote" not in html.lower():
        return html
    quotes = {quote.number: quote for quote in article.quotes.all()}

    def replace(match):
        quote = quotes.get(int(match.group(1)))
        return quote_html(quote) if quote is not None else ""

    return QUOTE_PLACEHOLDER.sub(replace, html)


def render(article, *, absolute=None) -> SafeString:
    """The story's body for its page, quotes and pictures placed; for a feed item
    give `absolute` (url → absolute URL): plain <img>s with absolute addresses.
    The body was sanitised on save; everything added here is escaped."""
    html = article.body or ""
    html = _place_images(article, html, absolute=absolute)
    html = _place_quotes(article, html)
    # Embeds: a facade that asks the other site for nothing until a click; in a
    # feed, a plain link (articles/embeds.py).
    html = embeds.as_links(html) if absolute else embeds.as_facades(html)
    return mark_safe(html)
