"""Turn a WordPress post body into our story body and its embedded quotes.

WordPress stores two kinds of body: block-editor markup (HTML between
`<!-- wp:… -->` comments, paragraphs already in `<p>`) and classic-editor text
(paragraphs separated by blank lines, which WordPress's `wpautop` turns into
`<p>` when it renders the page). Both end up as clean HTML through our one
sanitiser. Every attributed `<blockquote>` and every embedded tweet becomes a
`Quote` placed where it stood by a `<p>[quote N]</p>` paragraph, exactly as an
editor would place it here.
"""

import html
import json
import re
from dataclasses import dataclass, field
from datetime import date, datetime
from html.parser import HTMLParser

from articles.sanitize import sanitize_stored_body

TWEET_URL = re.compile(
    r"https?://(?:www\.|mobile\.)?(?P<site>twitter\.com|x\.com)/(?P<handle>\w{1,15})"
    r"/status(?:es)?/(?P<id>\d+)[^\s\"'<>]*",
    re.IGNORECASE,
)
# A profile link (some embeds link the date to the account, not the status).
TWEET_PROFILE = re.compile(
    r"https?://(?:www\.|mobile\.)?(?P<site>twitter\.com|x\.com)/(?P<handle>\w{1,15})"
    r"/?(?:\?[^\s\"'<>]*)?",
    re.IGNORECASE,
)
EMBED_BLOCK = re.compile(
    r"<!--\s*wp:(?:core-)?embed(?:/[\w-]+)?\s*(?P<attrs>\{[\s\S]*?\})?\s*(?<!/)-->"
    r"(?P<inner>[\s\S]*?)<!--\s*/wp:(?:core-)?embed(?:/[\w-]+)?\s*-->"
)
EMBED_SHORTCODE = re.compile(r"\[embed[^\]]*\]\s*(?P<url>[^\s\[]+)\s*\[/embed\]")
CAPTION_SHORTCODE = re.compile(
    r"\[caption[^\]]*\]\s*(?P<media>(?:<a\b[^>]*>\s*)?<img\b[^>]*>(?:\s*</a>)?)"
    r"(?P<caption>[\s\S]*?)\[/caption\]",
    re.IGNORECASE,
)
MEDIA_SHORTCODE = re.compile(
    r"\[(gallery|audio|video|playlist)\b[^\]]*\](?:[\s\S]*?\[/\1\])?"
)
# A URL alone on its line: WordPress turns it into an embed when it renders.
BARE_URL_LINE = re.compile(r"^[ \t]*(https?://[^\s<>\"]+)[ \t]*$", re.MULTILINE)
HTML_COMMENT = re.compile(r"<!--[\s\S]*?-->")
BLOCKQUOTE_TAG = re.compile(r"<(/?)blockquote\b[^>]*>", re.IGNORECASE)
DASH_LINE = re.compile(r"^\s*(?:—|–|―|--|-\s|~)\s*(?P<who>\S.*?)\s*$")
HANDLE_IN_PARENS = re.compile(r"\s*\(@(?P<handle>\w{1,15})\)\s*$")
PRE_BLOCK = re.compile(r"<pre\b[\s\S]*?</pre>", re.IGNORECASE)
# Tags after which WordPress's wpautop does not open a paragraph.
BLOCK_TAGS = (
    "table|thead|tfoot|caption|col|colgroup|tbody|tr|td|th|div|dl|dd|dt|ul|ol|li|"
    "pre|form|map|area|blockquote|address|math|style|p|h[1-6]|hr|fieldset|legend|"
    "section|article|aside|hgroup|header|footer|nav|figure|figcaption|details|menu|"
    "summary|iframe|script|noscript"
)
BLOCK_OPEN = re.compile(rf"(<(?:{BLOCK_TAGS})\b[^>]*>)", re.IGNORECASE)
BLOCK_CLOSE = re.compile(rf"(</(?:{BLOCK_TAGS})>)", re.IGNORECASE)
STARTS_WITH_BLOCK = re.compile(rf"^</?(?:{BLOCK_TAGS})\b", re.IGNORECASE)
TOKEN = "[[wordpress-quote:{}]]"
TOKEN_PARAGRAPH = re.compile(r"(?:<p>\s*)?\[\[wordpress-quote:(\d+)\]\](?:\s*</p>)?")
# A pullquote's <figure> around a quote that became a token: the wrapper goes too.
FIGURE_AROUND_TOKEN = re.compile(
    r"<figure\b[^>]*>\s*(\[\[wordpress-quote:\d+\]\])\s*</figure>", re.IGNORECASE
)
# Lower-case words that may sit inside a person's name ("Charles de Gaulle").
NAME_PARTICLES = {
    "de",
    "da",
    "di",
    "du",
    "van",
    "von",
    "der",
    "den",
    "la",
    "le",
    "bin",
    "al",
    "y",
}


