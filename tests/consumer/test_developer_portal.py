"""Loop for Developers (issue 16 item 3): a Loop account manages its apps at /developers/."""

from __future__ import annotations

import json
import struct
import zlib
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accountlink.consumer.developers.models import AppIcon
from accountlink.consumer.oauth.models import Client
from accountlink.consumer.oauth.registration import RegisteredClient
from accountlink.consumer.webhooks.models import TEST_EVENT, WebhookDelivery
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.outbound.models import CallStatus
from tests.consumer.conftest import PASSWORD
from tests.consumer.oauth_helpers import REDIRECT_URI, consent, exchange, logged_in
from tests.consumer.webhook_helpers import WEBHOOK_URL

pytestmark = pytest.mark.django_db

CREATE = reverse("loop:developer_app_create")


def png(width: int = 2, height: int = 2) -> bytes:
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * width for _ in range(height)))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def upload(name: str, data: bytes) -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, data, content_type="image/png")


def app_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": "Partner App",
        "description": "Finds partners.",
        "platform": "web",
        "redirect_uris": REDIRECT_URI,
        "webhook_url": WEBHOOK_URL,
        "scopes": ["user.info.basic", "user.info.profile"],
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def reauthenticate(browser: HttpClient) -> None:
    response = browser.post(reverse("loop:reauthenticate"), {"password": PASSWORD, "next": "/"})
    assert response.status_code == 302


def create_app(browser: HttpClient, **overrides: Any) -> Client:
    response = browser.post(CREATE, app_data(**overrides))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Client.objects.get(pk=int(response["Location"].rstrip("/").rsplit("/", 1)[1]))


def reveal(browser: HttpClient, client: Client) -> str:
    response = browser.post(reverse("loop:developer_app_secret", args=[client.pk]))
    assert response.status_code == 200, response
    assert "no-store" in response["Cache-Control"]
    page = response.content.decode()
    return page.split("data-secret>", 1)[1].split("<", 1)[0]


@pytest.fixture
def developer(browser: HttpClient) -> HttpClient:
    """``loop_account``'s browser, signed in with its password just now (a recent authentication)."""
    reauthenticate(browser)
    return browser


@pytest.fixture
def app(developer: HttpClient) -> Client:
    return create_app(developer)


@pytest.fixture
def stranger(make_loop_account: Any) -> HttpClient:
    """Another account's browser, recently authenticated."""
    browser = logged_in(make_loop_account(handle="mallory"))
    reauthenticate(browser)
    return browser


# -- Pages and the link to them -----------------------------------------------------------------


def test_settings_link_to_loop_for_developers_and_its_list_shows_only_ones_own_apps(
    developer: HttpClient, stranger: HttpClient
) -> None:
    create_app(stranger, name="Mallory's App")
    mine = create_app(developer)

    settings = developer.get(reverse("loop:settings")).content.decode()
    assert f'href="{reverse("loop:developers")}"' in settings and "Loop for Developers" in settings
    page = developer.get(reverse("loop:developers")).content.decode()
    assert mine.client_id in page and "Partner App" in page
    assert "Mallory" not in page
    assert "Create app" in page


