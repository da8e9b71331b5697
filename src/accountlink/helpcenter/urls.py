from django.urls import path

from . import views

app_name = "help"

urlpatterns = [
    path("", views.index, name="index"),
    path("search/", views.search, name="search"),
    path("categories/<slug:slug>/", views.category, name="category"),
    path("<slug:slug>/", views.article, name="article"),
    path("<slug:slug>/vote/", views.vote, name="vote"),
]
