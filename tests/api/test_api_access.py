"""Who may read the API and how often: per-IP limits for anonymous readers (cached
answers count too), partner keys with their own limits and usage counts, CORS."""

import pytest
from django.test import Client

from api.models import ApiKey, key_hash
from tests.support import pagecache as pagecache_fixtures
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db

page_cache_on = pagecache_fixtures.page_cache_on


@pytest.fixture
def limits(settings):
    settings.API_RATE_LIMIT = 3
    settings.API_KEY_RATE_LIMIT = 6
    settings.API_RATE_WINDOW = 60
    return settings


def statuses(client, n, **headers):
    return [
        client.get("/api/v1/stories/", headers=headers).status_code for _ in range(n)
    ]


def test_anonymous_readers_are_limited_per_ip_even_on_cached_answers(limits):
    make_article()
    reader = Client(REMOTE_ADDR="198.51.100.7")
    assert statuses(reader, 4) == [200, 200, 200, 429]
    refused = reader.get("/api/v1/stories/")
    assert int(refused["Retry-After"]) >= 1
    assert "API key" in refused.json()["detail"]
    assert "no-store" in refused["Cache-Control"]
    # Another address has its own count.
    assert statuses(Client(REMOTE_ADDR="198.51.100.8"), 1) == [200]


def test_a_partner_key_has_its_own_higher_limit_and_counts_its_uses(limits):
    make_article()
    key, secret = ApiKey.objects.issue("Mobile app")
    partner = Client(REMOTE_ADDR="198.51.100.7")
    assert statuses(partner, 7, x_api_key=secret) == [200] * 6 + [429]
    key.flush_uses()
    key.refresh_from_db()
    assert key.usage_count == 6
    assert key.last_used_at is not None


def test_a_key_can_carry_its_own_limit(limits):
    make_article()
    _key, secret = ApiKey.objects.issue("Newsletter", rate_limit=1)
    assert statuses(Client(), 2, x_api_key=secret) == [200, 429]


def test_unknown_and_revoked_keys_are_refused(client, limits):
    make_article()
    key, secret = ApiKey.objects.issue("Former partner")
    assert (
        client.get("/api/v1/stories/", headers={"x-api-key": secret}).status_code == 200
    )
    assert key.revoke() is True

    for sent in (secret, "nr_guess", "\u00e9"):
        response = client.get("/api/v1/stories/", headers={"x-api-key": sent})
        assert response.status_code == 401
        assert "revoked" in response.json()["detail"]
    assert key.revoke() is False


def test_keys_are_stored_hashed_and_shown_once_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/api/apikey/add/", {"name": "Syndication partner", "rate_limit": ""}
    )
    assert response.status_code == 200
    key = ApiKey.objects.get(name="Syndication partner")
    secret = response.context["secret"]
    assert secret.startswith("nr_") and secret in response.content.decode()
    assert key.key_hash == key_hash(secret) and secret not in key.key_hash
    assert "no-store" in response["Cache-Control"]
    page = admin_client.get(f"/admin/api/apikey/{key.pk}/change/").content.decode()
    assert secret not in page and key.prefix in page


def test_the_admin_revokes_keys(admin_client):
    key, secret = ApiKey.objects.issue("Old app")
    admin_client.post(
        "/admin/api/apikey/",
        {"action": "revoke", "_selected_action": [key.pk]},
    )
    response = Client().get("/api/v1/sections/", headers={"x-api-key": secret})
    assert response.status_code == 401


def test_cors_allows_reads_from_configured_origins_only(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.example.com"]
    make_article()
    allowed = client.get(
        "/api/v1/stories/", headers={"origin": "https://app.example.com"}
    )
    assert allowed["Access-Control-Allow-Origin"] == "https://app.example.com"
    # A cached answer does not carry the first reader's origin to another.
    other = client.get("/api/v1/stories/", headers={"origin": "https://evil.example"})
    assert other["X-Page-Cache"] == "hit"
    assert not other.has_header("Access-Control-Allow-Origin")
    preflight = client.options(
        "/api/v1/stories/",
        headers={
            "origin": "https://app.example.com",
            "access-control-request-method": "GET",
        },
    )
    assert preflight.status_code == 200
    assert "POST" not in preflight["Access-Control-Allow-Methods"]
    page = client.get("/", headers={"origin": "https://app.example.com"})
    assert not page.has_header("Access-Control-Allow-Origin")
