"""Structured request logs: one line per request with method, path, status, time, id."""

import importlib
import json
import logging
import sys

import pytest

from newsroom.requestlog import JsonFormatter
from tests.support.factories import make_article

pytestmark = pytest.mark.django_db


def request_records(caplog):
    return [r for r in caplog.records if r.name == "newsroom.request"]


def test_each_request_logs_one_line_with_method_path_status_duration_and_id(
    client, caplog
):
    article = make_article()
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        response = client.get(article.get_absolute_url())

    [record] = request_records(caplog)
    assert record.method == "GET"
    assert record.path == article.get_absolute_url()
    assert record.status == 200
    assert record.duration_ms >= 0
    assert record.request_id == response["X-Request-ID"]
    assert len(record.request_id) == 32


def test_a_404_is_logged_with_its_status(client, caplog):
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        client.get("/no/such/page/")

    [record] = request_records(caplog)
    assert record.status == 404


def test_the_proxys_request_id_is_kept_so_logs_can_be_joined(client, caplog):
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        response = client.get("/healthz", HTTP_X_REQUEST_ID="f3a9c2e1d4b5a6978877")

    assert response["X-Request-ID"] == "f3a9c2e1d4b5a6978877"
    assert request_records(caplog)[0].request_id == "f3a9c2e1d4b5a6978877"


def test_a_malformed_request_id_is_replaced(client):
    response = client.get("/healthz", HTTP_X_REQUEST_ID="<script>alert(1)</script>")

    assert "<" not in response["X-Request-ID"]
    assert len(response["X-Request-ID"]) == 32


def test_query_string_is_not_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        client.get("/healthz?token=very-secret-token")

    [record] = request_records(caplog)
    assert record.path == "/healthz"
    assert "very-secret-token" not in JsonFormatter().format(record)


def test_json_format_writes_one_parseable_object_per_line(client, caplog):
    with caplog.at_level(logging.INFO, logger="newsroom.request"):
        client.get("/healthz")

    line = JsonFormatter().format(request_records(caplog)[0])

    assert "\n" not in line
    entry = json.loads(line)
    assert entry["level"] == "INFO"
    assert entry["logger"] == "newsroom.request"
    assert entry["method"] == "GET" and entry["path"] == "/healthz"
    assert entry["status"] == 200 and entry["duration_ms"] >= 0
    assert entry["message"].startswith("GET /healthz 200")


def test_json_format_includes_exceptions():
    try:
        raise ValueError("boom")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), exc_info=sys.exc_info()
        )

    entry = json.loads(JsonFormatter().format(record))

    assert entry["message"] == "failed"
    assert "ValueError: boom" in entry["exception"]


def test_log_format_setting_picks_the_json_formatter(monkeypatch):
    import newsroom.settings as settings_module

    monkeypatch.setenv("LOG_FORMAT", "json")
    try:
        reloaded = importlib.reload(settings_module)
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "json"
        monkeypatch.setenv("LOG_FORMAT", "plain")
        reloaded = importlib.reload(settings_module)
        assert reloaded.LOGGING["handlers"]["console"]["formatter"] == "plain"
    finally:
        monkeypatch.delenv("LOG_FORMAT")
        importlib.reload(settings_module)
