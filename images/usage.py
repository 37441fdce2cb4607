"""Where library images are used, as the apps that use them say.

The library knows no story: an app that shows images registers, in its
AppConfig.ready(), a query for the ids it uses and a way to describe each use::

    usage.register(
        "featured",
        lambda: Article.objects.filter(featured_image__isnull=False).values(
            "featured_image_id"
        ),
        lambda ids: (
            (a.featured_image_id, f"Featured in “{a}”", admin_url(a))
            for a in Article.objects.filter(featured_image_id__in=ids)
        ),
    )

(articles/apps.py does this for the featured image.)

`Image.objects.in_use()` / `unused()` filter by the union of the registered
queries; `usages_of(ids)` describes a page of images with one query per
registered use, never one per image. With nothing registered, nothing is in use.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db.models import Q, QuerySet


@dataclass(frozen=True)
class Use:
    name: str
    # A one-column queryset of image ids, or several (one use, several columns).
    image_ids: Callable[[], QuerySet | tuple[QuerySet, ...]]
    describe: Callable[[list[int]], Iterable[tuple[int, str, str]]]


_uses: dict[str, Use] = {}


def register(
    name: str,
    image_ids: Callable[[], QuerySet | tuple[QuerySet, ...]],
    describe: Callable[[list[int]], Iterable[tuple[int, str, str]]],
) -> None:
    """Declare a use of library images. `image_ids()` returns a queryset of the
    ids used (run as a subquery), or a tuple of them; `describe(ids)` yields (image
    id, label, admin URL) for each use of those images, in one query. Registering
    a name again replaces it."""
    _uses[name] = Use(name, image_ids, describe)


def unregister(name: str) -> None:
    _uses.pop(name, None)


def registered() -> list[Use]:
    return list(_uses.values())


def in_use_filter() -> Q | None:
    """The condition "some registered use shows this image"; None when nothing
    is registered (so nothing is in use)."""
    condition = None
    for use in _uses.values():
        queries = use.image_ids()
        for query in queries if isinstance(queries, tuple) else (queries,):
            term = Q(pk__in=query)
            condition = term if condition is None else condition | term
    return condition


def usages_of(image_ids: Iterable[int]) -> dict[int, list[tuple[str, str]]]:
    """(label, admin URL) of every use of these images, by image id."""
    ids = list(image_ids)
    found = defaultdict(list)
    if not ids:
        return found
    for use in _uses.values():
        for image_id, label, url in use.describe(ids):
            found[image_id].append((label, url))
    return found


def usages(image) -> list[tuple[str, str]]:
    """(label, admin URL) of every use of one image."""
    return usages_of([image.pk]).get(image.pk, [])
