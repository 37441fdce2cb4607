"""Embeds, privacy first: a video, a track or a post from another site, placed in a
story body by its address.

The body stores `<figure data-embed="CANONICAL_URL"><figcaption>caption</figcaption>
</figure>`. Everything is decided from the address alone: parsing never touches the
network, and readers' browsers make no request to the other site until the reader
asks for it (the page shows a facade, static/js/embeds.js swaps in the player).

The one rule for which addresses are accepted is `examine()`; the sanitiser
(`keep_valid_embeds`), the form's message (`refusals`), the page (`as_facades`) and
the feeds (`as_links`) all ask it.
"""

import html
import re
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import quote, urlencode, urlsplit

from django.template.loader import render_to_string
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

# Real embed addresses are well under 200 characters; a longer one is junk.
MAX_URL_CHARS = 500
# Beyond this a story is a link list, not a story: the form refuses, the sanitiser
# keeps the first ones as embeds and turns the rest into links.
MAX_EMBEDS = 30

# Where the players live: exactly these hosts are the CSP's frame-src (settings.py).
PLAYER_HOSTS = (
    "https://www.youtube-nocookie.com",
    "https://player.vimeo.com",
    "https://w.soundcloud.com",
)


@dataclass(frozen=True)
class Provider:
    key: str
    name: str
    kind: str  # "video", "track" or "post": what the reader is offered
    hosts: frozenset[str]


@dataclass(frozen=True)
class Embed:
    provider: Provider
    url: str  # canonical: the same post always has the same address
    id: str

    @property
    def player_url(self) -> str | None:
        """The iframe the reader may load; None where the provider has only a
        script-based embed (then the facade just opens the post)."""
        match self.provider.key:
            case "youtube":
                return f"https://www.youtube-nocookie.com/embed/{self.id}?autoplay=1"
            case "vimeo":
                video, _, unlisted = self.id.partition(":")
                query = {"dnt": 1, "autoplay": 1} | (
                    {"h": unlisted} if unlisted else {}
                )
                return f"https://player.vimeo.com/video/{video}?{urlencode(query)}"
            case "soundcloud":
                query = urlencode(
                    {"url": self.url, "auto_play": "true"}, quote_via=quote
                )
                return f"https://w.soundcloud.com/player/?{query}"
        return None


def _hosts(*names: str) -> frozenset[str]:
    return frozenset(names)


YOUTUBE = Provider(
    "youtube",
    "YouTube",
    "video",
    _hosts(
        "youtube.com",
        "www.youtube.com",
        "m.youtube.com",
        "youtu.be",
        "youtube-nocookie.com",
        "www.youtube-nocookie.com",
    ),
)
VIMEO = Provider(
    "vimeo", "Vimeo", "video", _hosts("vimeo.com", "www.vimeo.com", "player.vimeo.com")
)
X = Provider(
    "x",
    "X (Twitter)",
    "post",
    _hosts(
        "x.com",
        "www.x.com",
        "mobile.x.com",
        "twitter.com",
        "www.twitter.com",
        "mobile.twitter.com",
    ),
)
BLUESKY = Provider("bluesky", "Bluesky", "post", _hosts("bsky.app"))
INSTAGRAM = Provider(
    "instagram", "Instagram", "post", _hosts("instagram.com", "www.instagram.com")
)
TIKTOK = Provider(
    "tiktok",
    "TikTok",
    "video",
    _hosts("tiktok.com", "www.tiktok.com", "m.tiktok.com"),
)
SOUNDCLOUD = Provider(
    "soundcloud",
    "SoundCloud",
    "track",
    _hosts("soundcloud.com", "www.soundcloud.com", "m.soundcloud.com"),
)
# Any host: Mastodon is federated (see _mastodon for the rule).
MASTODON = Provider("mastodon", "Mastodon", "post", frozenset())
PROVIDERS = (YOUTUBE, VIMEO, X, BLUESKY, INSTAGRAM, TIKTOK, SOUNDCLOUD)
_BY_HOST = {host: provider for provider in PROVIDERS for host in provider.hosts}

_YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
_YOUTUBE_PATH = re.compile(r"/(?:shorts|embed|live|v)/([A-Za-z0-9_-]{11})/?")
_VIMEO_PATH = re.compile(
    r"/(?:video/|channels/[\w-]{1,64}/)?(\d{1,12})(?:/([0-9a-f]{6,20}))?/?"
)
_X_PATH = re.compile(r"/(\w{1,15})/status(?:es)?/(\d{1,20})(?:/.*)?")
_BLUESKY_PATH = re.compile(
    r"/profile/((?:[a-z0-9-]{1,63}\.)+[a-z0-9-]{1,63}|did:plc:[a-z2-7]{24})"
    r"/post/([a-z0-9]{1,20})/?",
    re.IGNORECASE,
)
_INSTAGRAM_PATH = re.compile(r"/(?:[\w.]{1,30}/)?(p|reel)/([\w-]{5,64})/?")
_TIKTOK_PATH = re.compile(r"/@([\w.]{1,32})/video/(\d{1,25})/?")
_SOUNDCLOUD_PATH = re.compile(r"/([a-z0-9_-]{1,100})/([a-z0-9_-]{1,200})/?")
# First path parts that are SoundCloud's own pages, and second parts that are an
# artist's lists rather than a track.
_SOUNDCLOUD_PAGES = {
    "discover",
    "search",
    "stream",
    "upload",
    "you",
    "charts",
    "pages",
    "settings",
    "terms-of-use",
    "jobs",
    "people",
    "tags",
}
_SOUNDCLOUD_LISTS = {
    "sets",
    "tracks",
    "albums",
    "likes",
    "reposts",
    "followers",
    "following",
    "popular-tracks",
    "comments",
    "spotlight",
}
_MASTODON_PATH = re.compile(r"/@(\w{1,30})/(\d{1,20})/?")
_HOST_LABEL = re.compile(r"(?!-)[a-z0-9-]{1,63}(?<!-)")

UNKNOWN = (
    "is not from a site we can embed: YouTube, Vimeo, X (Twitter), Bluesky, "
    "Instagram, TikTok, SoundCloud or a Mastodon post (https://server/@user/123)."
)


def parse(url: str) -> Embed | None:
    """The embed an address stands for, or None (see examine() for why)."""
    return examine(url)[0]


def examine(url: str) -> tuple[Embed | None, str]:
    """(the embed, "") for an address of a known provider, else (None, the reason,
    worded to follow the address in a message). Pure: no network, ever."""
    url = (url or "").strip()
    if not url:
        return None, "is empty."
    if len(url) > MAX_URL_CHARS:
        return None, f"is longer than {MAX_URL_CHARS} characters."
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in url):
        return None, "contains spaces or control characters."
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None, "is not a valid web address."
    if parts.scheme.lower() not in {"http", "https"}:
        return None, "is not a web address (only http:// and https:// are embedded)."
    if "@" in parts.netloc:
        return None, "contains a user name or password."
    if port is not None:
        return None, "names a port; embeds come from the sites' usual addresses."
    host = (parts.hostname or "").rstrip(".")
    if not host.isascii():
        return None, UNKNOWN
    provider = _BY_HOST.get(host)
    if provider is None:
        embed = _mastodon(parts.scheme.lower(), host, parts.path)
        return (embed, "") if embed else (None, UNKNOWN)
    embed = _PARSERS[provider.key](host, parts.path, parts.query)
    if embed is None:
        return None, (
            f"is from {provider.name} but is not the address of one "
            f"{provider.kind}: copy the address of the {provider.kind} itself."
        )
    return embed, ""


def _query_value(query: str, name: str) -> str:
    for pair in query.split("&"):
        key, _, value = pair.partition("=")
        if key == name:
            return value
    return ""


def _youtube(host, path, query):
    if host == "youtu.be":
        video = path.strip("/")
    elif path in {"/watch", "/watch/"}:
        video = _query_value(query, "v")
    else:
        match = _YOUTUBE_PATH.fullmatch(path)
        video = match[1] if match else ""
    if not _YOUTUBE_ID.fullmatch(video):
        return None
    return Embed(YOUTUBE, f"https://www.youtube.com/watch?v={video}", video)


def _vimeo(host, path, query):
    match = _VIMEO_PATH.fullmatch(path)
    if not match or (host == "player.vimeo.com") != path.startswith("/video/"):
        return None
    video, unlisted = match[1], match[2] or _query_value(query, "h")
    if unlisted and not re.fullmatch(r"[0-9a-f]{6,20}", unlisted):
        unlisted = ""
    url = f"https://vimeo.com/{video}" + (f"/{unlisted}" if unlisted else "")
    return Embed(VIMEO, url, f"{video}:{unlisted}" if unlisted else video)


def _x(host, path, query):
    match = _X_PATH.fullmatch(path)
    if not match or match[1].lower() in {"i", "home", "search", "settings"}:
        return None
    return Embed(X, f"https://x.com/{match[1]}/status/{match[2]}", match[2])


def _bluesky(host, path, query):
    match = _BLUESKY_PATH.fullmatch(path)
    if not match:
        return None
    actor, post = match[1].lower(), match[2].lower()
    return Embed(BLUESKY, f"https://bsky.app/profile/{actor}/post/{post}", post)


