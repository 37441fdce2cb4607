"""A save refused because someone else saved the story after the editor opened it:
what is kept, how the two versions are compared, and what each choice records.

The form refuses the save (ArticleAdminForm: its loaded_modified_at token is not
the story's modified_at any more). The refused text is kept as an ArticleConflict
and in the editor's autosave slot, and the conflict screen shows theirs against
it. Nothing overwrites their version except an explicit "Overwrite with mine",
which posts the kept text again with the token of the version it replaces (so a
third save in between is refused again) and names the replaced save in the
revision message.
"""

import difflib
import re
from datetime import timedelta

from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe

from articles import autosave, revisions, workflow, writing
from articles.models import Article, ArticleConflict
from articles.sanitize import sanitize_body

# Not kept: the submit buttons (the choice is made again on the conflict screen;
# a workflow button such as Publish is not carried out by an overwrite) and the
# per-request fields.
DROPPED = {
    "csrfmiddlewaretoken",
    "loaded_modified_at",
    "_conflict",
    "_save",
    "_continue",
    "_addanother",
    "_saveasnew",
    "_workflow",
}
# The snapshot labels never compared: the form does not change them.
NOT_COMPARED = {"Status"}
OVERWRITE, MERGED = "overwrite", "merged"


def record(user, article: Article, posted, base_token: str) -> ArticleConflict:
    """Keep the refused post (a QueryDict) for the conflict screen, and put its text
    in the user's autosave slot too, so the story form offers it back (the browser's
    Back button lands there)."""
    data = {name: values for name, values in posted.lists() if name not in DROPPED}
    conflict, _ = ArticleConflict.objects.update_or_create(
        user=user,
        article=article,
        defaults={
            "data": data,
            "base_token": base_token[:64],
            "refused_at": timezone.now(),
        },
    )
    typed = {name: ",".join(values) for name, values in data.items()}
    try:
        fields = autosave.form_fields(typed | {autosave.TOKEN_FIELD: base_token})
    except autosave.Rejected:
        pass  # too large for a slot: the conflict keeps it
    else:
        autosave.store(user, article, "", fields)
    return conflict


def pending(user, article: Article) -> ArticleConflict | None:
    return ArticleConflict.objects.filter(user=user, article=article).first()


def forget(user, article: Article) -> None:
    """After a save of the story by the user: the conflict is settled."""
    ArticleConflict.objects.filter(user=user, article=article).delete()


def keep_theirs(user, article: Article) -> None:
    """Discard the user's refused text and their autosave of the story."""
    forget(user, article)
    autosave.forget(user, article)


def delete_older_than(days: int) -> int:
    cutoff = timezone.now() - timedelta(days=days)
    return ArticleConflict.objects.filter(refused_at__lt=cutoff).delete()[0]


def resent_fields(conflict: ArticleConflict) -> list[tuple[str, str]]:
    """The kept post as (name, value) pairs, for "Overwrite with mine" to post again."""
    return [(name, value) for name, values in conflict.data.items() for value in values]


# --- Who saved, and what the revision says --------------------------------------------


def last_save(article: Article):
    """(name, moment) of the story's newest save: the version on screen as theirs."""
    version = revisions.versions_of(article).first()
    if version is None:
        return "Someone", article.modified_at
    user = version.revision.user
    name = (user.get_full_name() or user.get_username()) if user else "Someone"
    return name, version.revision.date_created


def resolution_note(article: Article, choice: str) -> str:
    """The revision message for a save that settles a conflict."""
    name, moment = last_save(article)
    when = workflow.format_moment(moment)
    if choice == OVERWRITE:
        return f"Overwrote {name}'s save of {when}."
    return f"Kept {name}'s save of {when} and copied parts of a refused save into it."


# --- The comparison -------------------------------------------------------------------


def _value(data: dict, name: str) -> str:
    values = data.get(name) or [""]
    return values[-1]


def _int(text: str, default: int = 0) -> int:
    return int(text) if text.strip().isdigit() else default


