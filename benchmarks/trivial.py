"""The ceiling for a Django page: the smallest Django app answering from memory.

Served by gunicorn exactly like the site (2 sync workers). It returns the bytes in
the file named by BENCH_PAGE_FILE (the site's own article page, so the response size
matches), with no middleware, no template and no database.
"""

import os

from django.conf import settings

settings.configure(
    DEBUG=False,
    SECRET_KEY="benchmark-only",
    ALLOWED_HOSTS=["127.0.0.1"],
    ROOT_URLCONF=__name__,
    MIDDLEWARE=[],
    INSTALLED_APPS=[],
)

from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import HttpResponse  # noqa: E402
from django.urls import path  # noqa: E402

with open(os.environ.get("BENCH_PAGE_FILE", os.devnull), "rb") as page_file:
    PAGE = page_file.read() or b"<!doctype html><title>x</title><p>Hello</p>"


def page(request):
    return HttpResponse(PAGE, content_type="text/html; charset=utf-8")


urlpatterns = [path("", page)]
application = get_wsgi_application()
