"""Forged admin action posts (ids that are not ids, actions that do not exist, a
bad action index) are answered with a message or a 4xx, never a 500, on every
admin changelist."""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


def changelists():
    for model, model_admin in admin.site._registry.items():
        name = f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"
        yield pytest.param(model, model_admin, name, id=model._meta.label)


def first_action(model_admin, request_user):
    request = RequestFactory().get("/")
    request.user = request_user
    actions = model_admin.get_actions(request)
    return next(iter(actions), "delete_selected")


FORGED = {
    "id-not-a-number": lambda action: {
        "action": action,
        "_selected_action": ["abc"],
        "index": "0",
    },
    "nul-id": lambda action: {
        "action": action,
        "_selected_action": ["\x00"],
        "index": "0",
    },
    "huge-id": lambda action: {
        "action": action,
        "_selected_action": ["9" * 40],
        "index": "0",
    },
    "unknown-action": lambda action: {
        "action": "no_such_action",
        "_selected_action": ["1"],
        "index": "0",
    },
    "index-not-a-number": lambda action: {
        "action": action,
        "_selected_action": ["1"],
        "index": "abc",
    },
    "index-out-of-range": lambda action: {
        "action": action,
        "_selected_action": ["1"],
        "index": "99",
    },
    "select-across-junk": lambda action: {
        "action": action,
        "select_across": "abc",
        "_selected_action": ["1"],
        "index": "0",
    },
}


@pytest.mark.parametrize("forgery", FORGED)
@pytest.mark.parametrize(("model", "model_admin", "name"), list(changelists()))
def test_forged_action_post_is_never_a_server_error(
    client, superuser, model, model_admin, name, forgery
):
    client.force_login(superuser)
    data = FORGED[forgery](first_action(model_admin, superuser))

    response = client.post(reverse(name), data)

    assert response.status_code < 500


def test_forged_id_among_real_ones_deletes_nothing_and_says_so(client, superuser):
    story = make_article()
    client.force_login(superuser)

    response = client.post(
        reverse("admin:articles_article_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [story.pk, "abc"],
            "post": "yes",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "nothing was done" in response.content.decode()
    assert type(story).objects.filter(pk=story.pk).exists()
