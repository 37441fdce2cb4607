"""The comment policy: what is an accepted comment's first status, and why.

Plain functions, called explicitly by the view (and by anything else that creates
comments). Every rule that holds or rejects a comment says why, and the reason is
stored on the comment for the moderators. Whether a post is accepted at all is
comments/posting.py, except the flood check that must share save()'s transaction.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass
from datetime import datetime

from django.db import IntegrityError, connections, router, transaction

from articles.models import Article
from comments import akismet, posting
from comments.content import is_blank, strip_bidi_controls
from comments.models import CONTENT_MAX, Comment, DiscussionSettings
from comments.posting import DUPLICATE, FLOOD, Refusal

# Look-alike letters from other scripts mapped to the Latin letter they imitate, so
# "vіаgrа" (Cyrillic і, а) matches the word "viagra". Applied after NFKC.
CONFUSABLES = str.maketrans(
    {
        # Cyrillic
        "а": "a",
        "в": "b",
        "е": "e",
        "ё": "e",
        "к": "k",
        "м": "m",
        "н": "h",
        "о": "o",
        "р": "p",
        "с": "c",
        "т": "t",
        "у": "y",
        "х": "x",
        "і": "i",
        "ї": "i",
        "ј": "j",
        "ѕ": "s",
        "ԁ": "d",
        "ԛ": "q",
        "ԝ": "w",
        "һ": "h",
        "ɡ": "g",
        # Greek
        "α": "a",
        "β": "b",
        "ε": "e",
        "η": "n",
        "ι": "i",
        "κ": "k",
        "ν": "v",
        "ο": "o",
        "ρ": "p",
        "τ": "t",
        "υ": "u",
        "χ": "x",
        "γ": "y",
        # Latin oddities
        "ı": "i",
        "ł": "l",
        "ø": "o",
        "ß": "ss",
    }
)
# WordPress counts every "//" that starts a link, with or without href= and scheme.
LINK_PATTERN = re.compile(r"(?:href\s*=\s*['\"]?)?(?:https?:)?//", re.IGNORECASE)


@dataclass(frozen=True)
class Verdict:
    status: str
    reason: str
    notify: bool = True  # Akismet's "discard" spam is filed without an email


@dataclass(frozen=True)
class FormSignals:
    """What the form itself tells us about the sender."""

    honeypot_filled: bool = False
    timestamp_valid: bool = True
    seconds_to_submit: float | None = None


def normalise_for_matching(text: str) -> str:
    """Fold case, accents, compatibility forms, zero-width characters and look-alikes."""
    text = unicodedata.normalize("NFKC", text or "").casefold()
    text = text.translate(CONFUSABLES)
    decomposed = unicodedata.normalize("NFKD", text)
    kept = (
        ch
        for ch in decomposed
        # Mn: combining accents; Cf: zero-width spaces/joiners, bidi controls.
        if unicodedata.category(ch) not in {"Mn", "Cf"}
    )
    return unicodedata.normalize("NFC", "".join(kept)).translate(CONFUSABLES)


def word_list(text: str) -> list[str]:
    """The non-empty lines of a moderation/disallowed words box, normalised."""
    words = (normalise_for_matching(line).strip() for line in (text or "").splitlines())
    return sorted({word for word in words if word})


def words_in(comment: Comment, words_text: str) -> list[str]:
    """Which of the listed words occur in the comment's content, name, email,
    website, IP or user agent (WordPress's fields), after normalisation."""
    words = word_list(words_text)
    if not words:
        return []
    haystack = normalise_for_matching(
        "\n".join(
            [
                comment.content,
                comment.author_name,
                comment.author_email,
                comment.author_url,
                comment.ip_address or "",
                comment.user_agent,
            ]
        )
    )
    return [word for word in words if word in haystack]


def link_count(text: str) -> int:
    return len(LINK_PATTERN.findall(text or ""))


def can_moderate(user) -> bool:
    return bool(
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.has_perm("comments.moderate_comment")
    )


def max_depth(discussion: DiscussionSettings) -> int:
    """How many levels deep a thread may go (1 = no replies)."""
    if not discussion.thread_comments:
        return 1
    return max(1, discussion.thread_comments_depth)


def reply_refusal(parent: Comment | None, article: Article, discussion) -> str:
    """Why a reply to this comment is not allowed, or '' when it is."""
    if parent is None:
        return ""
    if parent.article_id != article.pk:
        return "That comment belongs to another story."
    if parent.status != Comment.Status.APPROVED:
        return "You can only reply to a published comment."
    if parent.depth >= max_depth(discussion):
        return "This conversation cannot be nested any deeper."
    return ""


EMPTY_REPLY = "Your reply is empty: type something before pressing Reply."


def next_pending(comment: Comment) -> Comment | None:
    """The pending comment a moderator sees after this one: the queue's order."""
    return (
        Comment.objects.pending()
        .exclude(pk=comment.pk)
        .order_by("created_at", "id")
        .only("pk")
        .first()
    )


def admin_reply(
    parent: Comment,
    text: str,
    user,
    *,
    discussion: DiscussionSettings,
    ip_address: str | None,
    user_agent: str,
    now: datetime,
) -> tuple[Comment | None, str]:
    """A moderator's reply from the admin, as (the reply, "") or (None, why not).

    It is a comment like any other: the same threading rules (reply_refusal), the
    same cleaning (Comment.save()), the same screening (a moderator's comment is
    approved) and the same insert (duplicates refused), so the page cache hears of
    it the way it hears of every approved comment. Name and email come from the
    moderator's account, never from the form."""
    text = strip_bidi_controls(text.replace("\x00", ""))
    if is_blank(text):
        return None, EMPTY_REPLY
    if len(text) > CONTENT_MAX:
        return None, f"Your reply is too long: keep it under {CONTENT_MAX} characters."
    if refusal := reply_refusal(parent, parent.article, discussion):
        return None, refusal
    reply = Comment(
        article=parent.article,
        parent=parent,
        author_name=user.get_full_name() or user.get_username(),
        author_email=user.email,
        content=text,
        ip_address=ip_address,
        user_agent=user_agent[:255],
        user=user,
    )
    verdict = screen(reply, discussion, user=user)
    reply.status, reply.status_reason = verdict.status, verdict.reason[:255]
    if refused := save(reply, now, flood_applies=False):
        return None, refused.message
    return reply, ""


def _author_locks(comment: Comment) -> list[int]:
    """PostgreSQL advisory lock ids for the comment's IP and folded email."""
    keys = [f"comments:ip:{comment.ip_address}"] if comment.ip_address else []
    if email_key := Comment.fold_email(comment.author_email):
        keys.append(f"comments:email:{email_key}")
    digests = (hashlib.sha256(key.encode()).digest()[:8] for key in keys)
    # Always taken in the same order, so two posters never wait for each other.
    return sorted(int.from_bytes(d, "big", signed=True) for d in digests)


def save(comment: Comment, now: datetime, *, flood_applies: bool) -> Refusal | None:
    """Insert the screened comment, unless it is a flood or a duplicate.

    The flood check (posting.is_flood) and the insert are one step, so concurrent
    posts by one author (same email from many IPs) store one row: on PostgreSQL the
    transaction first takes an advisory lock per IP and per email (released at
    commit); on SQLite the write transaction (BEGIN IMMEDIATE) already runs one at a
    time. A duplicate that won the race is refused by the unique index on the
    fingerprint."""
    connection = connections[router.db_for_write(Comment)]
    try:
        with transaction.atomic(using=connection.alias):
            if flood_applies:
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        for lock in _author_locks(comment):
                            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [lock])
                if posting.is_flood(comment, now):
                    return FLOOD
            comment.save()
    except IntegrityError:  # an identical post won the race to the unique index
        return DUPLICATE
    return None


