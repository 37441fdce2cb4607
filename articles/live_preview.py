"""The live preview of the story form: what is typed, not yet saved, rendered as
readers will see it (articles/live_preview_admin.py serves it to the form's panel).

Nothing is written. The admin's own form and inline rows validate the post, then the
story (with its bylines, quotes, corrections and tags) is put together in memory and
rendered by pages.render_article(), the readers' template. Not a save inside a
transaction that is rolled back: a save takes SQLite's write lock, sends the model
signals that bump the page cache's content version at once (before any rollback),
rebuilds search entries and may claim a story's address; an object in memory does
none of that, and a preview can never become public by accident.
"""

from dataclasses import dataclass, field

from django.http import HttpRequest, HttpResponse
from taggit.models import Tag

from articles.models import Article, Author, Byline, Correction, Quote
from articles.pages import render_article
from articles.previews import mark_preview

# A story not saved yet gets this id in memory: related rows are read through an id,
# and no saved story has 0, so the page's other queries (comments, navigation) find
# nothing of it.
UNSAVED_ID = 0


@dataclass
class LivePreview:
    article: Article
    errors: list[str] = field(default_factory=list)


def loaded(model, rows):
    """A queryset of `model` already holding `rows` (no query when read), as a
    prefetch leaves it: the page's templates read relations with .all()."""
    queryset = model._default_manager.all()
    queryset._result_cache = list(rows)
    queryset._prefetch_done = True
    return queryset


def kept_rows(formset) -> list:
    """The formset's rows as the form would save them: new rows someone filled in,
    existing rows not marked for deletion, each without errors."""
    rows = []
    for form in formset.forms:
        cleaned = getattr(form, "cleaned_data", None)
        if not cleaned or form.errors:
            continue
        if formset.can_delete and cleaned.get("DELETE"):
            continue
        if form.instance.pk is None and not form.has_changed():
            continue  # an empty extra row
        rows.append(form.instance)
    return rows


def errors_of(form, formsets) -> list[str]:
    """Every reason the form would not save, as the editor reads it."""
    messages = list(form.non_field_errors())
    for name, errors in form.errors.items():
        if name == "__all__":
            continue
        label = form.fields[name].label if name in form.fields else name
        messages += [f"{label}: {error}" for error in errors]
    for formset in formsets:
        title = formset.model._meta.verbose_name
        messages += list(formset.non_form_errors())
        for number, row in enumerate(formset.forms, start=1):
            for name, errors in row.errors.items():
                where = "" if name == "__all__" else f" {name.replace('_', ' ')}"
                messages += [f"{title} {number}{where}: {error}" for error in errors]
    return messages


def _tags(form, article) -> list:
    if "tags" in form.cleaned_data:
        names = list(dict.fromkeys(form.cleaned_data["tags"]))
    elif article.pk:
        return list(article.tags.all())
    else:
        return []
    existing = {tag.name: tag for tag in Tag.objects.filter(name__in=names)}
    return [
        existing.get(name) or Tag(name=name, slug=Tag().slugify(name)) for name in names
    ]


def unsaved_story(form, formsets, user) -> LivePreview:
    """The story as the validated (or partly valid) admin form and inline formsets
    describe it, in memory only. Call after form.is_valid() and all_valid()."""
    # ModelForm validation has already copied every valid field onto the instance.
    article = form.instance
    tags = _tags(form, article)
    if article.pk is None:
        article.pk = UNSAVED_ID
    article.body = article.cleaned_body()
    rows = {formset.model: kept_rows(formset) for formset in formsets}
    bylines = sorted(rows.get(Byline, []), key=lambda byline: byline.position)
    if not bylines and article.pk == UNSAVED_ID:
        # Saving a new story gives its writer's byline (ArticleAdmin.save_related).
        if own := Author.objects.filter(user=user).first():
            bylines = [Byline(author=own, position=0)]
    quotes = sorted(rows.get(Quote, []), key=lambda quote: quote.number or 0)
    for quote in quotes:
        quote.fill_speaker_slug()
    corrections = sorted(
        rows.get(Correction, []), key=lambda note: (note.noted_at, note.pk or 0)
    )
    article._prefetched_objects_cache = {
        "bylines": loaded(Byline, bylines),
        "quotes": loaded(Quote, quotes),
        "corrections": loaded(Correction, corrections),
        "tags": loaded(Tag, tags),
    }
    return LivePreview(article, errors_of(form, formsets))


def render(request: HttpRequest, preview: LivePreview) -> HttpResponse:
    """The readers' page of the unsaved story, with the preview banner; never cached,
    never indexed. The admin's pending messages are not the page's to show."""
    response = render_article(request, preview.article, preview=True, messages=())
    return mark_preview(response)
