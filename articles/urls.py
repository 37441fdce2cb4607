from django.urls import path, register_converter

from articles import corrections, discovery, feeds, previews, views


class FourDigitYear:
    regex = r"[0-9]{4}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):04d}"


class TwoDigit:
    regex = r"[0-9]{2}"

    def to_python(self, value):
        return int(value)

    def to_url(self, value):
        return f"{int(value):02d}"


register_converter(FourDigitYear, "yyyy")
register_converter(TwoDigit, "mm")

app_name = "articles"
urlpatterns = [
    path("", views.home, name="home"),
    path(
        "<yyyy:year>/<mm:month>/<mm:day>/<str:slug>/",
        views.article_detail,
        name="detail",
    ),
    path("<yyyy:year>/<mm:month>/<mm:day>/", views.archive_day, name="archive_day"),
    path("<yyyy:year>/<mm:month>/", views.archive_month, name="archive_month"),
    path("<yyyy:year>/", views.archive_year, name="archive_year"),
    path("search/", discovery.search, name="search"),
    path("quotes/", discovery.quote_index, name="quotes"),
    path("quotes/<str:slug>/", discovery.speaker_detail, name="speaker"),
    path("tags/", discovery.tag_index, name="tags"),
    path("feed/", feeds.site_rss, name="feed"),
    path("feed/atom/", feeds.site_atom, name="feed_atom"),
    path("section/<slug:slug>/feed/", feeds.section_rss, name="section_feed"),
    path(
        "section/<slug:slug>/feed/atom/", feeds.section_atom, name="section_feed_atom"
    ),
    path("tag/<str:slug>/feed/", feeds.tag_rss, name="tag_feed"),
    path("tag/<str:slug>/feed/atom/", feeds.tag_atom, name="tag_feed_atom"),
    path("author/<str:slug>/feed/", feeds.author_rss, name="author_feed"),
    path("author/<str:slug>/feed/atom/", feeds.author_atom, name="author_feed_atom"),
    path("section/<slug:slug>/", views.section_detail, name="section"),
    # WordPress's category addresses, kept working for imported sites.
    path("tag/<str:slug>/", views.tag_detail, name="tag"),
    path("author/<str:slug>/", views.author_detail, name="author"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
    path("preview/shared/<str:token>/", previews.shared_preview, name="shared_preview"),
    path("corrections/", corrections.corrections_page, name="corrections"),
]
