from django.urls import path

from images import views

app_name = "images"

urlpatterns = [
    path("chooser/", views.chooser, name="chooser"),
    path("chooser/upload/", views.chooser_upload, name="chooser_upload"),
]