@dataclass
class QuoteData:
    text: str
    speaker: str = ""
    speaker_role: str = ""
    source_name: str = ""
    source_url: str = ""
    said_on: date | None = None
    kind: str = "statement"
    number: int = 0


@dataclass
class Body:
    html: str
    quotes: list[QuoteData] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def is_block_markup(raw: str) -> bool:
    return "<!-- wp:" in raw


def convert_body(raw: str) -> Body:
    """WordPress post HTML → (clean body with [quote N] paragraphs, quotes, notes)."""
    raw = (raw or "").replace("\r\n", "\n").replace("\r", "\n")
    converter = _Converter()
    blocks = is_block_markup(raw)
    text = EMBED_BLOCK.sub(converter.embed_block, raw)
    text = HTML_COMMENT.sub("", text)  # block delimiters, <!--more-->, <!--nextpage-->
    text = EMBED_SHORTCODE.sub(lambda m: converter.embed_url(m.group("url")), text)
    text = CAPTION_SHORTCODE.sub(_caption_figure, text)
    text = MEDIA_SHORTCODE.sub(converter.media_shortcode, text)
    if not blocks:
        text = BARE_URL_LINE.sub(converter.bare_url, text)
    text = converter.blockquotes(text, autop=not blocks)
    text = FIGURE_AROUND_TOKEN.sub(r"\n\n\1\n\n", text)
    if not blocks:
        text = autop(text)
    # Number the quotes in reading order and put each in its own paragraph.
    quotes: list[QuoteData] = []

    def place(match):
        quote = converter.found[int(match.group(1))]
        quotes.append(quote)
        quote.number = len(quotes)
        return f"\n<p>[quote {quote.number}]</p>\n"

    text = TOKEN_PARAGRAPH.sub(place, text)
    clean = re.sub(r"\n\s*\n+", "\n", sanitize_stored_body(text)).strip()
    return Body(html=clean, quotes=quotes, notes=converter.notes)


class _Converter:
    def __init__(self):
        self.found: list[QuoteData] = []
        self.notes: list[str] = []

    def token(self, quote: QuoteData) -> str:
        self.found.append(quote)
        return f"\n\n{TOKEN.format(len(self.found) - 1)}\n\n"

    def embed_url(self, url: str) -> str:
        url = html.unescape(url.strip())
        tweet = TWEET_URL.fullmatch(url)
        if tweet:
            self.notes.append(
                "tweet embed without its text: the link is kept as the quote"
            )
            return self.token(
                QuoteData(
                    text=_tweet_url(tweet),
                    speaker=f"@{tweet.group('handle')}",
                    source_name=_tweet_source(tweet),
                    source_url=_tweet_url(tweet),
                    kind="tweet",
                )
            )
        if url.startswith(("http://", "https://")):
            safe = html.escape(url)
            return f'\n\n<p><a href="{safe}">{safe}</a></p>\n\n'
        return ""

    def embed_block(self, match) -> str:
        url = ""
        try:
            url = json.loads(match.group("attrs") or "{}").get("url", "")
        except (ValueError, AttributeError):
            url = ""
        inner = match.group("inner")
        if "<blockquote" in inner.lower():
            # An embed block that kept the provider's HTML (a tweet's blockquote).
            return inner
        if not url:
            found = re.search(r"https?://[^\s<>\"]+", inner)
            url = found.group(0) if found else ""
        return self.embed_url(url)

    def bare_url(self, match) -> str:
        url = match.group(1)
        if TWEET_URL.fullmatch(url):
            return self.embed_url(url)
        return match.group(0)

    def media_shortcode(self, match) -> str:
        self.notes.append(f"[{match.group(1)}] shortcode removed")
        return ""

    def blockquotes(self, text: str, autop: bool) -> str:
        """Replace each outermost <blockquote> by a quote token, or keep it in the body
        (with its paragraphs) when it names nobody."""
        out, depth, start, cursor = [], 0, 0, 0
        for tag in BLOCKQUOTE_TAG.finditer(text):
            if tag.group(1):  # closing
                if depth == 0:
                    continue
                depth -= 1
                if depth == 0:
                    out.append(text[cursor:start])
                    out.append(self.blockquote(text[start : tag.end()], autop))
                    cursor = tag.end()
            else:
                if depth == 0:
                    start = tag.start()
                depth += 1
        out.append(text[cursor:])
        return "".join(out)

    def blockquote(self, element: str, autop_inside: bool) -> str:
        opening = BLOCKQUOTE_TAG.match(element)
        inner = element[opening.end() : -len("</blockquote>")]
        reader = _QuoteReader()
        reader.feed(inner)
        reader.close()
        lines = reader.lines()
        is_tweet = "twitter-tweet" in opening.group(0) or any(
            TWEET_URL.fullmatch(link) for link in reader.links
        )
        if is_tweet:
            return self.token(_tweet_quote(reader, lines))
        speaker_line, source_url = reader.cite_text, reader.cite_link
        if not speaker_line and lines:
            dash = DASH_LINE.match(lines[-1])
            if dash:
                speaker_line = dash.group("who")
                lines = lines[:-1]
        if not speaker_line or not lines:
            self.notes.append("blockquote without attribution kept in the body")
            return (
                element
                if not autop_inside
                else (f"\n\n<blockquote>{autop(inner)}</blockquote>\n\n")
            )
        quote = _attribution(speaker_line)
        quote.text, quote.source_url = _paragraphs(lines), source_url
        return self.token(quote)


