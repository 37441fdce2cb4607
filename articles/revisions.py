"""Revisions of a story with django-reversion: what is stored, how two are compared,
and how an old one is restored.

One revision holds the story *and* its bylines, tag rows, quotes and corrections
(``follow``), so a restore brings all of them back. Restoring never changes the
workflow state (status, publish and expiry times): going live stays an explicit
Publish; and it never deletes a correction, because corrections are public record.
"""

import difflib
import re

import reversion
from django.core.exceptions import ObjectDoesNotExist
from django.db import DatabaseError, IntegrityError, transaction
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe
from reversion.models import Version
from taggit.models import Tag, TaggedItem

from articles import richdiff, workflow
from articles.models import Article, Author, Byline, Correction, Quote, Section
from images.models import Image

# tagged_items is the GenericRelation taggit adds to the model.
FOLLOW = ["bylines", "quotes", "corrections", "tagged_items"]
# Restoring a revision leaves these as they are now (see the module docstring).
KEPT_ON_RESTORE = {
    "id",
    "status",
    "published_at",
    "expires_at",
    "updated_at",
    "modified_at",
    "created_at",
    "created_by",
    "comment_count",
}


def register() -> None:
    """Called once, by articles/admin.py before ArticleAdmin exists (see there)."""
    for model in (Byline, Quote, Correction, TaggedItem):
        if not reversion.is_registered(model):
            reversion.register(model)
    if not reversion.is_registered(Article):
        reversion.register(Article, follow=FOLLOW)


def versions_of(article):
    """The story's stored versions, newest first, with who and when."""
    return (
        Version.objects.get_for_object(article)
        .select_related("revision__user")
        .order_by("-revision__date_created", "-pk")
    )


def saved_since(article, moment):
    """The newest version stored after `moment` (who saved in between), or None."""
    return versions_of(article).filter(revision__date_created__gt=moment).first()


# --- Snapshots and differences -------------------------------------------------


def _body_text(html: str) -> str:
    html = re.sub(r"(?i)</(p|h[1-6]|li|blockquote|figure)>", "\n", html or "")
    html = re.sub(r"(?i)<br\s*/?>", "\n", html)
    return "\n".join(line.strip() for line in strip_tags(html).splitlines() if line)


def _names(model, ids, attribute="name") -> dict:
    return dict(model.objects.filter(pk__in=ids).values_list("pk", attribute))


def _image_label(fields: dict, field: str) -> str:
    """The library image a stored (or posted) story names in `field`, readably."""
    image_id = fields.get(f"{field}_id", fields.get(field))
    if not image_id:
        return ""
    found = Image.objects.filter(pk=image_id).only("alt_text").first()
    return (
        f"{found} (library image {image_id})"
        if found
        else f"(deleted image {image_id})"
    )


def _snapshot(fields: dict, bylines, tag_ids, quotes, corrections) -> dict:
    """The story as an editor reads it: label → text."""
    section = _names(Section, [fields.get("section_id")]).get(fields.get("section_id"))
    authors = _names(Author, [b["author_id"] for b in bylines])
    tags = _names(Tag, tag_ids)
    story = Article(
        status=fields.get("status"),
        published_at=fields.get("published_at"),
        expires_at=fields.get("expires_at"),
    )
    image = _image_label(fields, "featured_image")
    return {
        "Headline": fields.get("headline", ""),
        "Slug": fields.get("slug", ""),
        "Standfirst": fields.get("standfirst", ""),
        "Meta description": fields.get("meta_description", ""),
        "Social headline": fields.get("social_headline", ""),
        "Body": _body_text(fields.get("body", "")),
        "Status": workflow.describe_status(story),
        "Section": section or "",
        "Bylines": ", ".join(
            authors.get(b["author_id"], f"(deleted author {b['author_id']})")
            for b in sorted(bylines, key=lambda b: (b["position"], b["id"]))
        ),
        "Tags": ", ".join(sorted(tags.get(t, f"(deleted tag {t})") for t in tag_ids)),
        "Featured image": "\n".join(
            part
            for part in (
                image,
                f"Caption: {fields.get('image_caption', '')}" if image else "",
                f"Credit: {fields.get('image_credit', '')}" if image else "",
            )
            if part
        ),
        "Social image": _image_label(fields, "social_image"),
        "Quotes": "\n".join(
            f"[quote {q['number']}] {q['speaker']}: “{q['text']}”"
            + (f" ({q['source_name']})" if q.get("source_name") else "")
            for q in sorted(quotes, key=lambda q: q["number"])
        ),
        "Corrections": "\n".join(
            f"{c['kind'].capitalize()}: {c['text']}"
            for c in sorted(corrections, key=lambda c: (c["noted_at"], c["id"]))
        ),
        "Comments open": "yes" if fields.get("allow_comments") else "no",
    }


