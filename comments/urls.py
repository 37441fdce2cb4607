from django.urls import path

from comments import feeds, views

app_name = "comments"
urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("feed/", feeds.LatestComments(), name="feed"),
    path("article/<int:pk>/feed/", feeds.ArticleComments(), name="article_feed"),
]
