"""The OpenAPI schema is generated without a warning, and the API keeps to it:
Schemathesis sends what the schema allows (and what it does not) to every
operation, the desk's with an editor's desk token; no answer is a server error,
every answer conforms."""

from datetime import timedelta

import pytest
import schemathesis
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from api.models import DeskToken
from articles.models import Article, Correction
from tests.support.desk import make_staff
from tests.support.factories import (
    make_article,
    make_author,
    make_comment,
    make_draft,
    make_section,
)

pytestmark = pytest.mark.django_db


def test_schema_generates_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(out))
    text = out.read_text()
    assert "/api/v1/stories/{id}/" in text and "X-Api-Key" in text
    assert "/api/v1/desk/stories/{id}/publish/" in text and "scheme: bearer" in text


def test_docs_page_uses_our_own_files_and_no_inline_script(client):
    page = client.get("/api/v1/docs/").content.decode()
    assert (
        "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    )
    assert "cdn" not in page.lower()
    assert "<script>" not in page  # the CSP allows no inline script
    script = client.get("/api/v1/docs/?script=")
    assert script["Content-Type"].startswith("application/javascript")


@pytest.fixture
def editor_token(django_user_model):
    _token, raw = DeskToken.objects.issue(
        make_staff(django_user_model, "Editor"), "Fuzz"
    )
    return raw


@pytest.fixture
def api_schema(db, settings, editor_token):
    settings.API_RATE_LIMIT = settings.DESK_RATE_LIMIT = 0
    section = make_section(slug="politics")
    author = make_author(slug="ann")
    now = timezone.now()
    for n in range(3):
        story = make_article(
            section=section,
            authors=[author],
            tags=["harbour"],
            quotes=[{"text": "Open.", "speaker": "The Mayor"}],
            published_at=now - timedelta(hours=n + 1),
        )
        Correction.objects.create(article=story, text="Fixed.")
        make_comment(story, parent=make_comment(story))
    make_draft()
    # As Django's test client does: the test's connection (and its transaction)
    # must outlive each request, which would otherwise close it on PostgreSQL.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield schemathesis.openapi.from_wsgi(
            "/api/v1/schema/?format=json", get_wsgi_application()
        )
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
    negative_data_rejection,
]


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_keeps_to_its_schema(api_schema, editor_token, mode):
    """Schemathesis's pytest plugin does not run on pytest 9 yet: the same
    checks, driven by Hypothesis here, each operation in turn."""
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) >= 8
    desk = {"Authorization": f"Bearer {editor_token}"}

    for operation in operations:
        if mode == GenerationMode.NEGATIVE and not operation.definition.raw.get(
            "parameters"
        ):
            continue  # nothing to send that the schema forbids

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=15,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def keeps_to_schema(case):
            writes = case.path.startswith("/api/v1/desk/")
            case.call_and_validate(headers=desk if writes else None, checks=CHECKS)

        keeps_to_schema()

    if mode == GenerationMode.POSITIVE:
        # The desk's operations ran with the token (not only refused with a 401).
        fuzzer = DeskToken.objects.get().user
        assert Article.objects.filter(created_by=fuzzer).exists()
