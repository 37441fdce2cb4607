"""Hostile text a contributor or commenter might type, and a parser that finds the
elements a browser or feed reader would make live from it."""

from html.parser import HTMLParser

PAYLOADS = [
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    "<script>alert(1)</script>",
    '"><iframe src="javascript:alert(1)"></iframe>',
    "<a href=\"javascript:alert(1)\">click</a> &amp; <b onmouseover='x'>bold</b>",
    "&lt;img src=x onerror=alert(1)&gt;",  # an imported, already-escaped excerpt
]


class Elements(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def live_in_head(page: str) -> list:
    """The elements in the page's <head> that hostile text would have made live:
    an image, SVG or frame, or any element with an on… handler. Empty if none."""
    elements = Elements()
    elements.feed(page.split("</head>")[0])
    return [
        (tag, attrs)
        for tag, attrs in elements.found
        if tag in {"img", "svg", "iframe"}
        or any(name.startswith("on") for name, _ in attrs)
    ]
