import pytest

from tests.support.users import user_in_group
from webhooks.models import Event, Webhook


@pytest.fixture
def editor(django_user_model):
    return user_in_group(django_user_model, "ed", "Editor")


@pytest.fixture
def allow_local(settings):
    """The local receivers live on 127.0.0.1: let webhooks reach them."""
    settings.WEBHOOKS_ALLOW_PRIVATE = True
    settings.WEBHOOKS_TIMEOUT = 1
    settings.WEBHOOKS_RETRY_DELAY = 60
    settings.WEBHOOKS_MAX_ATTEMPTS = 3


def make_webhook(url, events=tuple(Event.values), **fields) -> Webhook:
    return Webhook.objects.create(
        name=fields.pop("name", "Partner"), url=url, events=list(events), **fields
    )
