from __future__ import annotations

from typing import Any

from django.test import Client as HttpClient

from accountlink.business.linking.models import LoopLink
from tests.business.fake_loop import FakeLoop, callback_query, fake_loop  # noqa: F401


def test_link_loop_account_from_personal_information(
    client: HttpClient, business_account: Any, fake_loop: FakeLoop, run_tasks: Any
) -> None:
    client.force_login(business_account)
    started = client.post("/settings/personal/link-loop/")
    assert started.status_code == 302
    assert started["Location"].startswith("https://loop.test/v2/auth/authorize/?")
    query = callback_query(started["Location"])
    assert query["client_key"] == "test-client-key"
    assert query["code_challenge_method"] == "S256"
    code = fake_loop.code_for(fake_loop.person("sakura", "Sakura Tanaka"))

    back = client.get("/oauth/loop/callback/", {"code": code, "state": query["state"]}, follow=True)

    assert back.status_code == 200
    link = LoopLink.objects.get(account=business_account)
    assert link.username == "sakura"
    assert "@sakura" in back.content.decode()
    assert "Linked since" in back.content.decode()
    assert link.sealed_access_token and link.access_token not in link.sealed_access_token