def _rows(data: dict, prefix: str, fields: list[str], key: str) -> list[dict]:
    """An inline formset's posted rows: not those marked for deletion, nor the
    empty extra rows (no `key` field)."""
    rows = []
    for i in range(min(_int(_value(data, f"{prefix}-TOTAL_FORMS")), 1000)):
        if _value(data, f"{prefix}-{i}-DELETE"):
            continue
        row = {field: _value(data, f"{prefix}-{i}-{field}") for field in fields}
        if row[key].strip():
            rows.append(row | {"id": _int(_value(data, f"{prefix}-{i}-id"), -1 - i)})
    return rows


def snapshot_of_post(data: dict, article: Article) -> dict:
    """The kept post as revisions.snapshot_of_article() describes a story."""
    fields = {
        name: _value(data, name)
        for name in (
            "headline",
            "slug",
            "standfirst",
            "body",
            "meta_description",
            "social_headline",
            "image_caption",
            "image_credit",
        )
    }
    fields |= {
        # The workflow state is not in the form: the story's, so never "changed".
        "status": article.status,
        "published_at": article.published_at,
        "expires_at": article.expires_at,
        "section_id": _int(_value(data, "section"), None),
        "featured_image_id": _int(_value(data, "featured_image"), None),
        "social_image_id": _int(_value(data, "social_image"), None),
        "allow_comments": bool(_value(data, "allow_comments")),
    }
    bylines = [
        {
            "id": row["id"],
            "author_id": _int(row["author"]),
            "position": _int(row["position"]),
        }
        for row in _rows(data, "bylines", ["author", "position"], "author")
    ]
    quotes = [
        row | {"number": _int(row["number"])}
        for row in _rows(
            data, "quotes", ["number", "text", "speaker", "source_name"], "text"
        )
    ]
    corrections = [
        row | {"noted_at": row["noted_at_0"]}
        for row in _rows(data, "corrections", ["kind", "text", "noted_at_0"], "text")
    ]
    snapshot = revisions._snapshot(fields, bylines, [], quotes, corrections)
    snapshot["Tags"] = ", ".join(sorted(writing.parse_tags(_value(data, "tags"))))
    return snapshot


# A word with the space after it: a changed run of words is marked as one piece.
_TOKEN = re.compile(r"\S+\s*|\s+")


def side_by_side(theirs: str, mine: str) -> tuple[str, str]:
    """Safe HTML of both texts, word by word: what only theirs has in <del>, what
    only mine has in <ins>."""
    a, b = _TOKEN.findall(theirs or ""), _TOKEN.findall(mine or "")
    # Words are compared without their spacing ("words." ends one text and is
    # followed by more in the other), and shown with it.
    words = difflib.SequenceMatcher(
        None, [t.rstrip() for t in a], [t.rstrip() for t in b]
    )
    left, right = [], []
    for op, i1, i2, j1, j2 in words.get_opcodes():
        if op == "equal":
            left.append(escape("".join(a[i1:i2])))
            right.append(escape("".join(b[j1:j2])))
            continue
        if i2 > i1:
            left.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            right.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    # Every piece is escaped above.
    return mark_safe("".join(left)), mark_safe("".join(right))  # noqa: S308


def comparison(article: Article, conflict: ArticleConflict) -> dict:
    """The saved story (theirs) against the kept post (mine), field by field."""
    theirs = revisions.snapshot_of_article(article)
    mine = snapshot_of_post(conflict.data, article)
    rows, same = [], []
    for label, saved in theirs.items():
        if label in NOT_COMPARED:
            continue
        if saved == mine.get(label, ""):
            same.append(label)
            continue
        left, right = side_by_side(saved, mine.get(label, ""))
        rows.append({"label": label, "theirs": left, "mine": right})
    return {"rows": rows, "same": same, "mine": mine}


def pieces(article: Article, conflict: ArticleConflict) -> list[dict]:
    """The user's text of every field that differs from the saved story, to copy
    from; the body as (cleaned) HTML, so it pastes with its formatting."""
    compared = comparison(article, conflict)
    shown = []
    for row in compared["rows"]:
        label = row["label"]
        if label == "Body":
            html = sanitize_body(_value(conflict.data, "body"))
            shown.append({"label": label, "html": mark_safe(html)})  # noqa: S308
        else:
            shown.append({"label": label, "text": compared["mine"][label]})
    return shown
