import pytest
from django.test import RequestFactory

from comments.protection import client_ip, rate_limited, same_site

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("remote", "forwarded", "trusted", "expected"),
    [
        ("203.0.113.1", "", [], "203.0.113.1"),
        ("203.0.113.1", "1.1.1.1", [], "203.0.113.1"),
        ("10.0.0.1", "1.1.1.1", ["10.0.0.1"], "1.1.1.1"),
        ("10.0.0.1", "6.6.6.6, 1.1.1.1", ["10.0.0.1"], "1.1.1.1"),
        ("10.0.0.1", "1.1.1.1, 10.0.0.2", ["10.0.0.1", "10.0.0.2"], "1.1.1.1"),
        ("10.0.0.1", "not-an-ip", ["10.0.0.1"], "10.0.0.1"),
        ("10.0.0.1", "", ["10.0.0.1"], "10.0.0.1"),
        ("garbage", "", [], None),
        ("2001:db8::1", "", [], "2001:db8::1"),
    ],
)
def test_client_ip(settings, remote, forwarded, trusted, expected):
    settings.TRUSTED_PROXIES = trusted
    request = RequestFactory().post(
        "/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded
    )
    assert client_ip(request) == expected


def test_rate_limit_counts_per_key_within_the_window():
    assert not rate_limited("ip:a", 2, 60)
    assert not rate_limited("ip:a", 2, 60)
    assert rate_limited("ip:a", 2, 60)
    assert not rate_limited("ip:b", 2, 60)


def test_same_site_accepts_configured_trusted_origins(settings):
    settings.CSRF_TRUSTED_ORIGINS = ["https://news.example.com"]
    factory = RequestFactory()
    assert same_site(factory.post("/", HTTP_ORIGIN="https://news.example.com"))
    assert same_site(factory.post("/", HTTP_REFERER="http://testserver/2020/01/01/x/"))
    assert not same_site(factory.post("/", HTTP_REFERER="http://[bad"))
    assert not same_site(factory.post("/", HTTP_ORIGIN="http://testserver.evil"))
