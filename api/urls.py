from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from api import views

app_name = "api"
urlpatterns = [
    path("stories/", views.StoryList.as_view(), name="story-list"),
    path("stories/<int:pk>/", views.StoryDetail.as_view(), name="story-detail"),
    path(
        "stories/<int:pk>/comments/",
        views.StoryComments.as_view(),
        name="story-comments",
    ),
    path("sections/", views.SectionList.as_view(), name="section-list"),
    path("tags/", views.TagList.as_view(), name="tag-list"),
    path("authors/", views.AuthorList.as_view(), name="author-list"),
    path("quotes/", views.QuoteList.as_view(), name="quote-list"),
    path("corrections/", views.CorrectionList.as_view(), name="correction-list"),
    # Trusted tools writing stories with a desk token (api/desk/).
    path("desk/", include("api.desk.urls")),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # Swagger UI from our own static files (drf-spectacular-sidecar); its start-up
    # script is a file of its own (?script), as our CSP allows no inline script.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(url_name="api:schema"),
        name="docs",
    ),
]
