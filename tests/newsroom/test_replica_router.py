"""Read replicas: public reads to a replica; admin, writes and reads after a write to
the primary. The replica is the same database under another alias, as the issue asks."""

import copy
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.http import HttpResponse
from django.test.utils import CaptureQueriesContext

from articles.models import Article, Section
from newsroom import routers
from tests.support.factories import make_article

REPLICA = "replica1"


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """A second connection to the test database, registered like a replica."""
    settings_dict = copy.deepcopy(connections["default"].settings_dict)
    settings_dict["TEST"] = {**settings_dict.get("TEST", {}), "MIRROR": "default"}
    connections.settings[REPLICA] = settings_dict
    yield REPLICA
    with django_db_blocker.unblock():
        connections[REPLICA].close()
    del connections[REPLICA]
    del connections.settings[REPLICA]


@pytest.fixture
def with_replica(replica_alias, settings):
    settings.DATABASE_REPLICAS = [replica_alias]
    return replica_alias


def queries_on(alias: str):
    return CaptureQueriesContext(connections[alias])


# The routing rule ---------------------------------------------------------------


def test_without_replicas_everything_reads_from_the_primary(settings):
    settings.DATABASE_REPLICAS = []
    router = routers.ReplicaRouter()

    assert router.db_for_read(Article) == "default"
    assert router.db_for_write(Article) == "default"


def test_reads_outside_a_request_use_the_primary(settings):
    # Management commands, tasks and the shell must see their own writes.
    settings.DATABASE_REPLICAS = [REPLICA]

    assert routers.ReplicaRouter().db_for_read(Article) == "default"


def test_replicas_never_get_migrations():
    router = routers.ReplicaRouter()

    assert router.allow_migrate("default", "articles") is True
    assert router.allow_migrate(REPLICA, "articles") is False


@pytest.mark.parametrize(
    ("method", "path", "cookies", "expected"),
    [
        ("GET", "/", {}, True),
        ("HEAD", "/2026/01/02/story/", {}, True),
        ("GET", "/", {"csrftoken": "x"}, True),
        ("POST", "/comments/post/", {}, False),
        ("GET", "/admin/", {}, False),
        ("GET", "/admin/articles/article/", {}, False),
        ("GET", "/", {"sessionid": "abc"}, False),
        ("GET", "/", {routers.PIN_COOKIE: "1"}, False),
    ],
)
def test_which_requests_may_read_from_a_replica(rf, method, path, cookies, expected):
    request = rf.generic(method, path)
    request.COOKIES.update(cookies)

    assert routers.request_may_use_replica(request) is expected


# Requests through the whole stack, with a real second connection ------------------


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_public_article_page_reads_from_the_replica(client, with_replica):
    article = make_article(headline="Read me from the replica")

    with queries_on("default") as primary, queries_on(with_replica) as replica:
        response = client.get(article.get_absolute_url())

    assert response.status_code == 200
    assert "Read me from the replica" in response.content.decode()
    assert len(replica.captured_queries) > 0
    assert len(primary.captured_queries) == 0


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_admin_reads_only_from_the_primary(client, with_replica, django_user_model):
    make_article(headline="Desk story")
    editor = django_user_model.objects.create_superuser("ed", "ed@example.com", "pw")
    client.force_login(editor)

    with queries_on("default") as primary, queries_on(with_replica) as replica:
        response = client.get("/admin/articles/article/")

    assert response.status_code == 200
    assert len(primary.captured_queries) > 0
    assert replica.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_logged_in_reader_reads_from_the_primary(client, with_replica, superuser):
    article = make_article()
    client.force_login(superuser)

    with queries_on(with_replica) as replica:
        assert client.get(article.get_absolute_url()).status_code == 200

    assert replica.captured_queries == []


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_write_pins_the_rest_of_the_request_to_the_primary(rf, with_replica):
    Section.objects.create(name="World", slug="world")
    seen = {}

    def view(request):
        seen["before"] = list(Section.objects.values_list("slug", flat=True))
        seen["before_alias"] = routers.read_alias()
        Section.objects.create(name="Sport", slug="sport")
        seen["after_alias"] = routers.read_alias()
        seen["after"] = sorted(Section.objects.values_list("slug", flat=True))
        return HttpResponse("ok")

    response = routers.PrimaryPinMiddleware(view)(rf.get("/"))

    assert seen["before_alias"] == with_replica
    assert seen["after_alias"] == "default"
    assert seen["after"] == ["sport", "world"]
    # The browser reads from the primary for a few seconds more (replica lag).
    assert response.cookies[routers.PIN_COOKIE]["max-age"] == 10
    assert response.cookies[routers.PIN_COOKIE]["httponly"]


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_a_read_only_request_sets_no_pin_cookie(client, with_replica):
    article = make_article()

    response = client.get(article.get_absolute_url())

    assert routers.PIN_COOKIE not in response.cookies


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_the_choice_does_not_leak_into_the_next_request(rf, with_replica):
    routers.PrimaryPinMiddleware(lambda request: None)(rf.get("/"))

    assert routers.read_alias() == "default"


def test_replica_alias_from_the_environment_is_added_to_databases():
    code = (
        "from django.conf import settings\n"
        "print(settings.DATABASE_REPLICAS, settings.DATABASES['replica1']['NAME'],"
        " settings.DATABASES['replica1']['TEST'])"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "newsroom.settings",
            "DJANGO_SECRET_KEY": "replica-router-test-key-" + "k" * 40,
            "DATABASE_URL": "postgres://postgres@127.0.0.1:5432/news",
            "DATABASE_REPLICA_URLS": "postgres://reader@10.0.0.9:5432/news",
        },
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "['replica1'] news {'MIRROR': 'default'}"


@pytest.mark.django_db(transaction=True, databases=["default", REPLICA])
def test_health_check_reports_every_replica(client, with_replica):
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json()["checks"]["database"] == {"default": "ok", REPLICA: "ok"}
