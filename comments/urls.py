from django.urls import path

from comments import feeds, views

app_name = "comments"
urlpatterns = [
    path("post/", views.post_comment, name="post"),
    path("stamp/", views.form_stamp, name="stamp"),
    path("held/", views.held_comments, name="held"),
    path("feed/", feeds.LatestComments(), name="feed"),
    path("article/<int:pk>/feed/", feeds.ArticleComments(), name="article_feed"),
]
