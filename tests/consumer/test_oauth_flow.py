from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from accountlink.consumer.oauth.models import AppPermission
from tests.consumer.oauth_helpers import consent, exchange, register


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
