"""The registration actions (consumer/oauth/registration.py) and ``register-client``, the script door
to the same actions as Loop for Developers."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from accountlink.consumer.oauth.models import Client
from accountlink.consumer.oauth.registration import (
    ClientRegistrationError,
    ClientSettings,
    RegistrationError,
    do_create_client,
    do_rotate_client_secret,
    do_update_client,
)
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.crypto import open_sealed

pytestmark = pytest.mark.django_db


def settings_for(**overrides: Any) -> ClientSettings:
    values: dict[str, Any] = {
        "name": "Desk App",
        "redirect_uris": ["http://127.0.0.1:*/callback/"],
        "webhook_url": "",
        "scopes": ["user.info.basic"],
        "platform": "desktop",
    }
    values.update(overrides)
    return ClientSettings(**values)


def register(*arguments: str) -> dict[str, Any]:
    out = StringIO()
    call_command("register_client", *arguments, stdout=out)
    result: dict[str, Any] = json.loads(out.getvalue())
    return result


def test_a_desktop_app_always_requires_pkce_and_takes_loopback_uris_with_any_port(make_loop_account: Any) -> None:
    owner = make_loop_account()
    registered = do_create_client(settings_for(), owner=owner, actor=owner)
    assert registered.created and registered.client.owner == owner
    assert registered.client.require_pkce and registered.client.pkce_required
    assert open_sealed(registered.client.client_secret) == registered.client_secret
    assert AuditEvent.objects.get(kind=EventKind.CLIENT_REGISTERED).account == owner


def test_updating_keeps_the_secret_and_records_what_changed() -> None:
    registered = do_create_client(settings_for(platform="web", redirect_uris=["https://a.example/cb"]))
    changed = do_update_client(registered.client, settings_for(platform="web", redirect_uris=["https://b.example/cb"]))
    assert changed == ["redirect_uris"]
    assert open_sealed(registered.client.client_secret) == registered.client_secret
    assert AuditEvent.objects.get(kind=EventKind.CLIENT_UPDATED).data["changed"] == ["redirect_uris"]
    assert (
        do_update_client(registered.client, settings_for(platform="web", redirect_uris=["https://b.example/cb"])) == []
    )


def test_rotation_issues_a_new_secret_at_once() -> None:
    registered = do_create_client(settings_for())
    secret = do_rotate_client_secret(registered.client)
    assert secret != registered.client_secret
    assert open_sealed(Client.objects.get().client_secret) == secret
    assert AuditEvent.objects.filter(kind=EventKind.CLIENT_SECRET_ROTATED).count() == 1


@pytest.mark.parametrize(
    ("overrides", "code", "field"),
    [
        ({"name": "  "}, RegistrationError.NAME_REQUIRED, "name"),
        ({"platform": "mobile"}, RegistrationError.PLATFORM_UNKNOWN, "platform"),
        ({"redirect_uris": []}, RegistrationError.REDIRECT_URI_REQUIRED, "redirect_uris"),
        ({"redirect_uris": ["http://localhost/cb"]}, RegistrationError.REDIRECT_URI_PORT_REQUIRED, "redirect_uris"),
        ({"webhook_url": "http://partner.example/"}, RegistrationError.WEBHOOK_URL_NOT_HTTPS, "webhook_url"),
        ({"scopes": ["video.list"]}, RegistrationError.SCOPES_INVALID, "scopes"),
        ({"description": "x" * 1001}, RegistrationError.DESCRIPTION_TOO_LONG, "description"),
    ],
)
def test_refusals_are_coded_and_name_their_field(overrides: dict[str, Any], code: str, field: str) -> None:
    with pytest.raises(ClientRegistrationError) as refused:
        do_create_client(settings_for(**overrides))
    assert refused.value.code == code and refused.value.field == field
    assert str(refused.value) and not Client.objects.exists()


def test_the_command_registers_with_every_setting_and_an_owner(make_loop_account: Any) -> None:
    make_loop_account(handle="loopdev", email="loopdev@example.com")
    created = register(
        "--name=Desk App",
        "--redirect-uri=http://127.0.0.1:*/callback/",
        "--platform=desktop",
        "--description=A desktop app",
        "--owner=@loopdev",
        "--scopes=user.info.basic",
    )
    assert created["created"] and created["platform"] == "desktop" and created["require_pkce"]
    assert created["owner"] == "@loopdev" and created["description"] == "A desktop app"

    again = register("--name=Desk App", "--redirect-uri=http://localhost:3455/callback/", "--scopes=user.info.basic")
    assert not again["created"] and again["client_secret"] == created["client_secret"]
    assert again["platform"] == "desktop" and again["owner"] == "@loopdev"  # left out: kept


def test_the_command_takes_an_owner_by_email_and_pkce_for_a_web_app(make_loop_account: Any) -> None:
    make_loop_account(handle="loopdev", email="loopdev@example.com")
    created = register(
        "--name=Web App", "--redirect-uri=https://web.example/cb", "--require-pkce", "--owner=loopdev@example.com"
    )
    assert created["require_pkce"] and created["owner"] == "@loopdev" and created["platform"] == "web"
    turned_off = register("--name=Web App", "--redirect-uri=https://web.example/cb", "--no-require-pkce")
    assert not turned_off["require_pkce"]


def test_the_command_refuses_an_unknown_owner_and_broken_rules_in_one_line() -> None:
    with pytest.raises(CommandError, match="nobody"):
        register("--name=X", "--redirect-uri=https://x.example/cb", "--owner=nobody")
    with pytest.raises(CommandError, match="desktop app's redirect URI must be on localhost"):
        register("--name=X", "--redirect-uri=http://x.example:3000/cb", "--platform=desktop")
    assert not Client.objects.exists()


def test_loop_for_business_is_registered_to_the_operator_by_the_demo(make_loop_account: Any) -> None:
    from accountlink.demo import OPERATOR_HANDLE

    call_command("load_demo", verbosity=0)
    registered = register(
        "--name=Loop for Business",
        "--redirect-uri=http://127.0.0.1:8002/oauth/loop/callback/",
        "--webhook-url=http://127.0.0.1:8002/webhooks/loop/",
        "--platform=web",
        "--require-pkce",
        f"--owner={OPERATOR_HANDLE}",
    )
    client = Client.objects.get(client_id=registered["client_key"])
    assert client.owner is not None and client.owner.handle == "loopdev"
    assert client.owner.email == "loopdev@example.com" and client.owner.check_password("loop-demo-2468")
