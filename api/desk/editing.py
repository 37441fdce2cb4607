"""Writing through the desk API, with the admin's rules: who may (articles.workflow),
what the body may hold (articles/sanitize.py, embeds), quotes that fit the body,
no silent overwrite (the admin's modified_at token), one revision with the user,
and all of it in one transaction: a refusal leaves nothing half-written."""

import reversion
from django.core.exceptions import ValidationError
from django.db import transaction

from articles import embeds, events, workflow
from articles.admin_forms import quote_placement_problem
from articles.models import Article, Author, Byline, Quote
from articles.sanitize import sanitize_body


class Stale(Exception):
    """The story was saved after the version the tool read."""

    def __init__(self, story):
        self.version = version_of(story)
        super().__init__(
            f"Not saved: “{story.headline}” was saved at {self.version}, after the "
            "version you sent. Read it again, then send your change with the "
            "current version."
        )


class NotFound(Exception):
    pass


def version_of(story: Article) -> str:
    """What a tool sends back to say which save it read (the admin's token)."""
    return story.modified_at.isoformat()


def may_use_desk(user) -> bool:
    return user.is_active and user.is_staff and workflow.may_write(user)


def require_desk(user) -> None:
    if not may_use_desk(user):
        raise workflow.NotAllowed(
            "Your role does not write stories: this token cannot use the desk."
        )


def story_for(user, pk: int, *, lock=False) -> Article:
    """The story if the user may see it on their desk (else NotFound: whether
    someone else's draft exists is not theirs to know)."""
    require_desk(user)
    stories = Article.objects.select_for_update() if lock else Article.objects
    story = stories.filter(pk=pk).first()
    if story is None or not workflow.allowed(user, "view", story):
        raise NotFound
    return story


def _locked_at_version(user, pk: int, version: str) -> Article:
    story = story_for(user, pk, lock=True)
    if version != version_of(story):
        raise Stale(story)
    return story


def create_draft(user, data: dict) -> Article:
    """A new draft written by `user`, with their byline if they have one."""
    require_desk(user)
    if not user.has_perm("articles.add_article"):
        raise workflow.NotAllowed("Your role may not write new stories.")
    story = Article(created_by=user, status=Article.Status.DRAFT)
    with transaction.atomic(), reversion.create_revision():
        _write(user, story, data, creating=True)
        if author := Author.objects.filter(user=user).first():
            Byline.objects.create(article=story, author=author, position=0)
        reversion.set_user(user)
        reversion.set_comment("Written through the desk API.")
    return story


def update_story(user, pk: int, version: str, data: dict) -> Article:
    """Change a story the user may change, if nobody saved it since `version`."""
    with transaction.atomic(), reversion.create_revision():
        story = _locked_at_version(user, pk, version)
        workflow.require(user, "change", story)
        _write(user, story, data, creating=False)
        reversion.set_user(user)
        reversion.set_comment("Changed through the desk API.")
        if story.is_published():
            # As the admin's plain save of a live story (articles/admin.py).
            events.announce(events.UPDATED, story.pk)
    return story


def transition(user, pk: int, version: str, action: str, when=None) -> Article:
    """Send for review, publish, schedule or unpublish (Article.apply(): the
    workflow's permission, the state check, the revision with the user)."""
    with transaction.atomic():
        story = _locked_at_version(user, pk, version)
        story.apply(action, by=user, when=when)
        if action == "submit":
            workflow.notify_reviewers_on_commit(story, user)
    return story


def _write(user, story: Article, data: dict, *, creating: bool) -> None:
    keeps_raw = workflow.may_keep_raw_html(user)
    if "raw_html" in data and data["raw_html"] != story.raw_html and not keeps_raw:
        raise workflow.NotAllowed(
            "Only an editor may switch hand-written HTML on or off."
        )
    if "body" in data and story.raw_html and not creating and not keeps_raw:
        # As in the admin, where the field is read-only for them.
        raise workflow.NotAllowed(
            f"“{story.headline}” has hand-written HTML: only an editor may change "
            "its body."
        )
    tags, quotes = data.pop("tags", None), data.pop("quotes", None)
    for name, value in data.items():
        setattr(story, name, value)
    if "body" in data:
        if problems := embeds.refusals(story.body):
            raise ValidationError({"body": problems})
        if not story.raw_html:
            story.body = sanitize_body(story.body)  # the admin form's cleaning
        # An editor's hand-written HTML is cleaned by save() with the trusted list.
    story.full_clean(exclude=["slug"])
    numbers = (
        [q["number"] for q in quotes]
        if quotes is not None
        else list(story.quotes.values_list("number", flat=True))
        if story.pk
        else []
    )
    if problem := quote_placement_problem(story.placed_quote_counts(), numbers):
        raise ValidationError({"quotes": [problem]})
    story.save()
    if tags is not None:
        story.tags.set(tags)
    if quotes is not None:
        story.quotes.all().delete()
        for quote in quotes:
            Quote(article=story, **quote).save()