def _tweet_source(match) -> str:
    site = "X" if match.group("site").lower() == "x.com" else "Twitter"
    return f"{site} (@{match.group('handle')})"


def _tweet_quote(reader: "_QuoteReader", lines: list[str]) -> QuoteData:
    """Twitter's embed HTML: <p>text</p>&mdash; Name (@handle) <a href=status>date</a>."""
    status = next(
        (
            TWEET_URL.fullmatch(link)
            for link in reversed(reader.links)
            if TWEET_URL.fullmatch(link)
        ),
        None,
    )
    speaker = role = handle_name = ""
    said_on = None
    if lines:
        dash = DASH_LINE.match(lines[-1])
        if dash:
            lines = lines[:-1]
            who = dash.group("who")
            if reader.last_link_text and who.endswith(reader.last_link_text):
                said_on = _tweet_date(reader.last_link_text)
                who = who[: -len(reader.last_link_text)].strip()
            handle = HANDLE_IN_PARENS.search(who)
            if handle:
                handle_name = handle.group("handle")
                who = who[: handle.start()].strip()
            speaker = who
    if status is None:
        # No status link (the date links to the profile): keep what the embed
        # still says, the account and the day.
        profile = next(
            (
                TWEET_PROFILE.fullmatch(link)
                for link in reader.links
                if TWEET_PROFILE.fullmatch(link)
            ),
            None,
        )
        handle_name = handle_name or (profile.group("handle") if profile else "")
        network = (
            "X" if profile and profile.group("site").lower() == "x.com" else "Twitter"
        )
        return QuoteData(
            text=_paragraphs(lines),
            speaker=speaker or (f"@{handle_name}" if handle_name else "Unknown"),
            source_name=f"{network} (@{handle_name})" if handle_name else "",
            source_url=(
                f"https://{profile.group('site').lower()}/{profile.group('handle')}"
                if profile
                else ""
            ),
            said_on=said_on,
            kind="tweet",
        )
    return QuoteData(
        text=_paragraphs(lines) or _tweet_url(status),
        speaker=speaker or f"@{status.group('handle')}",
        speaker_role=role,
        source_name=_tweet_source(status),
        source_url=_tweet_url(status),
        said_on=said_on,
        kind="tweet",
    )


def _tweet_url(match) -> str:
    """The status link without tracking parameters."""
    return f"https://{match.group('site').lower()}/{match.group('handle')}/status/{match.group('id')}"