def test_anonymous_visitors_are_sent_to_log_in(client: HttpClient) -> None:
    response = client.get(reverse("loop:developers"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("loop:login"))


def test_creating_an_app_stores_every_setting_and_is_audited_on_the_owners_activity(
    developer: HttpClient, loop_account: Any
) -> None:
    response = developer.post(CREATE, {**app_data(require_pkce="on"), "icon": upload("icon.png", png())})
    assert response.status_code == 302
    client = Client.objects.get(name="Partner App")
    assert client.owner == loop_account
    assert (client.platform, client.description, client.require_pkce) == ("web", "Finds partners.", True)
    assert client.redirect_uris == REDIRECT_URI and client.webhook_url == WEBHOOK_URL
    assert client.scope_list() == ["user.info.basic", "user.info.profile"]
    assert AppIcon.objects.get(client=client).content_type == "image/png"

    page = developer.get(response["Location"]).content.decode()
    assert client.client_id in page and "data-secret" not in page
    event = AuditEvent.objects.get(kind=EventKind.CLIENT_REGISTERED)
    assert event.account == loop_account and event.actor == loop_account
    activity = developer.get(reverse("loop:security_activity")).content.decode()
    assert 'data-kind="oauth.client_registered"' in activity


def test_editing_an_app_changes_it_and_records_what_changed(developer: HttpClient, app: Client) -> None:
    edit = reverse("loop:developer_app_edit", args=[app.pk])
    form = developer.get(edit).content.decode()
    assert 'value="Partner App"' in form and REDIRECT_URI in form

    response = developer.post(
        edit,
        app_data(
            name="Partner App 2",
            platform="desktop",
            redirect_uris="http://127.0.0.1:*/callback/\nhttp://localhost:3455/callback/",
            scopes=["user.info.basic"],
        ),
    )

    assert response.status_code == 302
    app.refresh_from_db()
    assert app.name == "Partner App 2" and app.platform == "desktop" and app.pkce_required
    assert app.redirect_uris.split() == ["http://127.0.0.1:*/callback/", "http://localhost:3455/callback/"]
    event = AuditEvent.objects.get(kind=EventKind.CLIENT_UPDATED)
    assert set(event.data["changed"]) >= {"name", "platform", "redirect_uris", "allowed_scopes"}


WEB_RULES = [
    ("https://app.example/callback/", None),
    ("https://app.example:8443/cb", None),
    ("http://127.0.0.1:8002/oauth/callback/", None),  # Loop's deliberate difference: http on loopback
    ("http://localhost:3000/cb", None),
    ("http://app.example/callback/", "client.redirect_uri_not_https"),
    ("https://app.example/callback/?next=/", "client.redirect_uri_query"),
    ("https://app.example/callback/?", "client.redirect_uri_query"),
    ("https://app.example/callback/#top", "client.redirect_uri_fragment"),
    ("/callback/", "client.redirect_uri_invalid"),
    ("app.example/callback/", "client.redirect_uri_invalid"),
    ("ftp://app.example/callback/", "client.redirect_uri_invalid"),
    ("https://user:pw@app.example/callback/", "client.redirect_uri_invalid"),
    ("https://127.0.0.1:*/callback/", "client.redirect_uri_invalid"),
    ("https://app.example/" + "a" * 492, "client.redirect_uri_too_long"),
]
DESKTOP_RULES = [
    ("http://localhost:3455/callback/", None),
    ("http://127.0.0.1:*/callback/", None),
    ("https://127.0.0.1:8080/cb", None),
    ("http://localhost/callback/", "client.redirect_uri_port_required"),
    ("http://127.0.0.1:99999/callback/", "client.redirect_uri_port_required"),
    ("http://app.example:3455/callback/", "client.redirect_uri_not_loopback"),
    ("http://192.168.1.2:3455/callback/", "client.redirect_uri_not_loopback"),
    ("http://localhost:3455/callback/?x=1", "client.redirect_uri_query"),
    ("http://localhost:3455/callback/#x", "client.redirect_uri_fragment"),
    ("myapp://callback", "client.redirect_uri_invalid"),
]


@pytest.mark.parametrize(
    ("platform", "uri", "code"),
    [("web", uri, code) for uri, code in WEB_RULES] + [("desktop", uri, code) for uri, code in DESKTOP_RULES],
)
def test_redirect_uris_follow_tiktoks_rules_per_platform(
    developer: HttpClient, platform: str, uri: str, code: str | None
) -> None:
    response = developer.post(CREATE, app_data(platform=platform, redirect_uris=uri))
    if code is None:
        assert response.status_code == 302, response.content.decode()[:2000]
        assert Client.objects.get().redirect_uris == uri
        return
    assert response.status_code == 200
    page = response.content.decode()
    assert f'data-error-code="{code}"' in page
    assert not Client.objects.exists()


def test_at_most_ten_redirect_uris(developer: HttpClient) -> None:
    uris = "\n".join(f"https://app.example/cb/{number}" for number in range(11))
    page = developer.post(CREATE, app_data(redirect_uris=uris)).content.decode()
    assert 'data-error-code="client.too_many_redirect_uris"' in page
    assert create_app(developer, redirect_uris="\n".join(uris.split()[:10])).redirect_uris.count(" ") == 9


@pytest.mark.parametrize(
    ("url", "code"),
    [
        ("http://partner.example/hook", "client.webhook_url_not_https"),
        ("not a url", "client.webhook_url_invalid"),
        ("javascript:alert(1)", "client.webhook_url_invalid"),
    ],
)
def test_a_webhook_url_is_absolute_https_except_on_loopback(developer: HttpClient, url: str, code: str) -> None:
    page = developer.post(CREATE, app_data(webhook_url=url)).content.decode()
    assert f'data-error-code="{code}"' in page
    assert create_app(developer, webhook_url="http://127.0.0.1:9000/hook").webhook_url == "http://127.0.0.1:9000/hook"


def test_bad_input_gets_a_clear_error_and_keeps_what_was_typed(developer: HttpClient) -> None:
    response = developer.post(
        CREATE, app_data(name="Kept \u00e9", description="Kept description", redirect_uris="http://evil.example/cb")
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "A web app&#x27;s redirect URI must begin with https" in page
    assert 'value="Kept \u00e9"' in page and "Kept description" in page and "http://evil.example/cb" in page


def test_nothing_a_visitor_posts_makes_a_server_error(developer: HttpClient) -> None:
    for data in (
        {},
        {"name": "x\x00y", "redirect_uris": "https://a.example/\x00"},
        app_data(platform="mobile", scopes=["video.list"]),
        app_data(redirect_uris="https://[::1/cb"),
        app_data(redirect_uris="https://app.example:0/cb"),
        app_data(name="n" * 500, description="d" * 5000),
    ):
        assert developer.post(CREATE, data).status_code == 200
    assert developer.get(reverse("loop:developer_app", args=[10**30])).status_code == 404


def test_an_app_name_is_unique(developer: HttpClient, app: Client) -> None:
    page = developer.post(CREATE, app_data(name="partner app")).content.decode()
    assert 'data-error-code="client.name_taken"' in page


# -- Icons ------------------------------------------------------------------------------------------


def test_an_icon_is_checked_by_its_content_not_its_name(developer: HttpClient) -> None:
    refused = developer.post(CREATE, {**app_data(), "icon": upload("icon.png", b"<svg onload=alert(1)>")})
    assert 'data-error-code="icon.not_an_image"' in refused.content.decode()
    too_large = developer.post(CREATE, {**app_data(), "icon": upload("icon.png", png() + b"\0" * 300_000)})
    assert 'data-error-code="icon.too_large"' in too_large.content.decode()
    assert not Client.objects.exists()

    accepted = developer.post(CREATE, {**app_data(), "icon": upload("icon.exe", png())})
    assert accepted.status_code == 302
    webp = b"RIFF" + struct.pack("<I", 22) + b"WEBPVP8L" + b"\x0a\x00\x00\x00" + b"\x2f" + b"\x00" * 9
    jpeg = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF\x00" + b"\x00" * 20 + b"\xff\xd9"
    client = Client.objects.get()
    for data, content_type in ((webp, "image/webp"), (jpeg, "image/jpeg")):
        edit = developer.post(
            reverse("loop:developer_app_edit", args=[client.pk]), {**app_data(), "icon": upload("x.gif", data)}
        )
        assert edit.status_code == 302
        assert AppIcon.objects.get(client=client).content_type == content_type


def test_the_icon_is_served_from_the_database_with_caching_headers(developer: HttpClient) -> None:
    developer.post(CREATE, {**app_data(), "icon": upload("icon.png", png())})
    client = Client.objects.get()
    url = reverse("loop:developer_app_icon", args=[client.pk])
    assert url in developer.get(reverse("loop:developer_app", args=[client.pk])).content.decode()

    response = developer.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response.content == png()
    assert "private" in response["Cache-Control"] and "max-age=86400" in response["Cache-Control"]
    assert response["ETag"] and response["Last-Modified"]
    assert developer.get(url, HTTP_IF_NONE_MATCH=response["ETag"]).status_code == 304

    developer.post(reverse("loop:developer_app_edit", args=[client.pk]), {**app_data(), "remove_icon": "on"})
    assert developer.get(url).status_code == 404
    assert "icon" in AuditEvent.objects.get(kind=EventKind.CLIENT_UPDATED).data["changed"]


# -- The client secret ------------------------------------------------------------------------------


def test_the_secret_is_shown_only_after_a_recent_authentication(loop_account: Any) -> None:
    with time_machine.travel(timezone.now(), tick=False) as clock:
        browser = logged_in(loop_account)
        app = create_app(browser)
        clock.shift(timedelta(minutes=11))  # signed in, but not recently authenticated
        check_secret_needs_reauthentication(browser, app, loop_account)


def check_secret_needs_reauthentication(browser: HttpClient, app: Client, loop_account: Any) -> None:
    app_url = reverse("loop:developer_app", args=[app.pk])

    asked = browser.post(reverse("loop:developer_app_secret", args=[app.pk]))

    assert asked.status_code == 302 and asked["Location"].startswith(reverse("loop:reauthenticate"))
    assert "retry=1" in asked["Location"]
    assert not AuditEvent.objects.filter(kind=EventKind.CLIENT_SECRET_VIEWED).exists()
    back = browser.post(asked["Location"], {"password": PASSWORD})
    assert back["Location"] == app_url
    secret = reveal(browser, app)
    assert len(secret) >= 43
    event = AuditEvent.objects.get(kind=EventKind.CLIENT_SECRET_VIEWED)
    assert event.account == loop_account
    assert secret not in json.dumps(event.data)


def test_rotating_the_secret_stops_the_old_one_at_the_token_endpoint(developer: HttpClient, app: Client) -> None:
    old = reveal(developer, app)
    rotate = reverse("loop:developer_app_rotate", args=[app.pk])
    warning = developer.get(rotate).content.decode()
    assert "Webhooks are signed with the new secret" in warning

    response = developer.post(rotate)

    assert response.status_code == 200 and "no-store" in response["Cache-Control"]
    new = response.content.decode().split("data-secret>", 1)[1].split("<", 1)[0]
    assert new != old
    assert AuditEvent.objects.filter(kind=EventKind.CLIENT_SECRET_ROTATED, account=app.owner).exists()
    auth, query = consent(developer, RegisteredClient(app, old, False))
    refused = exchange(HttpClient(), RegisteredClient(app, old, False), query["code"], auth.verifier)
    assert refused.status_code == 401 and refused.json()["error"] == "invalid_client"
    auth, query = consent(developer, RegisteredClient(app, new, False))
    assert exchange(HttpClient(), RegisteredClient(app, new, False), query["code"], auth.verifier).status_code == 200


# -- Webhooks ---------------------------------------------------------------------------------------


def test_a_test_webhook_is_queued_signed_and_listed_with_its_attempts(
    developer: HttpClient, app: Client, webhook_endpoint: Any, run_tasks: Any
) -> None:
    secret = reveal(developer, app)

    response = developer.post(reverse("loop:developer_app_test_webhook", args=[app.pk]))

    assert response["Location"] == reverse("loop:developer_app_webhooks", args=[app.pk])
    run_tasks()
    [request] = webhook_endpoint.requests
    payload = webhook_endpoint.verified_payload(request, secret)
    assert payload["event"] == TEST_EVENT and payload["client_key"] == app.client_id
    assert isinstance(payload["create_time"], int) and isinstance(json.loads(payload["content"]), dict)
    delivery = WebhookDelivery.objects.get()
    assert delivery.call.status == CallStatus.DONE
    assert delivery.reason is None  # not an authorization.removed: the staff pages show no "0 · Unknown"
    page = developer.get(response["Location"]).content.decode()
    assert f'data-delivery="{delivery.pk}"' in page and TEST_EVENT in page
    assert 'data-succeeded="true"' in page and '<td data-label="Response code">200</td>' in page
    assert AuditEvent.objects.filter(kind=EventKind.WEBHOOK_TEST_QUEUED, account=app.owner).exists()


def test_failed_attempts_are_listed_and_the_owner_can_replay_a_delivery(
    developer: HttpClient, app: Client, webhook_endpoint: Any, run_tasks: Any
) -> None:
    webhook_endpoint.answer(503)
    developer.post(reverse("loop:developer_app_test_webhook", args=[app.pk]))
    run_tasks()
    delivery = WebhookDelivery.objects.get()
    listing = developer.get(reverse("loop:developer_app_webhooks", args=[app.pk])).content.decode()
    assert 'data-succeeded="false"' in listing and "HTTP 503" in listing

    webhook_endpoint.answer(200)
    replay = developer.post(reverse("loop:developer_app_replay", args=[app.pk, delivery.pk]))
    assert replay.status_code == 302
    run_tasks()

    delivery.refresh_from_db()
    assert delivery.call.status == CallStatus.DONE
    assert [attempt.replay for attempt in delivery.call.attempt_log.all()][-1] is True
    listing = developer.get(reverse("loop:developer_app_webhooks", args=[app.pk])).content.decode()
    assert "· replay" in listing
    event = AuditEvent.objects.get(kind=EventKind.OUTBOUND_REPLAYED)
    assert event.account == app.owner and event.actor == app.owner


def test_deliveries_are_listed_newest_first_and_paginated(
    developer: HttpClient, app: Client, webhook_endpoint: Any, settings: Any
) -> None:
    settings.ACCOUNTLINK_THROTTLE = {"developers.webhooks.account": {"lock_after": 100}}
    for _ in range(21):
        developer.post(reverse("loop:developer_app_test_webhook", args=[app.pk]))
    url = reverse("loop:developer_app_webhooks", args=[app.pk])
    first = developer.get(url).content.decode()
    newest = WebhookDelivery.objects.order_by("-created_at", "-id").first()
    assert newest is not None and first.index(f'data-delivery="{newest.pk}"') < first.index("data-delivery=", 0) + 50
    assert first.count("data-delivery=") == 20 and "?page=2" in first
    assert developer.get(url + "?page=2").content.decode().count("data-delivery=") == 1


def test_an_app_without_a_webhook_url_is_asked_for_one(developer: HttpClient) -> None:
    app = create_app(developer, webhook_url="")
    response = developer.post(reverse("loop:developer_app_test_webhook", args=[app.pk]))
    assert response["Location"] == reverse("loop:developer_app_edit", args=[app.pk])
    assert not WebhookDelivery.objects.exists()


# -- Authorization, CSRF, throttling ----------------------------------------------------------------


def app_urls(app: Client, delivery: WebhookDelivery) -> list[tuple[str, str]]:
    return [
        ("get", reverse("loop:developer_app", args=[app.pk])),
        ("get", reverse("loop:developer_app_edit", args=[app.pk])),
        ("post", reverse("loop:developer_app_edit", args=[app.pk])),
        ("get", reverse("loop:developer_app_icon", args=[app.pk])),
        ("post", reverse("loop:developer_app_secret", args=[app.pk])),
        ("get", reverse("loop:developer_app_rotate", args=[app.pk])),
        ("post", reverse("loop:developer_app_rotate", args=[app.pk])),
        ("get", reverse("loop:developer_app_webhooks", args=[app.pk])),
        ("post", reverse("loop:developer_app_test_webhook", args=[app.pk])),
        ("post", reverse("loop:developer_app_replay", args=[app.pk, delivery.pk])),
    ]


def test_another_accounts_app_answers_404_on_every_page_and_post(
    developer: HttpClient, app: Client, stranger: HttpClient, webhook_endpoint: Any
) -> None:
    developer.post(CREATE.replace("new/", f"{app.pk}/edit/"), {**app_data(), "icon": upload("i.png", png())})
    developer.post(reverse("loop:developer_app_test_webhook", args=[app.pk]))
    delivery = WebhookDelivery.objects.get()
    before = (Client.objects.values().get(pk=app.pk), AuditEvent.objects.count(), WebhookDelivery.objects.count())

    for method, url in app_urls(app, delivery):
        response = getattr(stranger, method)(url, app_data(name="Stolen") if method == "post" else None)
        assert response.status_code == 404, (method, url)

    after = (Client.objects.values().get(pk=app.pk), AuditEvent.objects.count(), WebhookDelivery.objects.count())
    assert after == before
    # A delivery of another app of the stranger's own cannot be replayed through it either.
    own = create_app(stranger, name="Mallory's App")
    replay = reverse("loop:developer_app_replay", args=[own.pk, delivery.pk])
    assert stranger.post(replay).status_code == 404


def test_every_post_needs_the_csrf_token(loop_account: Any, app: Client, webhook_endpoint: Any) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(loop_account)
    delivery_app = app
    posts = [
        CREATE,
        reverse("loop:developer_app_edit", args=[app.pk]),
        reverse("loop:developer_app_secret", args=[app.pk]),
        reverse("loop:developer_app_rotate", args=[app.pk]),
        reverse("loop:developer_app_test_webhook", args=[app.pk]),
        reverse("loop:developer_app_replay", args=[delivery_app.pk, 1]),
    ]
    for url in posts:
        assert browser.post(url, app_data(name="Forged")).status_code == 403, url
    assert not Client.objects.filter(name="Forged").exists()
    assert not WebhookDelivery.objects.exists()


def test_secret_views_and_rotations_are_throttled_per_account(developer: HttpClient, app: Client) -> None:
    for _ in range(5):
        reveal(developer, app)
    for _ in range(5):
        developer.post(reverse("loop:developer_app_rotate", args=[app.pk]))
    secret_before = Client.objects.get(pk=app.pk).client_secret

    refused = developer.post(reverse("loop:developer_app_rotate", args=[app.pk]), follow=True)

    assert "Too many attempts" in refused.content.decode()
    assert Client.objects.get(pk=app.pk).client_secret == secret_before
    assert (
        "data-secret"
        not in developer.post(reverse("loop:developer_app_secret", args=[app.pk]), follow=True).content.decode()
    )


def test_test_webhooks_are_throttled_per_account(developer: HttpClient, app: Client, webhook_endpoint: Any) -> None:
    for _ in range(10):
        developer.post(reverse("loop:developer_app_test_webhook", args=[app.pk]))
    refused = developer.post(reverse("loop:developer_app_test_webhook", args=[app.pk]), follow=True)
    assert "Too many attempts" in refused.content.decode()
    assert WebhookDelivery.objects.count() == 10