def _instagram(host, path, query):
    match = _INSTAGRAM_PATH.fullmatch(path)
    if not match:
        return None
    kind, code = match[1], match[2]
    return Embed(INSTAGRAM, f"https://www.instagram.com/{kind}/{code}/", code)


def _tiktok(host, path, query):
    match = _TIKTOK_PATH.fullmatch(path)
    if not match:
        return None
    user, video = match[1], match[2]
    return Embed(TIKTOK, f"https://www.tiktok.com/@{user}/video/{video}", video)


def _soundcloud(host, path, query):
    match = _SOUNDCLOUD_PATH.fullmatch(path.lower())
    if not match or match[1] in _SOUNDCLOUD_PAGES or match[2] in _SOUNDCLOUD_LISTS:
        return None
    track = f"{match[1]}/{match[2]}"
    return Embed(SOUNDCLOUD, f"https://soundcloud.com/{track}", track)


_PARSERS = {
    "youtube": _youtube,
    "vimeo": _vimeo,
    "x": _x,
    "bluesky": _bluesky,
    "instagram": _instagram,
    "tiktok": _tiktok,
    "soundcloud": _soundcloud,
}


def _mastodon(scheme, host, path):
    """Mastodon is federated, so any server counts, under one strict rule: https,
    a DNS host name in ASCII (xn-- for an internationalised one) with at least two
    labels and a letter in its last (so no IP address, no localhost), and the path
    exactly /@user/<digits>: a post's own page on its own server."""
    match = _MASTODON_PATH.fullmatch(path)
    if scheme != "https" or not match:
        return None
    labels = host.lower().split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.fullmatch(label) for label in labels):
        return None
    if not re.search(r"[a-z]", labels[-1]):
        return None
    user, post = match[1], match[2]
    return Embed(MASTODON, f"https://{host.lower()}/@{user}/{post}", post)


# Stored markup: reading and normalising the figures in a body.


@dataclass
class _Found:
    url: str
    top_level: bool
    inside_link: bool
    caption: list[str]
    depth: int = 1  # open <figure>s, this one included
    in_caption: bool = False


class _EmbedRewriter(HTMLParser):
    """Rewrites every <figure data-embed> of already-sanitised HTML (nh3's well-
    formed output) through `replace(found, number)`; everything else is copied."""

    VOID = {"br", "hr", "img", "wbr", "source", "track", "col", "input", "meta"}

    def __init__(self, replace):
        super().__init__(convert_charrefs=False)
        self.replace = replace
        self.out: list[str] = []
        self.open: list[str] = []
        self.found: _Found | None = None
        self.count = 0

    def handle_starttag(self, tag, attrs):
        if self.found is not None:
            if tag == "figure":
                self.found.depth += 1
            elif tag == "figcaption" and self.found.depth == 1:
                self.found.in_caption = True
            return
        attributes = dict(attrs)
        if tag == "figure" and "data-embed" in attributes:
            self.found = _Found(
                html.unescape(attributes["data-embed"] or ""),
                top_level=not self.open,
                inside_link="a" in self.open,
                caption=[],
            )
            return
        self.out.append(self.get_starttag_text())
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_startendtag(self, tag, attrs):
        if self.found is None:
            self.out.append(self.get_starttag_text())

    def handle_endtag(self, tag):
        found = self.found
        if found is not None:
            if tag == "figcaption" and found.depth == 1:
                found.in_caption = False
            elif tag == "figure":
                found.depth -= 1
                if not found.depth:
                    self.count += 1
                    self.out.append(self.replace(found, self.count))
                    self.found = None
            return
        if tag in self.open:
            while self.open and self.open.pop() != tag:
                pass
        self.out.append(f"</{tag}>")

    def _text(self, text):
        if self.found is None:
            self.out.append(text)
        elif self.found.in_caption:
            self.found.caption.append(text)

    def handle_data(self, data):
        self._text(data)

    def handle_entityref(self, name):
        self._text(f"&{name};")

    def handle_charref(self, name):
        self._text(f"&#{name};")

    def handle_comment(self, data):
        if self.found is None:
            self.out.append(f"<!--{data}-->")


def _caption_text(found: _Found) -> str:
    return " ".join(html.unescape("".join(found.caption)).split())


def _rewrite(body: str, replace) -> str:
    if "data-embed" not in body:
        return body
    rewriter = _EmbedRewriter(replace)
    rewriter.feed(body)
    rewriter.close()
    if rewriter.found is not None:  # an unclosed figure at the very end
        rewriter.count += 1
        rewriter.out.append(replace(rewriter.found, rewriter.count))
    return "".join(rewriter.out)