def snapshot_of_article(article) -> dict:
    fields = {f.attname: getattr(article, f.attname) for f in article._meta.fields}
    return _snapshot(
        fields,
        list(article.bylines.values("id", "author_id", "position")),
        list(article.tagged_items.values_list("tag_id", flat=True)),
        list(article.quotes.values()),
        list(article.corrections.values()),
    )


def _children(version) -> dict[str, list[Version]]:
    """The versions stored alongside `version`, grouped by model name."""
    grouped: dict[str, list[Version]] = {}
    for sibling in version.revision.version_set.select_related("content_type"):
        grouped.setdefault(sibling.content_type.model, []).append(sibling)
    return grouped


def snapshot_of_version(version) -> dict:
    children = _children(version)
    pk = str(version.object_id)

    def rows(model_name, parent_field="article_id"):
        return [
            v.field_dict | {"id": v.field_dict.get("id", v.object_id)}
            for v in children.get(model_name, [])
            if str(v.field_dict.get(parent_field)) == pk
        ]

    fields = version.field_dict
    tagged = [
        v.field_dict["tag_id"]
        for v in children.get("taggeditem", [])
        if str(v.field_dict.get("object_id")) == pk
    ]
    return _snapshot(
        fields,
        rows("byline"),
        tagged,
        rows("quote"),
        rows("correction"),
    )


_TOKEN = re.compile(r"\s+|[^\s]+")


def word_diff(old: str, new: str) -> str:
    """Safe HTML of `new` against `old`: removed words in <del>, added in <ins>."""
    a, b = _TOKEN.findall(old or ""), _TOKEN.findall(new or "")
    out = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, a, b).get_opcodes():
        if op == "equal":
            out.append(escape("".join(a[i1:i2])))
            continue
        if i2 > i1:
            out.append(f"<del>{escape(''.join(a[i1:i2]))}</del>")
        if j2 > j1:
            out.append(f"<ins>{escape(''.join(b[j1:j2]))}</ins>")
    return mark_safe("".join(out))  # noqa: S308 - every piece is escaped above


def differences(old: dict, new: dict, bodies: tuple[str, str] | None = None):
    """Only the parts that changed, each with a readable word diff. Given the two
    bodies' HTML, the body's is HTML-aware (articles/richdiff.py): a changed link
    or emphasis shows even where the words are the same."""
    found = []
    for label in new:
        if label == "Body" and bodies is not None:
            if (diff := richdiff.body_diff(*bodies)) is not None:
                found.append({"label": label, "diff": diff, "rich": True})
        elif old.get(label, "") != new.get(label, ""):
            diff = word_diff(old.get(label, ""), new.get(label, ""))
            found.append({"label": label, "diff": diff})
    return found


def body_of_version(version) -> str:
    """The body's HTML as stored in `version`."""
    return version.field_dict.get("body") or ""


# --- Restore --------------------------------------------------------------------


def restore(article, version, user) -> list[str]:
    """Bring back the story as stored in `version`, as a new revision.

    Returns warnings for anything that could not come back (a deleted image file,
    author or tag); everything else is restored.
    """
    workflow.require(user, "restore", article)
    children = _children(version)
    pk = str(article.pk)
    warnings: list[str] = []
    with transaction.atomic(), reversion.create_revision():
        story = Article.objects.select_for_update().get(pk=article.pk)
        old = version._object_version.object

        # Children first, so the new revision (taken when the story is saved) has them.
        Byline.objects.filter(article=story).delete()
        Quote.objects.filter(article=story).delete()
        story.tagged_items.all().delete()
        existing_notes = set(story.corrections.values_list("pk", flat=True))
        for model_name, describe in (
            ("byline", "a byline whose author has been deleted"),
            ("quote", "a quote"),
            ("taggeditem", "a tag that has been deleted"),
            ("correction", "a correction"),
        ):
            for child in children.get(model_name, []):
                data = child.field_dict
                parent = data.get(
                    "object_id" if model_name == "taggeditem" else "article_id"
                )
                if str(parent) != pk:
                    continue
                if (
                    model_name == "correction"
                    and int(child.object_id) in existing_notes
                ):
                    continue  # corrections are public record: never rolled back
                try:
                    with transaction.atomic():
                        child.revert()
                except (IntegrityError, DatabaseError, ObjectDoesNotExist):
                    warnings.append(f"Could not bring back {describe}.")

        for field in Article._meta.concrete_fields:
            if field.name in KEPT_ON_RESTORE:
                continue
            setattr(story, field.attname, getattr(old, field.attname))
        for field, name in (
            ("featured_image", "featured image"),
            ("social_image", "social image"),
        ):
            image_id = getattr(story, f"{field}_id")
            if image_id and not Image.objects.filter(pk=image_id).exists():
                warnings.append(
                    f"The {name} of that version (library image {image_id}) no "
                    f"longer exists, so the story was restored without a {name}: "
                    "choose one again."
                )
                setattr(story, field, None)
        story.save()
        reversion.set_user(user)
        when = workflow.format_moment(version.revision.date_created)
        reversion.set_comment(f"Restored the version of {when}.")
    article.refresh_from_db()
    return warnings
