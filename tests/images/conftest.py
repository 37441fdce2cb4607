import pytest

from images import usage
from images.models import Image
from tests.support.users import user_with_perms


@pytest.fixture
def librarian(django_user_model):
    """A desk member who may view, add, change and delete library images."""
    return user_with_perms(
        django_user_model,
        "librarian",
        "images.view_image",
        "images.add_image",
        "images.change_image",
        "images.delete_image",
    )


@pytest.fixture
def librarian_client(client, librarian):
    client.force_login(librarian)
    return client


@pytest.fixture
def story_use():
    """A stand-in for the stories app: "Story 7" shows the images whose ids are
    in the returned set (add to it), registered as the real apps will be."""
    shown = set()

    def image_ids():
        return Image.objects.filter(pk__in=shown).values("pk")

    def describe(ids):
        return [
            (pk, "Story 7: Floods", "/admin/articles/article/7/change/")
            for pk in ids
            if pk in shown
        ]

    usage.register("test-stories", image_ids, describe)
    yield shown
    usage.unregister("test-stories")
