"""Autosave: what an editor typed into the story form, kept in a slot per story and
user until they save, restore or discard it.

The slot is only text: never a revision, never the story, never public. Restoring
fills the form; the editor still clicks Save, and the stale-save check of the form
(someone saved the story since) applies with the version the text started from.
"""

from datetime import timedelta

from django.conf import settings
from django.utils import timezone

from articles import writing
from articles.models import Article, ArticleAutosave

# The story fields a slot restores, with the names the "what differs" list uses.
# Publishing times, inlines and the featured image stay as the story has them.
RESTORED_FIELDS = {
    "headline": "headline",
    "slug": "address (slug)",
    "standfirst": "standfirst",
    "body": "body",
    "meta_description": "meta description",
    "social_headline": "social headline",
    "section": "section",
    "tags": "tags",
    "image_alt": "image description",
    "image_caption": "image caption",
    "image_credit": "image credit",
}
# The form's own fields the slot keeps besides the story's.
TOKEN_FIELD = "loaded_modified_at"
# Room for the other fields next to the largest body a story may have.
MARGIN_CHARS = 64_000
MAX_FIELDS = 300


class Rejected(ValueError):
    """The posted autosave is not kept; str() says why, status the HTTP status."""

    def __init__(self, message: str, status: int = 400):
        super().__init__(message)
        self.status = status


def max_chars() -> int:
    """The most characters one autosave keeps: a story body of the largest allowed
    size plus the rest of the form."""
    return settings.ARTICLE_BODY_MAX_CHARS + MARGIN_CHARS


def max_bytes() -> int:
    """The largest request body read at all (JSON of max_chars() characters)."""
    return 4 * max_chars()


def form_fields(payload) -> dict[str, str]:
    """The form fields in a posted payload, as text; anything else is refused.

    Nothing is validated as the form would (an empty headline is kept): an
    autosave keeps what was typed."""
    if not isinstance(payload, dict) or len(payload) > MAX_FIELDS:
        raise Rejected("An autosave is an object of at most 300 form fields.")
    fields = {}
    for name, value in payload.items():
        if name == "csrfmiddlewaretoken":
            continue
        if len(name) > 100 or not isinstance(value, str | bool | int | None):
            raise Rejected(f"The field “{name[:40]}” is not text.")
        fields[name] = "" if value is None else str(value)
    if sum(len(value) for value in fields.values()) > max_chars():
        raise Rejected(
            f"Too long to autosave: a story body may have at most "
            f"{settings.ARTICLE_BODY_MAX_CHARS:,} characters.",
            status=413,
        )
    return fields


def store(user, article: Article | None, draft_key: str, fields: dict) -> None:
    """Keep `fields` in the user's slot for the story (or for the new story with
    `draft_key`), replacing what it held: one UPDATE, or an INSERT the first time."""
    now = timezone.now()
    values = {"data": fields, "base_token": fields.get(TOKEN_FIELD, "")[:64]}
    slot = ArticleAutosave.objects.filter(user=user)
    if article is not None:
        slot, key = slot.filter(article=article), {"article": article}
    else:
        slot = slot.filter(article__isnull=True, draft_key=draft_key)
        key = {"draft_key": draft_key}
    if not slot.update(saved_at=now, **values):
        ArticleAutosave.objects.create(user=user, saved_at=now, **key, **values)


def offered(user, article: Article | None) -> ArticleAutosave | None:
    """The slot to offer on the story's form: the user's, if saved after the story
    was last saved. For a new story, the user's newest unsaved new story."""
    if article is None:
        return (
            ArticleAutosave.objects.filter(user=user, article__isnull=True)
            .order_by("-saved_at")
            .first()
        )
    return (
        ArticleAutosave.objects.filter(
            user=user, article=article, saved_at__gt=article.modified_at
        )
        .order_by()
        .first()
    )


def _story_value(article: Article, field: str) -> str:
    if field == "tags":
        return writing.format_tags(sorted(article.tags.names(), key=str.casefold))
    if field == "section":
        return str(article.section_id or "")
    return getattr(article, field) or ""


def differences(slot: ArticleAutosave, article: Article | None) -> list[str]:
    """The fields (as editors call them) whose autosaved text is not the story's."""
    changed = []
    for field, label in RESTORED_FIELDS.items():
        if field not in slot.data:
            continue
        typed = slot.data[field]
        if field == "tags":
            typed = writing.format_tags(writing.parse_tags(typed))
        saved = _story_value(article, field) if article else ""
        if typed.strip() != saved.strip():
            changed.append(label)
    return changed


def initial_values(slot: ArticleAutosave, form_field_names) -> dict[str, str]:
    """The slot as a form's initial data: the restored fields the form has, and the
    version the text started from (so a save since is still refused)."""
    initial = {
        field: slot.data[field]
        for field in RESTORED_FIELDS
        if field in slot.data and field in form_field_names
    }
    if slot.article_id is not None and slot.base_token:
        initial[TOKEN_FIELD] = slot.base_token
    return initial


def discard(user, slot_id) -> int:
    """Delete the user's slot with this id (someone else's is never touched)."""
    return ArticleAutosave.objects.filter(user=user, pk=slot_id).delete()[0]


def forget(user, article: Article | None, draft_key: str = "") -> None:
    """After a save: the text is in the story now."""
    if article is not None:
        ArticleAutosave.objects.filter(user=user, article=article).delete()
    if draft_key:
        ArticleAutosave.objects.filter(
            user=user, article__isnull=True, draft_key=draft_key
        ).delete()


def delete_older_than(days: int) -> int:
    """Delete every slot last saved more than `days` days ago; how many went."""
    cutoff = timezone.now() - timedelta(days=days)
    return ArticleAutosave.objects.filter(saved_at__lt=cutoff).delete()[0]
