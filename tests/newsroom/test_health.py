"""/healthz: database and cache checks, no secrets, never cached."""

import json

import pytest
from django.db import OperationalError, connection

from tests.support.ops import free_port

pytestmark = pytest.mark.django_db


def closed_port_redis_cache() -> dict:
    return {
        "default": {
            "BACKEND": "newsroom.cache_backend.ResilientRedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }


def refuse_queries(execute, sql, params, many, context):
    raise OperationalError(
        'connection to server at "db.internal" (10.0.0.5), port 5432 failed: '
        "FATAL: password authentication failed for user newsroom password=hunter2"
    )


def test_healthy_site_answers_200_with_every_check_ok(client):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response.json()["status"] == "ok"
    assert response.json()["checks"] == {"database": {"default": "ok"}, "cache": "ok"}


def test_health_is_never_cached_even_with_the_page_cache_on(client, settings):
    settings.PAGE_CACHE_SECONDS = 300
    first = client.get("/healthz")
    second = client.get("/healthz")

    assert "no-store" in first["Cache-Control"]
    assert "X-Page-Cache" not in first and "X-Page-Cache" not in second
    assert second.status_code == 200


def test_database_down_answers_503_naming_the_error_class_only(client):
    with connection.execute_wrapper(refuse_queries):
        response = client.get("/healthz")

    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["checks"]["database"]["default"] == "error: OperationalError"
    text = response.content.decode()
    for secret in ("hunter2", "db.internal", "10.0.0.5", "newsroom password"):
        assert secret not in text


def test_response_never_contains_settings_secrets(client, settings):
    settings.SECRET_KEY = "s3cr3t-signing-key-for-this-test-only"
    response = client.get("/healthz")

    assert settings.SECRET_KEY not in response.content.decode()
    assert "postgres://" not in response.content.decode()


def test_cache_down_answers_200_degraded_so_the_server_stays_in_rotation(
    client, settings
):
    settings.CACHES = closed_port_redis_cache()

    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["status"] == "degraded"
    assert response.json()["checks"]["cache"].startswith("error")
    assert response.json()["checks"]["database"] == {"default": "ok"}


def test_health_refuses_post(client):
    assert client.post("/healthz").status_code == 405


def test_head_request_is_answered(client):
    response = client.head("/healthz")

    assert response.status_code == 200
    assert response.content == b""


def test_body_is_plain_json_for_monitors(client):
    data = json.loads(client.get("/healthz").content)

    assert set(data) == {"status", "checks", "duration_ms"}
    assert isinstance(data["duration_ms"], int | float)
