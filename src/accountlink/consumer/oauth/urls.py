from django.urls import path

from . import api_views, consent_views, endings_views, userinfo_views

urlpatterns = [
    path("v2/auth/authorize/", consent_views.authorize, name="authorize"),
    path("v2/oauth/token/", api_views.token, name="token"),
    path("v2/oauth/revoke/", api_views.revoke, name="revoke"),
    path("v2/oauth/introspect/", api_views.introspect, name="introspect"),
    path("v2/oauth/grant_endings/", endings_views.grant_endings, name="grant_endings"),
    path("v2/user/info/", userinfo_views.user_info, name="user_info"),
    path("v2/avatar/<str:open_id>.svg", userinfo_views.avatar, name="avatar"),
    path("profile/<str:open_id>/", userinfo_views.profile, name="profile"),
]
