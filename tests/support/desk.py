"""Helpers for the editorial-desk tests: the cast, and admin form posts."""

import reversion
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from articles import writing
from articles.models import Article, Correction
from tests.support.factories import (
    make_article,
    make_author,
    make_library_image,
    make_section,
)
from tests.support.users import user_in_group

# Who may change a story (and so autosave it, or be shown as having it open), by
# role and whose story it is: the HTTP status a desk endpoint answers with.
CHANGE_FORM_RULE = [
    ("Contributor", "own", 200),
    ("Contributor", "other", 403),
    ("Author", "own", 200),
    ("Author", "other", 403),
    ("Editor", "own", 200),
    ("Editor", "other", 200),
    ("Superuser", "other", 200),
    ("No role", "other", 403),  # a moderator
]


def make_staff(django_user_model, role: str, username: str | None = None):
    """A staff member in a role; "Superuser"; or "No role" (a moderator, say)."""
    username = username or role.lower().replace(" ", "")
    if role == "Superuser":
        return django_user_model.objects.create_superuser(
            username, f"{username}@example.com", "pw"
        )
    if role == "No role":
        # The comments app's Moderator group has no story permissions; use it if
        # it exists, otherwise a staff member without any group.
        user = django_user_model.objects.create_user(
            username, f"{username}@example.com", "pw", is_staff=True
        )
        if moderator := Group.objects.filter(name="Moderator").first():
            user.groups.add(moderator)
        return user
    return user_in_group(django_user_model, username, role)


def busy_story(editor, **fields) -> Article:
    """A story with something in every part of its change form: a section, two
    bylines, tags, a quote, a featured image, a correction, and a revision saved
    by editor."""
    story = make_article(
        headline="Busy",
        section=make_section(),
        authors=[make_author(), make_author()],
        tags=["harbour", "bridges", "council"],
        quotes=[{"text": "Yes", "speaker": "Mayor"}],
        featured_image=make_library_image(),
        **fields,
    )
    Correction.objects.create(article=story, kind="correction", text="Fixed.")
    with reversion.create_revision():
        story.save()
        reversion.set_user(editor)
    return story


def _split(moment):
    if moment is None:
        return {"0": "", "1": ""}
    local = timezone.localtime(moment)
    return {"0": local.strftime("%Y-%m-%d"), "1": local.strftime("%H:%M:%S")}


def change_form_data(article: Article, **overrides) -> dict:
    """What the admin change form posts for `article`, with `overrides` applied."""
    article.refresh_from_db()
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "standfirst": article.standfirst,
        "body": article.body,
        "meta_description": article.meta_description,
        "social_headline": article.social_headline,
        "section": article.section_id or "",
        "tags": writing.format_tags(t.name for t in article.tags.all()),
        "featured_image": article.featured_image_id or "",
        "social_image": article.social_image_id or "",
        "image_caption": article.image_caption,
        "image_credit": article.image_credit,
        "loaded_modified_at": article.modified_at.isoformat(),
    }
    if article.allow_comments:
        data["allow_comments"] = "on"
    for field in ("published_at", "expires_at"):
        for part, value in _split(getattr(article, field)).items():
            data[f"{field}_{part}"] = value
    for prefix, rows, fields in [
        ("bylines", article.bylines.all(), ["author", "position"]),
        (
            "quotes",
            article.quotes.all(),
            ["number", "kind", "text", "speaker", "speaker_role", "source_name"],
        ),
        ("corrections", article.corrections.all(), ["kind", "text"]),
    ]:
        rows = list(rows)
        data |= {
            f"{prefix}-TOTAL_FORMS": str(len(rows)),
            f"{prefix}-INITIAL_FORMS": str(len(rows)),
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
        for i, row in enumerate(rows):
            data[f"{prefix}-{i}-id"] = row.pk
            data[f"{prefix}-{i}-article"] = article.pk
            for name in fields:
                value = getattr(row, f"{name}_id", None) or getattr(row, name)
                data[f"{prefix}-{i}-{name}"] = value
            if prefix == "corrections":
                data |= {
                    f"{prefix}-{i}-noted_at_{k}": v
                    for k, v in _split(row.noted_at).items()
                }
    for key, value in overrides.items():
        if key in ("published_at", "expires_at"):
            for part, text in _split(value).items():
                data[f"{key}_{part}"] = text
        else:
            data[key] = value
    return data


def add_form_data(**overrides) -> dict:
    data = {
        "headline": "A new story",
        "slug": "",
        "standfirst": "",
        "body": "<p>Text.</p>",
        "section": "",
        "tags": "",
        "featured_image": "",
        "image_caption": "",
        "image_credit": "",
        "allow_comments": "on",
        "published_at_0": "",
        "published_at_1": "",
        "expires_at_0": "",
        "expires_at_1": "",
    }
    for prefix in ("bylines", "quotes", "corrections"):
        data |= {
            f"{prefix}-TOTAL_FORMS": "0",
            f"{prefix}-INITIAL_FORMS": "0",
            f"{prefix}-MIN_NUM_FORMS": "0",
            f"{prefix}-MAX_NUM_FORMS": "1000",
        }
    return data | overrides


def csrf_token_from_change_form(client, article) -> str:
    """Open the change form, which sets the CSRF cookie, and return its token."""
    client.get(change_url(article))
    return client.cookies["csrftoken"].value


def own_queries(captured) -> list[str]:
    """The SQL of a desk request beyond who is asking (the session, user and
    permission rows every admin request reads) and savepoints."""
    return [
        q["sql"]
        for q in captured.captured_queries
        if not any(t in q["sql"] for t in ("django_session", "auth_", "SAVEPOINT"))
    ]


def change_url(article) -> str:
    return reverse("admin:articles_article_change", args=[article.pk])


def post_change(client, article, follow=False, **overrides):
    return client.post(
        change_url(article), change_form_data(article, **overrides), follow=follow
    )
