"""Avatars made here: initials on a colour derived from the commenter, no third party.

Gravatar is used only when COMMENTS_GRAVATAR is switched on (settings also allow its
host in the Content-Security-Policy then). The colour comes from an HMAC of the email,
so the page reveals nothing that could be reversed into an address.
"""

import hashlib
import hmac

from django.conf import settings

from comments.models import Comment

TONES = 8


def _digest(comment) -> bytes:
    key = (comment.author_email or comment.author_name or "anonymous").strip().lower()
    return hmac.new(
        settings.SECRET_KEY.encode(), key.encode("utf-8", "replace"), hashlib.sha256
    ).digest()


def initials(name: str) -> str:
    letters = [part[0] for part in (name or "").split() if part[:1].isalnum()]
    if not letters:
        return "?"
    picked = letters[0] + (letters[-1] if len(letters) > 1 else "")
    return picked.upper()


def avatar_for(comment) -> dict:
    """What the template needs: initials and a tone class, or a Gravatar URL."""
    avatar = {
        "initials": initials(comment.author_name),
        "tone": _digest(comment)[0] % TONES,
        "url": "",
    }
    if getattr(settings, "COMMENTS_GRAVATAR", False) and comment.author_email:
        email_hash = hashlib.sha256(
            Comment.fold_email(comment.author_email).encode()
        ).hexdigest()
        avatar["url"] = (
            f"https://secure.gravatar.com/avatar/{email_hash}?s=96&d=identicon"
        )
    return avatar
