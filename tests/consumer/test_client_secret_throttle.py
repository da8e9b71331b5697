"""Client secrets are throttled like passwords at the token, revoke and introspect endpoints
(issue 13): per client key and per client address, told with 429 and Retry-After."""

from __future__ import annotations

from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone

from tests.consumer.oauth_helpers import basic_auth, register

pytestmark = pytest.mark.django_db

ENDPOINTS = ["/v2/oauth/token/", "/v2/oauth/revoke/", "/v2/oauth/introspect/"]


def post(path: str, key: str, secret: str, address: str = "198.51.100.9") -> Any:
    data = {"client_key": key, "client_secret": secret, "token": "some-token", "grant_type": "refresh_token"}
    return Client(REMOTE_ADDR=address).post(path, {**data, "refresh_token": "some-token"})


@pytest.mark.parametrize("path", ENDPOINTS)
def test_wrong_secrets_are_slowed_then_locked_and_the_right_one_waits_too(path: str) -> None:
    registered = register()
    key = registered.client.client_id
    with time_machine.travel(timezone.now(), tick=False) as clock:
        statuses = []
        for number in range(100):
            statuses.append(post(path, key, f"wrong-{number}").status_code)
            clock.shift(1)
        assert statuses.count(401) <= 12
        refused = post(path, key, registered.client_secret, address="192.0.2.200")
        assert refused.status_code == 429
        assert refused.json()["error"] == "rate_limit_exceeded"
        assert int(refused["Retry-After"]) > 0
        assert set(refused.json()) == {"error", "error_description", "log_id"}
        clock.shift(int(refused["Retry-After"]))
        assert post(path, key, registered.client_secret).status_code != 429


def test_http_basic_guesses_count_for_the_same_client() -> None:
    registered = register()
    with time_machine.travel(timezone.now(), tick=False):
        for number in range(6):
            Client().post(
                "/v2/oauth/introspect/", {"token": "x"}, HTTP_AUTHORIZATION=basic_auth(registered, f"wrong-{number}")
            )
        response = Client().post("/v2/oauth/introspect/", {"token": "x"}, HTTP_AUTHORIZATION=basic_auth(registered))
    assert response.status_code == 429


def test_an_unknown_client_key_is_throttled_like_a_known_one() -> None:
    key = register().client.client_id
    with time_machine.travel(timezone.now(), tick=False):
        known = [post("/v2/oauth/introspect/", key, f"wrong-{n}", address="198.51.100.1").status_code for n in range(8)]
        unknown = [
            post("/v2/oauth/introspect/", "no-such-client", f"wrong-{n}", address="198.51.100.2").status_code
            for n in range(8)
        ]
    assert unknown == [401] * 5 + [429] * 3
    assert known == unknown


def test_a_working_client_is_never_slowed_down() -> None:
    registered = register()
    for _ in range(50):
        response = post("/v2/oauth/introspect/", registered.client.client_id, registered.client_secret)
        assert response.status_code == 200
