"""Outbound email: one rule for subjects, whatever an editor or a commenter typed."""

import unicodedata


def subject_line(text: str, max_chars: int = 200) -> str:
    """One line: line breaks and other control characters become spaces (a CR/LF in
    a headline must neither fail the email nor add a header), runs of whitespace
    collapse, and the result is cut to max_chars."""
    kept = "".join(
        " " if unicodedata.category(ch) in {"Cc", "Zl", "Zp"} else ch
        for ch in text or ""
        # Format characters (bidi controls, zero-width spaces) go; the zero-width
        # joiner stays, it holds emoji sequences together.
        if unicodedata.category(ch) != "Cf" or ch == "\u200d"
    )
    return " ".join(kept.split())[:max_chars]
