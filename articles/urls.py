from django.urls import path, register_converter

from articles import views


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
    path("section/<slug:slug>/", views.section_detail, name="section"),
    path("tag/<str:slug>/", views.tag_detail, name="tag"),
    path("author/<str:slug>/", views.author_detail, name="author"),
    path("preview/<int:pk>/", views.article_preview, name="preview"),
]
