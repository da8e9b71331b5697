from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from accountlink.consumer.oauth.models import AppPermission
from accountlink.kit.audit.models import AuditEvent, EventKind
from tests.consumer.oauth_helpers import consent, exchange, issue_tokens, refresh, register


def test_code_flow_issues_tokens_in_loops_wire_format(client: HttpClient, loop_account: Any) -> None:
    registered = register()
    client.force_login(loop_account)
    auth, query = consent(client, registered)
    assert query["state"] == auth.state

    response = exchange(HttpClient(), registered, query["code"], auth.verifier)

    assert response.status_code == 200, response.content
    body = response.json()
    assert set(body) == {
        "open_id",
        "scope",
        "access_token",
        "expires_in",
        "refresh_token",
        "refresh_expires_in",
        "token_type",
    }
    assert body["scope"] == "user.info.basic,user.info.profile"
    assert body["open_id"]
    assert AppPermission.objects.get(account=loop_account).scopes == "user.info.basic,user.info.profile"
    info = HttpClient().get(
        "/v2/user/info/?fields=open_id,display_name,username,avatar_url",
        HTTP_AUTHORIZATION=f"Bearer {body['access_token']}",
    )
    assert info.json()["data"]["user"]["username"] == "sakura"


def test_redeeming_a_code_is_audited_and_refreshing_its_tokens_is_not(browser: HttpClient, loop_account: Any) -> None:
    registered = register()
    tokens = issue_tokens(browser, registered)
    assert refresh(registered, tokens["refresh_token"]).status_code == 200

    issued = AuditEvent.objects.filter(account=loop_account, kind=EventKind.APP_TOKENS_ISSUED)
    assert [event.data for event in issued] == [{"client": "Loop for Business"}]
