from django.urls import path

from . import views

urlpatterns = [
    path("v2/auth/authorize/", views.authorize, name="authorize"),
    path("v2/oauth/token/", views.token, name="token"),
    path("v2/oauth/revoke/", views.revoke, name="revoke"),
    path("v2/oauth/introspect/", views.introspect, name="introspect"),
    path("v2/user/info/", views.user_info, name="user_info"),
    path("v2/avatar/<str:open_id>.svg", views.avatar, name="avatar"),
]