def _is_web_link(url: str) -> bool:
    """Safe to keep as a plain link: an http(s) address without credentials."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return (
        parts.scheme.lower() in {"http", "https"}
        and bool(parts.hostname)
        and "@" not in parts.netloc
        and len(url) <= MAX_URL_CHARS
        and not any(ch.isspace() or ord(ch) < 32 for ch in url)
    )


def _text(text: str) -> SafeString:
    """Text escaped as the sanitiser (html5ever) writes text, so cleaning the
    result again changes nothing: quotes stay, a no-break space is &nbsp;."""
    return mark_safe(html.escape(text, quote=False).replace("\xa0", "&nbsp;"))


def _stored(embed: Embed, caption: str) -> str:
    figcaption = (
        format_html("<figcaption>{}</figcaption>", _text(caption)) if caption else ""
    )
    return format_html('<figure data-embed="{}">{}</figure>', embed.url, figcaption)


def _as_link(url: str, caption: str, found: _Found) -> str:
    """What an embed that may not stay an embed becomes: its address as a link
    (with the caption), or just the caption when the address is not a web link."""
    label = _text(caption or url)
    if not _is_web_link(url):
        if caption and found.top_level:
            return format_html("<p>{}</p>", _text(caption))
        return ""
    if found.inside_link:
        return label
    link = format_html('<a href="{}" rel="noopener noreferrer">{}</a>', url, label)
    return format_html("<p>{}</p>", link) if found.top_level else link


def with_embed_attribute(attributes: dict[str, set[str]]) -> dict[str, set[str]]:
    """An nh3 allow-list that also keeps <figure data-embed>, for keep_valid_embeds()
    to judge."""
    return {**attributes, "figure": {*attributes.get("figure", ()), "data-embed"}}


def keep_valid_embeds(cleaned_html: str) -> str:
    """The sanitiser's step after nh3 (for every role): an embed figure stays only
    as `<figure data-embed="CANONICAL"><figcaption>text</figcaption></figure>`, at the
    top level of the body, for an address examine() accepts, and for at most
    MAX_EMBEDS of them; anything else becomes a plain link or is removed."""

    def replace(found: _Found, number: int) -> str:
        caption = _caption_text(found)
        embed = parse(found.url)
        if embed is None or not found.top_level or number > MAX_EMBEDS:
            return _as_link(embed.url if embed else found.url, caption, found)
        return _stored(embed, caption)

    return _rewrite(cleaned_html, replace)


def refusals(body: str) -> list[str]:
    """Why the embeds in a submitted body cannot be saved as they are, for the
    editor's form; [] when they can. Reads the raw submission, like the sanitiser."""
    problems: list[str] = []

    def replace(found: _Found, number: int) -> str:
        if number == MAX_EMBEDS + 1:
            problems.append(
                f"A story may hold at most {MAX_EMBEDS} embeds; remove some or "
                "link to the rest."
            )
        _embed, reason = examine(found.url)
        if reason and len(problems) < 5:
            shown = found.url if len(found.url) <= 80 else found.url[:77] + "…"
            problems.append(f"The embed address “{shown}” {reason}")
        return ""

    _rewrite(body or "", replace)
    return problems


# Reading: what readers and feeds get for the stored figures.

# The stored form, exactly as keep_valid_embeds() writes it.
STORED_EMBED = re.compile(
    r'<figure data-embed="([^"<>]*)">(?:<figcaption>([^<]*)</figcaption>)?</figure>'
)


def as_facades(body_html: str) -> str:
    """The body with each stored embed as its facade (templates/articles/_embed.html):
    the provider, a link to the post and, with JavaScript, a button that loads the
    player. Nothing on the page asks the other site for anything until then."""
    count = 0

    def replace(match):
        nonlocal count
        embed = parse(html.unescape(match[1]))
        caption = html.unescape(match[2] or "")
        if embed is None:
            return format_html("<p>{}</p>", caption) if caption else ""
        count += 1
        return render_to_string(
            "articles/_embed.html",
            {"embed": embed, "caption": caption, "number": count},
        )

    rendered = STORED_EMBED.sub(replace, body_html)
    if count:
        rendered += format_html(
            '<script src="{}" defer></script>', static("js/embeds.js")
        )
    return rendered


def as_links(body_html: str) -> str:
    """The body for feeds and other sites: each embed a plain link with its caption."""

    def replace(match):
        embed = parse(html.unescape(match[1]))
        caption = html.unescape(match[2] or "")
        if embed is None:
            return format_html("<p>{}</p>", caption) if caption else ""
        label = f"{embed.provider.name} {embed.provider.kind}"
        link = format_html('<a href="{}">{}: {}</a>', embed.url, label, embed.url)
        if caption:
            return format_html("<p>{}<br>{}</p>", link, caption)
        return format_html("<p>{}</p>", link)

    return STORED_EMBED.sub(replace, body_html)
