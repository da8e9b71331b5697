from django.contrib.auth.decorators import login_required
from django.urls import include, path, re_path

from accountlink.business.accounts import views as account_pages
from accountlink.business.accounts.views import account_views
from accountlink.business.adsmanager import views as adsmanager
from accountlink.business.linking.urls import urlpatterns as linking_urls
from accountlink.business.settings_pages import sessions
from accountlink.business.settings_pages import views as settings_pages
from accountlink.business.support.urls import urlpatterns as support_console_urls
from accountlink.business.support_pages import support_pages
from accountlink.business.webhooks_in import views as webhooks_in
from accountlink.kit.errorpages import favicon
from accountlink.kit.health import urlpatterns as health_urls
from accountlink.kit.notify.views import outbox_page

business_patterns = [
    path("", account_pages.home, name="home"),
    path("signup/", account_pages.signup, name="signup"),
    *account_views.urls(),
    path("adsmanager/", adsmanager.home, name="adsmanager"),
    path("adsmanager/ad-accounts/new/", adsmanager.create_ad_account, name="create_ad_account"),
    path("settings/", settings_pages.user_settings, name="user_settings"),
    path("settings/personal/", settings_pages.personal_information, name="personal_information"),
    re_path(r"^settings/personal/(?P<kind>email|phone)/$", settings_pages.change_contact, name="change_contact"),
    re_path(r"^settings/personal/(?P<kind>email|phone)/verify/$", settings_pages.verify_contact, name="verify_contact"),
    *linking_urls,
    path("settings/password/", login_required(account_views.change_password), name="change_password"),
    path("settings/security/", login_required(account_views.security_activity), name="security_activity"),
    *sessions.session_pages.urls("settings/sessions/"),
    path("reauthenticate/", sessions.reauthenticate, name="reauthenticate"),
    *support_console_urls,
    *support_pages.urls(),
]

urlpatterns = [
    path("", include((business_patterns, "business"))),
    path("api/v1/", include("accountlink.business.api.urls")),
    path("help/", include("accountlink.helpcenter.urls")),
    # Loop's signed notices (DESIGN §7); `accountlink up` registers this address at Loop.
    path("webhooks/loop/", webhooks_in.loop_webhook, name="loop_webhook"),
    path("dev/outbox/", outbox_page, name="outbox"),
    path("favicon.ico", favicon, name="favicon"),
    *health_urls,
]

# 404 and 403 are Django's own views drawing 404.html and 403.html; 500 needs the language and brand.
handler500 = "accountlink.kit.errorpages.server_error"
