from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.static import serve

from articles import sitemaps
from newsroom import health

urlpatterns = [
    path("admin/", admin.site.urls),
    path("healthz", health.healthz, name="healthz"),
    path("robots.txt", sitemaps.robots_txt, name="robots_txt"),
    path("sitemap.xml", sitemaps.index, name="sitemap_index"),
    path("sitemap-news.xml", sitemaps.news, name="sitemap_news"),
    path("sitemap-<slug:section>.xml", sitemaps.section, name="sitemap_section"),
    path("api/v1/", include("api.urls")),
    path("comments/", include("comments.urls")),
    # The image chooser for the editor (staff only, checked in images/views.py).
    path("desk/images/", include("images.urls")),
    path("", include("wordpress.urls")),
    path("", include("articles.urls")),
]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

handler404 = "articles.views.page_not_found"
# A lost database answers 503 (newsroom/faults.py); other errors the 500 page.
handler500 = "newsroom.faults.server_error"