def previously_approved(comment: Comment) -> bool:
    """WordPress's rule: same name and email as an approved comment (or same account)."""
    if comment.user_id:
        return Comment.objects.approved().filter(user_id=comment.user_id).exists()
    if not comment.author_email:
        return False
    return (
        Comment.objects.approved()
        .filter(
            email_key=Comment.fold_email(comment.author_email),
            author_name=comment.author_name,
        )
        .exists()
    )


def screen(
    comment: Comment,
    discussion: DiscussionSettings,
    *,
    signals: FormSignals | None = None,
    user=None,
) -> Verdict:
    """Decide the first status of a new comment, and say why. The first rule that
    applies wins; the order follows WordPress (spam and disallowed words before
    moderation rules, the "known author" rule last)."""
    S = Comment.Status
    signals = signals or FormSignals()
    if can_moderate(user):
        return Verdict(S.APPROVED, "posted by a moderator", notify=False)
    if signals.honeypot_filled:
        return Verdict(S.SPAM, "filled in the hidden honeypot field")
    if hits := words_in(comment, discussion.disallowed_keys):
        return Verdict(S.TRASH, f"contains disallowed words: {', '.join(hits)}")
    if akismet.enabled():
        result = akismet.check(comment)
        if result == akismet.DISCARD:
            return Verdict(S.SPAM, "Akismet: blatant spam (discarded)", notify=False)
        if result == akismet.SPAM:
            return Verdict(S.SPAM, "Akismet: spam")
        if result == akismet.ERROR:
            return Verdict(S.PENDING, "Akismet could not be reached; held for review")
    if not signals.timestamp_valid:
        return Verdict(S.PENDING, "the form's timestamp was missing or invalid")
    if (
        discussion.min_seconds_to_submit
        and signals.seconds_to_submit is not None
        and signals.seconds_to_submit < discussion.min_seconds_to_submit
    ):
        return Verdict(
            S.PENDING,
            f"sent {signals.seconds_to_submit:.1f} s after the page was served "
            f"(faster than {discussion.min_seconds_to_submit} s)",
        )
    if discussion.comment_moderation:
        return Verdict(S.PENDING, "every comment must be manually approved")
    links = link_count(comment.content)
    if discussion.comment_max_links and links >= discussion.comment_max_links:
        return Verdict(
            S.PENDING,
            f"contains {links} links (the limit is {discussion.comment_max_links})",
        )
    if hits := words_in(comment, discussion.moderation_keys):
        return Verdict(S.PENDING, f"contains moderation words: {', '.join(hits)}")
    if discussion.comment_previously_approved:
        if previously_approved(comment):
            return Verdict(S.APPROVED, "author has an earlier approved comment")
        return Verdict(S.PENDING, "first comment from this author")
    return Verdict(S.APPROVED, "passed every check")
