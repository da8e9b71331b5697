"""User settings → Personal information → **Link Loop account** (DESIGN §4.3), over HTTP against a fake Loop."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import responses
import time_machine
from authlib.oauth2.rfc7636 import create_s256_code_challenge
from django.db import connection
from django.template.defaultfilters import date as date_filter
from django.test import Client as HttpClient
from django.utils import timezone

from accountlink.business.linking.models import LinkRefresh, LoopLink
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.crypto import open_sealed
from tests.business.fake_loop import LOOP, FakeLoop, callback_query, live_access_tokens, live_refresh_tokens
from tests.business.pages import AUTHORIZE, LINK_START, LOGIN, PERSONAL, authorize, link, start_link

pytestmark = pytest.mark.django_db

# -- starting the flow ---------------------------------------------------------------------------


def test_personal_information_offers_link_loop_account_as_a_post_form(signed_in: Any) -> None:
    page = signed_in.get(PERSONAL).content.decode()
    assert f'<form method="post" action="{LINK_START}">' in page
    assert "Link Loop account</button>" in page
    assert "Linked since" not in page


def test_linking_starts_only_by_post(signed_in: Any, fake_loop: FakeLoop) -> None:
    response = signed_in.get(LINK_START)
    assert response.status_code == 405
    assert "flow:loop" not in signed_in.session


@pytest.mark.parametrize("method", ["get", "post"])
def test_an_anonymous_start_is_sent_to_log_in(client: Any, fake_loop: FakeLoop, method: str) -> None:
    response = getattr(client, method)(LINK_START)
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next={LINK_START}"
    assert "flow:loop" not in client.session


def test_linking_needs_the_csrf_token_of_the_page(business_account: Any, fake_loop: FakeLoop) -> None:
    browser = HttpClient(enforce_csrf_checks=True)
    browser.force_login(business_account)
    browser.get(PERSONAL)  # sets the CSRF cookie, as the page does

    forged = browser.post(LINK_START)
    assert forged.status_code == 403
    assert "flow:loop" not in browser.session

    token = browser.cookies["lfb_csrftoken"].value
    started = browser.post(LINK_START, {"csrfmiddlewaretoken": token})
    assert started.status_code == 302
    assert started["Location"].startswith(AUTHORIZE + "?")


def test_the_authorize_url_asks_loop_for_the_profile_with_pkce_and_state(signed_in: Any, fake_loop: FakeLoop) -> None:
    response = signed_in.post(LINK_START)
    location = response["Location"]
    query = callback_query(location)
    flow = signed_in.session["flow:loop"]
    assert query["client_key"] == "test-client-key"
    assert query["client_id"] == "test-client-key"
    assert query["response_type"] == "code"
    assert query["scope"] == "user.info.basic,user.info.profile"
    assert query["redirect_uri"] == "http://testserver/oauth/loop/callback/"
    assert query["code_challenge_method"] == "S256"
    assert query["code_challenge"] == create_s256_code_challenge(flow["verifier"])
    assert flow["verifier"] not in location  # only the challenge travels
    assert len(query["state"]) >= 20
    assert query["state"] == flow["state"]
    assert "test-client-secret" not in location


def test_every_start_gets_a_fresh_state_and_verifier(signed_in: Any, fake_loop: FakeLoop) -> None:
    first = start_link(signed_in)
    second = start_link(signed_in)
    assert first["state"] != second["state"]
    assert first["code_challenge"] != second["code_challenge"]


# -- coming back linked --------------------------------------------------------------------------


def test_link_loop_account_shows_the_linked_profile(signed_in: Any, business_account: Any, fake_loop: FakeLoop) -> None:
    query = start_link(signed_in)
    verifier = signed_in.session["flow:loop"]["verifier"]
    sakura = fake_loop.person("sakura", "Sakura Tanaka")

    response = authorize(signed_in, fake_loop, query, sakura)

    assert response.redirect_chain == [(PERSONAL, 302)]
    page = response.content.decode()
    assert '<img class="avatar large" src="https://loop.test/v2/avatar/open-sakura.svg"' in page
    assert "<strong>Sakura Tanaka</strong>" in page
    assert '<span class="muted">@sakura</span>' in page
    assert f"Linked since {date_filter(timezone.localtime(), 'DATE_FORMAT')}</p>" in page
    assert "Your Loop account @sakura is now linked." in page
    assert "Link Loop account</button>" not in page
    # The code went to Loop's token endpoint with the PKCE verifier and the same redirect URI.
    exchange = fake_loop.token_requests[-1]
    assert exchange["grant_type"] == "authorization_code"
    assert exchange["code_verifier"] == verifier
    assert exchange["redirect_uri"] == "http://testserver/oauth/loop/callback/"
    link = LoopLink.objects.get(account=business_account)
    assert (link.open_id, link.username, link.display_name) == ("open-sakura", "sakura", "Sakura Tanaka")
    assert link.union_id == "union-sakura"
    assert link.scopes == "user.info.basic,user.info.profile"
    assert "flow:loop" not in signed_in.session


def test_the_link_is_still_shown_on_the_next_visit(signed_in: Any, fake_loop: FakeLoop) -> None:
    with time_machine.travel(datetime(2025, 4, 1, 12, tzinfo=UTC), tick=False):
        link(signed_in, fake_loop, fake_loop.person("sakura", "Sakura Tanaka"))
        page = signed_in.get(PERSONAL).content.decode()
    assert "@sakura" in page and "Sakura Tanaka" in page
    assert "Linked since April 1, 2025</p>" in page
    assert "is now linked" not in page  # the message was shown once


def test_the_linked_profile_is_shown_in_japanese(signed_in: Any, fake_loop: FakeLoop) -> None:
    signed_in.cookies["lfb_language"] = "ja"
    with time_machine.travel(datetime(2025, 4, 1, 12, tzinfo=UTC), tick=False):
        response = link(signed_in, fake_loop, fake_loop.person("sakura", "Sakura Tanaka"))
    page = response.content.decode()
    assert '<html lang="ja">' in page
    assert "Loopアカウント（@sakura）を連携しました。" in page
    assert "2025年4月1日から連携中</p>" in page


def test_tokens_are_sealed_at_rest(signed_in: Any, business_account: Any, fake_loop: FakeLoop) -> None:
    sakura = fake_loop.person("sakura")
    link(signed_in, fake_loop, sakura)
    (access,) = live_access_tokens(fake_loop, sakura)
    (refresh,) = live_refresh_tokens(fake_loop, sakura)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT sealed_access_token, sealed_refresh_token FROM {LoopLink._meta.db_table}")
        ((sealed_access, sealed_refresh),) = cursor.fetchall()
    assert access not in sealed_access and refresh not in sealed_refresh
    assert access not in sealed_refresh and refresh not in sealed_access
    assert open_sealed(sealed_access) == access
    assert open_sealed(sealed_refresh) == refresh
    link_row = LoopLink.objects.get(account=business_account)
    assert link_row.access_token == access and link_row.refresh_token == refresh


def test_linking_is_audited_and_shown_on_security_activity(
    signed_in: Any, business_account: Any, fake_loop: FakeLoop
) -> None:
    link(signed_in, fake_loop, fake_loop.person("sakura"))
    (event,) = AuditEvent.objects.filter(account=business_account, kind=EventKind.LOOP_LINKED)
    assert event.kind == "link.created"
    assert event.actor == business_account
    assert event.data == {"username": "sakura", "open_id": "open-sakura"}
    assert "Account linked" in signed_in.get("/settings/security/").content.decode()


def test_every_contact_is_told_about_the_link(
    signed_in: Any, business_account: Any, fake_loop: FakeLoop, sent: Any, run_tasks: Any
) -> None:
    link(signed_in, fake_loop, fake_loop.person("sakura"))
    run_tasks()
    email = sent.last("sakura.biz@example.com")
    assert email.channel == "email"
    assert email.subject == "Your Loop account is now linked"
    assert "Hi Sakura Tanaka," in email.body
    assert "now linked to the Loop account @sakura" in email.body
    sms = sent.last("+819012345678")
    assert sms.channel == "sms"
    assert "@sakura" in sms.body
    assert sorted(message.to for message in sent.messages()) == ["+819012345678", "sakura.biz@example.com"]


def test_the_link_notification_is_in_the_account_language(
    client: Any, make_business_account: Any, fake_loop: FakeLoop, sent: Any, run_tasks: Any
) -> None:
    account = make_business_account(email="kenji.biz@example.com", display_name="Kenji Sato", language="ja")
    client.force_login(account)
    link(client, fake_loop, fake_loop.person("kenji"))
    run_tasks()
    email = sent.last("kenji.biz@example.com")
    assert email.subject == "Loopアカウントが連携されました"
    assert email.body.startswith("Kenji Satoさん、こんにちは。")
    assert "@kenji" in email.body
    assert "このメッセージはLoop for Businessから送信されました。" in email.html


def test_a_link_is_per_account(
    client: Any, other_browser: Any, make_business_account: Any, business_account: Any, fake_loop: FakeLoop
) -> None:
    hana = make_business_account(email="hana.biz@example.com")
    client.force_login(business_account)
    other_browser.force_login(hana)
    link(client, fake_loop, fake_loop.person("sakura"))
    link(other_browser, fake_loop, fake_loop.person("hana"))
    assert LoopLink.objects.get(account=business_account).open_id == "open-sakura"
    assert LoopLink.objects.get(account=hana).open_id == "open-hana"
    assert "@hana" not in client.get(PERSONAL).content.decode()
    assert "@sakura" not in other_browser.get(PERSONAL).content.decode()


def test_an_unlinked_loop_account_can_be_linked_right_after_another_link_is_gone(
    client: Any, make_business_account: Any, business_account: Any, fake_loop: FakeLoop
) -> None:
    """§4.5: no cool-down once the previous link row is gone."""
    client.force_login(business_account)
    link(client, fake_loop, fake_loop.person("sakura"))
    LoopLink.objects.filter(account=business_account).delete()  # what an unlink leaves behind
    hana = make_business_account(email="hana.biz@example.com")
    client.force_login(hana)
    link(client, fake_loop, fake_loop.person("sakura"))
    assert LoopLink.objects.get(open_id="open-sakura").account == hana


# -- keeping the profile and the tokens fresh ---------------------------------------------------


def test_an_expired_access_token_is_refreshed_by_a_worker_and_the_page_does_not_wait(
    signed_in: Any, business_account: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    fake_loop.expires_in = 60
    sakura = fake_loop.person("sakura", "Sakura Tanaka")
    link(signed_in, fake_loop, sakura)
    before = LoopLink.objects.get(account=business_account)
    old_access, old_refresh = before.access_token, before.refresh_token
    sakura.display_name = "Sakura T."  # changed on Loop meanwhile
    calls = len(fake_loop.mock.calls)

    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        page = signed_in.get(PERSONAL)
        assert page.status_code == 200
        assert "<strong>Sakura Tanaka</strong>" in page.content.decode()  # what is stored, at once
        assert len(fake_loop.mock.calls) == calls  # the page did not call Loop
        signed_in.get(PERSONAL)
        signed_in.get("/api/v1/link")
        assert LinkRefresh.objects.count() == 1  # one refresh waits, however many pages ask

        run_tasks()
        page = signed_in.get(PERSONAL)

    refresh = fake_loop.token_requests[-1]
    assert refresh["grant_type"] == "refresh_token"
    assert refresh["refresh_token"] == old_refresh
    after = LoopLink.objects.get(account=business_account)
    assert after.access_token != old_access and after.refresh_token != old_refresh
    assert after.access_token in fake_loop.access_tokens and after.refresh_token in fake_loop.refresh_tokens
    assert after.access_expires_at > before.access_expires_at
    assert after.display_name == "Sakura T."
    assert "<strong>Sakura T.</strong>" in page.content.decode()


def test_a_fresh_link_does_not_call_loop_when_the_page_opens(
    signed_in: Any, business_account: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    link(signed_in, fake_loop, fake_loop.person("sakura"))
    calls = len(fake_loop.mock.calls)
    assert signed_in.get(PERSONAL).status_code == 200
    run_tasks()
    assert len(fake_loop.mock.calls) == calls
    assert not LinkRefresh.objects.exists()


def test_the_profile_is_read_again_after_an_hour_without_a_refresh(
    signed_in: Any, business_account: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    sakura = fake_loop.person("sakura", "Sakura Tanaka")
    link(signed_in, fake_loop, sakura)
    exchanges = len(fake_loop.token_requests)
    sakura.display_name = "Sakura Tanaka-Mori"
    with time_machine.travel(timezone.now() + timedelta(minutes=61), tick=False):
        signed_in.get(PERSONAL)
        run_tasks()
        page = signed_in.get(PERSONAL).content.decode()
    assert "<strong>Sakura Tanaka-Mori</strong>" in page
    assert len(fake_loop.token_requests) == exchanges  # the access token was still good


def test_a_refresh_for_a_link_that_ended_meanwhile_does_nothing(
    signed_in: Any, business_account: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    fake_loop.expires_in = 60
    link(signed_in, fake_loop, fake_loop.person("sakura"))
    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        signed_in.get(PERSONAL)
        LoopLink.objects.all().delete()  # the holder unlinked in another tab, say
        exchanges = len(fake_loop.token_requests)
        run_tasks()
    assert len(fake_loop.token_requests) == exchanges
    assert LinkRefresh.objects.get().call.status == "done"


@pytest.mark.parametrize("failure", ["down", "server_error", "grant_revoked"])
def test_the_stored_profile_is_shown_when_loop_cannot_refresh(
    signed_in: Any, business_account: Any, fake_loop: FakeLoop, failure: str, run_tasks: Any
) -> None:
    fake_loop.expires_in = 60
    sakura = fake_loop.person("sakura", "Sakura Tanaka")
    link(signed_in, fake_loop, sakura)
    stored = LoopLink.objects.get(account=business_account)
    if failure == "down":
        fake_loop.down = True
    elif failure == "server_error":
        fake_loop.mock.replace(responses.POST, f"{LOOP}/v2/oauth/token/", body="upstream failed", status=500)
    else:
        fake_loop.refresh_tokens.clear()  # Loop answers invalid_grant

    with time_machine.travel(timezone.now() + timedelta(minutes=5), tick=False):
        signed_in.get(PERSONAL)
        run_tasks()
        page = signed_in.get(PERSONAL)

    assert page.status_code == 200
    html = page.content.decode()
    assert "<strong>Sakura Tanaka</strong>" in html and "@sakura" in html and "Linked since" in html
    kept = LoopLink.objects.get(account=business_account)
    assert kept.sealed_access_token == stored.sealed_access_token
    assert kept.sealed_refresh_token == stored.sealed_refresh_token
