from django.urls import path

from wordpress import views

app_name = "wordpress"
urlpatterns = [
    path("category/<path:path>/", views.category, name="category"),
]
