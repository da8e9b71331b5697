from django.contrib.auth.decorators import login_required
from django.urls import include, path

from accountlink.consumer.accounts import views
from accountlink.consumer.accounts.views import account_views, session_pages
from accountlink.consumer.developers.urls import urlpatterns as developer_urls
from accountlink.consumer.help_pages import help_article
from accountlink.consumer.oauth import permission_views
from accountlink.consumer.oauth.urls import urlpatterns as oauth_urls
from accountlink.consumer.support.urls import urlpatterns as support_console_urls
from accountlink.consumer.support_pages import support_pages
from accountlink.consumer.webhooks.urls import urlpatterns as webhook_staff_urls
from accountlink.kit.errorpages import favicon
from accountlink.kit.health import urlpatterns as health_urls
from accountlink.kit.notify.views import outbox_page

loop_patterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    *account_views.urls(),
    path("profile/", views.profile, name="profile"),
    path("settings/", views.settings_index, name="settings"),
    path("settings/account/", views.settings_account, name="settings_account"),
    path("settings/security/", views.settings_security, name="settings_security"),
    path("settings/security/password/", login_required(account_views.change_password), name="change_password"),
    *session_pages.urls("settings/security/devices/"),
    path("reauthenticate/", login_required(account_views.reauthenticate), name="reauthenticate"),
    path("settings/security/activity/", login_required(account_views.security_activity), name="security_activity"),
    path("settings/security/apps/", permission_views.app_permissions, name="app_permissions"),
    path("settings/security/apps/<str:client_key>/", permission_views.app_permission, name="app_permission"),
    path(
        "settings/security/apps/<str:client_key>/remove/",
        permission_views.remove_app_access,
        name="remove_app_access",
    ),
    path("help/<slug:slug>/", help_article, name="help_article"),
    path("developers/", include(developer_urls)),
    *webhook_staff_urls,
    *support_console_urls,
    *support_pages.urls(),
]

urlpatterns = [
    # First: the busiest doors (token, user info) are found without trying every page's pattern.
    path("", include((oauth_urls, "oauth"))),
    path("", include((loop_patterns, "loop"))),
    path("dev/outbox/", outbox_page, name="outbox"),
    path("favicon.ico", favicon, name="favicon"),
    *health_urls,
]

# 404 and 403 are Django's own views drawing 404.html and 403.html; 500 needs the language and brand.
handler500 = "accountlink.kit.errorpages.server_error"
