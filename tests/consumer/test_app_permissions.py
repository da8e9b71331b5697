"""Manage app permissions and Remove access on Loop (DESIGN §4.2, R2, R7, R8)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accountlink.consumer.oauth.actions import do_remove_app_access
from accountlink.consumer.oauth.models import AppPermission
from accountlink.consumer.webhooks.models import RemovalReason, WebhookDelivery
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.consumer.conftest import PASSWORD
from tests.consumer.oauth_helpers import consent, is_active, issue_tokens, logged_in, refresh, register, user_info
from tests.consumer.webhook_helpers import reason_of

pytestmark = pytest.mark.django_db

REMOVED_SUBJECT = "Loop for Business no longer has access to your Loop account"


def link(href: str, label: str) -> str:
    return f'href="{href}">{label}<'


def test_remove_access_through_settings_ends_the_grant_and_tells_everyone(
    client: HttpClient, loop_account: Any, run_tasks: Any, outbox: Any, webhook_endpoint: Any
) -> None:
    registered = register()
    tokens = issue_tokens(logged_in(loop_account), registered)
    run_tasks()
    app_key = registered.client.client_id

    # 1-2. Open Loop and log in.
    response = client.post(reverse("loop:login"), {"identifier": "sakura", "password": PASSWORD})
    assert response.status_code == 302
    # 3-6. Profile → menu → Settings and privacy → Security and login.
    profile = client.get(reverse("loop:profile")).content.decode()
    assert 'aria-label="Menu"' in profile
    assert link(reverse("loop:settings"), "Settings and privacy") in profile
    settings_page = client.get(reverse("loop:settings")).content.decode()
    assert link(reverse("loop:settings_security"), "Security and login") in settings_page
    security = client.get(reverse("loop:settings_security")).content.decode()
    # 7. Manage app permissions: the app, what it can see in plain words, and since when.
    assert link(reverse("loop:app_permissions"), "Manage app permissions") in security
    listing = client.get(reverse("loop:app_permissions")).content.decode()
    assert "<h1>Manage app permissions</h1>" in listing
    app_url = reverse("loop:app_permission", args=[app_key])
    assert f'href="{app_url}"' in listing
    assert "<strong>Loop for Business</strong>" in listing
    assert "Your name and profile photo · Your username" in listing
    assert re.search(r"Access since \w+", listing)
    # 8. Select Loop for Business: its details, and Remove access at the bottom.
    app_page = client.get(app_url).content.decode()
    assert "<h1>Loop for Business</h1>" in app_page
    assert "Your name and profile photo" in app_page and "Your username" in app_page
    assert "business.example" in app_page
    remove_url = reverse("loop:remove_app_access", args=[app_key])
    bottom = app_page[app_page.index("</dl>") :]
    assert f'action="{remove_url}"' in bottom and ">Remove access</button>" in bottom
    # 9. Remove access, then confirm.
    confirmation = client.get(remove_url).content.decode()
    assert "Remove access for Loop for Business?" in confirmation
    assert ">Remove access</button>" in confirmation
    assert f'href="{app_url}">Cancel<' in confirmation
    assert AppPermission.objects.filter(account=loop_account).exists()  # asking to confirm changes nothing
    response = client.post(remove_url, follow=True)

    assert response.redirect_chain == [(reverse("loop:app_permissions"), 302)]
    page = response.content.decode()
    assert "Loop for Business no longer has access to your account." in page
    closing = (
        "You can now link your Loop account to another Loop for Business account."
        ' <a href="https://business.example/">Go to Loop for Business</a>'
    )
    assert closing in page
    said = page.replace("Loop for Business no longer has access to your account.", "").replace(closing, "")
    assert "Loop for Business" not in said
    assert "No apps have access to your account." in page
    # The grant and every token of it are gone at once (R2).
    assert not AppPermission.objects.filter(account=loop_account).exists()
    assert not is_active(registered, tokens["access_token"])
    assert not is_active(registered, tokens["refresh_token"])
    assert user_info(tokens["access_token"]).status_code == 401
    assert refresh(registered, tokens["refresh_token"]).status_code == 400
    # Audited (R7), the holder is notified (R8) and the app is told by a signed webhook, reason 1.
    event = AuditEvent.objects.get(account=loop_account, kind=EventKind.APP_ACCESS_REMOVED)
    assert event.actor == loop_account
    assert event.data == {"client": "Loop for Business", "reason": "removed_by_holder"}
    assert AuditEvent.objects.filter(account=loop_account, kind=EventKind.APP_TOKENS_REVOKED).count() == 1
    run_tasks()
    assert REMOVED_SUBJECT in [message.subject for message in outbox.messages(to="sakura@example.com")]
    assert any("Loop for Business" in message.body for message in outbox.messages(to="+819012345678"))
    delivery = WebhookDelivery.objects.get()
    assert delivery.reason == RemovalReason.HOLDER_REMOVED_ACCESS == 1
    assert delivery.call.status == "done"
    [sent] = webhook_endpoint.requests
    payload = webhook_endpoint.verified_payload(sent, registered.client_secret)
    assert payload["client_key"] == app_key
    assert payload["user_openid"] == tokens["open_id"]
    assert reason_of(payload) == 1


def test_remove_access_shows_on_security_activity(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    issue_tokens(browser, registered)
    browser.post(reverse("loop:remove_app_access", args=[registered.client.client_id]))
    activity = browser.get(reverse("loop:security_activity")).content.decode()
    assert 'data-kind="oauth.access_removed"' in activity


def test_cancel_keeps_the_access(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    confirmation = browser.get(reverse("loop:remove_app_access", args=[registered.client.client_id]))
    cancel = re.search(r'<a class="[^"]*"[^>]* href="([^"]+)">Cancel<', confirmation.content.decode())
    assert cancel is not None
    assert browser.get(cancel.group(1)).status_code == 200
    assert AppPermission.objects.filter(account=loop_account).exists()
    assert is_active(registered, tokens["access_token"])
    assert WebhookDelivery.objects.count() == 0


def test_every_grant_of_the_app_is_revoked_not_only_the_latest(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    first = issue_tokens(browser, registered)
    second = issue_tokens(browser, registered)
    refreshed = refresh(registered, second["refresh_token"]).json()

    browser.post(reverse("loop:remove_app_access", args=[registered.client.client_id]))

    for tokens in (first, refreshed):
        assert not is_active(registered, tokens["access_token"])
        assert not is_active(registered, tokens["refresh_token"])
    assert WebhookDelivery.objects.count() == 1


def test_a_pending_authorization_code_dies_with_the_access(browser: HttpClient, loop_account: Any) -> None:
    from tests.consumer.oauth_helpers import exchange

    registered = register()
    issue_tokens(browser, registered)
    auth, query = consent(browser, registered)  # a code the app has not redeemed yet

    browser.post(reverse("loop:remove_app_access", args=[registered.client.client_id]))

    assert exchange(HttpClient(), registered, query["code"], auth.verifier).status_code == 400


def test_another_apps_access_stays(browser: HttpClient, loop_account: Any) -> None:
    business = register()
    other = register("Partner App")
    issue_tokens(browser, business)
    partner_tokens = issue_tokens(browser, other)

    browser.post(reverse("loop:remove_app_access", args=[business.client.client_id]))

    assert list(AppPermission.objects.filter(account=loop_account).values_list("client__name", flat=True)) == [
        "Partner App"
    ]
    assert is_active(other, partner_tokens["access_token"])
    listing = browser.get(reverse("loop:app_permissions")).content.decode()
    assert "<strong>Partner App</strong>" in listing and "<strong>Loop for Business</strong>" not in listing


def test_someone_elses_app_is_not_found(
    browser: HttpClient, loop_account: Any, make_loop_account: Any, webhook_endpoint: Any
) -> None:
    registered = register()
    other = make_loop_account()
    other_tokens = issue_tokens(logged_in(other), registered)
    key = registered.client.client_id

    assert browser.get(reverse("loop:app_permission", args=[key])).status_code == 404
    assert browser.get(reverse("loop:remove_app_access", args=[key])).status_code == 404
    assert browser.post(reverse("loop:remove_app_access", args=[key])).status_code == 404
    assert "Loop for Business" not in browser.get(reverse("loop:app_permissions")).content.decode()

    assert AppPermission.objects.filter(account=other).exists()
    assert is_active(registered, other_tokens["access_token"])
    assert WebhookDelivery.objects.count() == 0


def test_an_unknown_app_is_not_found(browser: HttpClient) -> None:
    assert browser.get(reverse("loop:app_permission", args=["no-such-app"])).status_code == 404
    assert browser.post(reverse("loop:remove_app_access", args=["no-such-app"])).status_code == 404


@pytest.mark.parametrize("name", ["loop:app_permission", "loop:remove_app_access"])
def test_app_pages_ask_for_login(client: HttpClient, name: str) -> None:
    registered = register()
    response = client.get(reverse(name, args=[registered.client.client_id]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("loop:login"))


def test_the_list_asks_for_login(client: HttpClient) -> None:
    response = client.get(reverse("loop:app_permissions"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("loop:login"))


def test_no_apps_yet(browser: HttpClient) -> None:
    assert "No apps have access to your account." in browser.get(reverse("loop:app_permissions")).content.decode()


def test_removing_twice_ends_the_access_once(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    issue_tokens(browser, registered)

    assert do_remove_app_access(loop_account, registered.client, actor=loop_account) is True
    assert do_remove_app_access(loop_account, registered.client, actor=loop_account) is False

    assert AuditEvent.objects.filter(kind=EventKind.APP_ACCESS_REMOVED).count() == 1
    assert WebhookDelivery.objects.count() == 1


def test_presenting_a_removed_refresh_token_sends_no_second_webhook(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    browser.post(reverse("loop:remove_app_access", args=[registered.client.client_id]))

    assert refresh(registered, tokens["refresh_token"]).status_code == 400

    assert WebhookDelivery.objects.count() == 1


def test_an_app_without_a_webhook_url_loses_access_without_a_delivery(browser: HttpClient, loop_account: Any) -> None:
    from accountlink.consumer.oauth.registration import do_register_client
    from tests.consumer.oauth_helpers import REDIRECT_URI

    registered = do_register_client(
        name="Quiet App", redirect_uris=[REDIRECT_URI], webhook_url="", scopes=["user.info.basic"]
    )
    tokens = issue_tokens(browser, registered, scope="user.info.basic")

    browser.post(reverse("loop:remove_app_access", args=[registered.client.client_id]))

    assert not is_active(registered, tokens["access_token"])
    assert not AppPermission.objects.exists()
    assert WebhookDelivery.objects.count() == 0