def _tweet_date(text: str) -> date | None:
    for pattern in ("%B %d, %Y", "%d %B %Y", "%b %d, %Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


def _attribution(line: str) -> QuoteData:
    """A cite or dash line → who said it, their role, the source and the day:
    'Dmitry Peskov, Kremlin spokesman' → speaker and role;
    'Kremlin press release, 9 November 2016' → a source (not a person) and a date."""
    parts = [part.strip() for part in line.strip().strip("()").split(",")]
    said_on = None
    for size in (2, 1):  # "November 9, 2016" holds a comma of its own
        if len(parts) > size and (day := _tweet_date(", ".join(parts[-size:]))):
            said_on, parts = day, parts[:-size]
            break
    speaker, role = parts[0], ", ".join(parts[1:])
    quote = QuoteData(text="", said_on=said_on)
    if said_on and not role and not _looks_like_a_name(speaker):
        # The speaker is whoever the source is named after ("Kremlin" for
        # "Kremlin press release"); the source keeps its full name.
        quote.source_name = speaker[:200]
        named = []
        for word in speaker.split():
            if not word[:1].isupper():
                break
            named.append(word)
        speaker = " ".join(named) or speaker
    quote.speaker, quote.speaker_role = speaker[:150], role[:150]
    return quote


def _looks_like_a_name(text: str) -> bool:
    """'Vladimir Putin', 'Charles de Gaulle' yes; 'Kremlin press release' no."""
    words = text.split()
    return bool(words) and all(
        word[:1].isupper() or word in NAME_PARTICLES for word in words
    )


def _paragraphs(lines: list[str]) -> str:
    text = "\n".join(lines)
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def _caption_figure(match) -> str:
    caption = match.group("caption").strip()
    return (
        f"\n\n<figure>{match.group('media')}"
        f"{f'<figcaption>{caption}</figcaption>' if caption else ''}</figure>\n\n"
    )


class _QuoteReader(HTMLParser):
    """Plain text of a blockquote, line by line, plus its <cite> and its links."""

    BREAKS = {"p", "br", "div", "li", "h2", "h3", "h4", "h5", "h6", "figcaption"}

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.links: list[str] = []
        self.last_link_text = ""
        self.cite_text = ""
        self.cite_link = ""
        self._in_cite = 0
        self._in_link = False
        self._link_text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in {"script", "style"}:
            self._skip += 1
        elif tag == "cite":
            self._in_cite += 1
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href.strip())
            if self._in_cite and href.startswith(("http://", "https://")):
                self.cite_link = href.strip()
            self._in_link, self._link_text = True, []
        if tag in self.BREAKS and not self._in_cite:
            self.parts.append("\n\n" if tag == "p" else "\n")

    def handle_endtag(self, tag):
        if tag in {"script", "style"}:
            self._skip = max(0, self._skip - 1)
        elif tag == "cite":
            self._in_cite = max(0, self._in_cite - 1)
        elif tag == "a" and self._in_link:
            self._in_link = False
            self.last_link_text = "".join(self._link_text).strip()
        if tag == "p" and not self._in_cite:
            self.parts.append("\n\n")

    def handle_data(self, data):
        if self._skip:
            return
        if self._in_link:
            self._link_text.append(data)
        if self._in_cite:
            self.cite_text = " ".join(f"{self.cite_text} {data}".split())
        else:
            self.parts.append(data)

    def lines(self) -> list[str]:
        """Text lines with single spaces; blank lines kept between paragraphs."""
        text = "".join(self.parts)
        lines = [" ".join(line.split()) for line in text.split("\n")]
        while lines and not lines[0]:
            lines.pop(0)
        while lines and not lines[-1]:
            lines.pop()
        return lines


def autop(text: str) -> str:
    """A small wpautop: blank-line-separated text becomes <p> paragraphs, single line
    breaks inside a paragraph become <br>, block-level HTML is left as it is."""
    if not text.strip():
        return ""
    kept: list[str] = []

    def keep(match):
        kept.append(match.group(0))
        return f"\n\n\x00pre{len(kept) - 1}\x00\n\n"

    text = PRE_BLOCK.sub(keep, text)
    text = BLOCK_OPEN.sub(r"\n\n\1", text)
    text = BLOCK_CLOSE.sub(r"\1\n\n", text)
    paragraphs = []
    for chunk in re.split(r"\n\s*\n", text):
        chunk = chunk.strip()
        if not chunk:
            continue
        if (
            chunk.startswith("\x00pre")
            or STARTS_WITH_BLOCK.match(chunk)
            or chunk.startswith("[[wordpress-quote:")
        ):
            paragraphs.append(chunk)
        else:
            paragraphs.append("<p>" + re.sub(r"\s*\n\s*", "<br>\n", chunk) + "</p>")
    text = "\n".join(paragraphs)
    return re.sub(r"\x00pre(\d+)\x00", lambda m: kept[int(m.group(1))], text)
