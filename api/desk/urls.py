from django.db import transaction
from django.urls import path

from api.desk import views

urlpatterns = [
    path("stories/", views.StoryCreate.as_view(), name="desk-stories"),
    path("stories/<int:pk>/", views.StoryDetail.as_view(), name="desk-story"),
    path(
        "stories/<int:pk>/submit/",
        views.transition_view("submit", "Send a draft for review."),
        name="desk-submit",
    ),
    path(
        "stories/<int:pk>/publish/",
        views.transition_view("publish", "Publish now (roles that may publish)."),
        name="desk-publish",
    ),
    path(
        "stories/<int:pk>/schedule/",
        views.transition_view("schedule", "Publish at `publish_at`."),
        name="desk-schedule",
    ),
    path(
        "stories/<int:pk>/unpublish/",
        views.transition_view("unpublish", "Back to draft (roles that may publish)."),
        name="desk-unpublish",
    ),
    # The file is checked and re-encoded before any transaction (images/uploads.py).
    path(
        "images/",
        transaction.non_atomic_requests(views.ImageUpload.as_view()),
        name="desk-images",
    ),
]
