"""A stand-in for Loop, for the business platform's own tests: its OAuth endpoints (``FakeLoop``,
the ``fake_loop`` fixture of conftest.py) and its signed notices (:func:`notice`, :func:`deliver`).

The real Loop runs in another process with another database; here ``responses`` answers the
business platform's HTTP calls the way Loop's wire format says (DESIGN §7). Tests that need both
real platforms are in tests/e2e.
"""

from __future__ import annotations

import json
import secrets
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
import responses
from django.test import Client as HttpClient

from accountlink.business.conf import LOOP_PATHS
from accountlink.kit.webhooks import sign

LOOP = "https://loop.test"


@dataclass
class LoopPerson:
    open_id: str
    username: str
    display_name: str


@dataclass
class FakeLoop:
    """Issues codes for people, trades them for tokens, answers user info (with TikTok's v2 error
    envelope) and introspection, and records revocations. Every code starts a grant; refreshing stays in the grant; revoking either of its tokens
    ends the whole grant (RFC 7009, DESIGN §7). With ``down`` every endpoint is unreachable.
    """

    mock: responses.RequestsMock
    codes: dict[str, LoopPerson] = field(default_factory=dict)
    access_tokens: dict[str, LoopPerson] = field(default_factory=dict)
    refresh_tokens: dict[str, LoopPerson] = field(default_factory=dict)
    grant_of: dict[str, int] = field(default_factory=dict)  # token → the grant it belongs to
    revoked: list[str] = field(default_factory=list)
    redeemed: dict[str, int] = field(default_factory=dict)  # code → the grant it started
    token_requests: list[dict[str, str]] = field(default_factory=list)
    introspected: list[str] = field(default_factory=list)
    user_info_asked: list[str] = field(default_factory=list)  # the access token of each user info call
    down: bool = False
    expires_in: int = 7200
    grants_issued: int = 0
    # Loop's log of this app's ended grants (``/v2/oauth/grant_endings/``): one entry when a person's
    # last grant ends, as Loop writes one when the app permission ends.
    endings: list[dict[str, Any]] = field(default_factory=list)
    endings_read: list[dict[str, str]] = field(default_factory=list)  # the form of each read

    def person(self, username: str, display_name: str = "") -> LoopPerson:
        return LoopPerson(f"open-{username}", username, display_name or username.title())

    def code_for(self, person: LoopPerson) -> str:
        code = secrets.token_urlsafe(12)
        self.codes[code] = person
        return code

    def _issue(self, person: LoopPerson, grant: int | None = None) -> dict[str, Any]:
        if grant is None:
            self.grants_issued += 1
            grant = self.grants_issued
        access, refresh = secrets.token_urlsafe(16), secrets.token_urlsafe(16)
        self.access_tokens[access] = person
        self.refresh_tokens[refresh] = person
        self.grant_of[access] = self.grant_of[refresh] = grant
        return {
            "open_id": person.open_id,
            "scope": "user.info.basic,user.info.profile",
            "access_token": access,
            "expires_in": self.expires_in,
            "refresh_token": refresh,
            "refresh_expires_in": 15552000,
            "token_type": "Bearer",
        }

    def _token(self, request: Any) -> tuple[int, dict[str, str], str]:
        if self.down:
            raise requests.ConnectionError("Loop is down")
        form = {key: values[0] for key, values in parse_qs(request.body).items()}
        self.token_requests.append(form)
        if not self._client_authenticated(form):
            return 401, {}, json.dumps({"error": "invalid_client", "error_description": "", "log_id": "x"})
        grant = None
        if form.get("grant_type") == "authorization_code":
            code = form.get("code", "")
            person = self.codes.pop(code, None)
            if person is None and code in self.redeemed:  # a replayed code revokes what it issued (RFC 9700)
                self.end_grant(self.redeemed[code])
        else:
            person = self.refresh_tokens.pop(form.get("refresh_token", ""), None)
            grant = self.grant_of.get(form.get("refresh_token", ""))
        if person is None:
            return 400, {}, json.dumps({"error": "invalid_grant", "error_description": "", "log_id": "x"})
        issued = self._issue(person, grant)
        if form.get("grant_type") == "authorization_code":
            self.redeemed[form.get("code", "")] = self.grant_of[issued["refresh_token"]]
        return 200, {}, json.dumps(issued)

    def _client_authenticated(self, form: dict[str, str]) -> bool:
        return form.get("client_key") == "test-client-key" and form.get("client_secret") == "test-client-secret"

    def _user_info(self, request: Any) -> tuple[int, dict[str, str], str]:
        if self.down:
            raise requests.ConnectionError("Loop is down")
        token = request.headers.get("Authorization", "").removeprefix("Bearer ")
        person = self.access_tokens.get(token)
        self.user_info_asked.append(token)
        if person is None:  # TikTok's v2 API envelope, as Loop answers it
            invalid = {"code": "access_token_invalid", "message": "The access token is invalid.", "log_id": "x"}
            return 401, {}, json.dumps({"data": {}, "error": invalid})
        user = {
            "open_id": person.open_id,
            "union_id": "union-" + person.username,
            "avatar_url": f"{LOOP}/v2/avatar/{person.open_id}.svg",
            "display_name": person.display_name,
            "username": person.username,
        }
        return 200, {}, json.dumps({"data": {"user": user}, "error": {"code": "ok", "message": "", "log_id": "x"}})

    def _revoke(self, request: Any) -> tuple[int, dict[str, str], str]:
        if self.down:
            raise requests.ConnectionError("Loop is down")
        form = {key: values[0] for key, values in parse_qs(request.body).items()}
        if not self._client_authenticated(form):
            return 401, {}, json.dumps({"error": "invalid_client", "error_description": "", "log_id": "x"})
        token = form.get("token", "")
        self.revoked.append(token)
        grant = self.grant_of.get(token)
        if grant is not None:
            self.end_grant(grant)
        return 200, {}, "{}"  # RFC 7009: an unknown or already revoked token is no error

    def _introspect(self, request: Any) -> tuple[int, dict[str, str], str]:
        if self.down:
            raise requests.ConnectionError("Loop is down")
        form = {key: values[0] for key, values in parse_qs(request.body).items()}
        if not self._client_authenticated(form):
            return 401, {}, json.dumps({"error": "invalid_client", "error_description": "", "log_id": "x"})
        token = form.get("token", "")
        self.introspected.append(token)
        return 200, {}, json.dumps({"active": self.is_active(token)})

    # What tests ask of Loop, or do on Loop's side

    def is_active(self, token: str) -> bool:
        return token in self.access_tokens or token in self.refresh_tokens

    def end_grant(self, grant: int, reason: int = 1, *, logged: bool = True) -> None:
        """The grant and every token of it are gone (revoked, or removed by the holder on Loop). When
        it was the person's last, the app permission ends and Loop logs it."""
        holders = {holder.open_id: holder for tokens in (self.access_tokens, self.refresh_tokens)
                   for token, holder in tokens.items() if self.grant_of.get(token) == grant}  # fmt: skip
        for tokens in (self.access_tokens, self.refresh_tokens):
            for token in [token for token in tokens if self.grant_of.get(token) == grant]:
                del tokens[token]
        for person in holders.values():
            if logged and not self.live_grants(person):
                self.endings.append({"open_id": person.open_id, "reason": reason, "ended_at": time.time()})

    def _grant_endings(self, request: Any) -> tuple[int, dict[str, str], str]:
        """Loop's log, paged two at a time (the cursor is the index of the next entry)."""
        if self.down:
            raise requests.ConnectionError("Loop is down")
        form = {key: values[0] for key, values in parse_qs(request.body).items()}
        self.endings_read.append(form)
        if not self._client_authenticated(form):
            return 401, {}, json.dumps({"error": "invalid_client", "error_description": "", "log_id": "x"})
        since = float(form.get("since", "0"))
        found = [e for e in sorted(self.endings, key=lambda e: e["ended_at"]) if e["ended_at"] >= since]
        start = int(form.get("cursor") or 0)
        page = found[start : start + 2]
        body = {"endings": page, "cursor": str(start + len(page)), "has_more": start + 2 < len(found)}
        return 200, {}, json.dumps(body)

    def remove_access(self, person: LoopPerson, *, logged: bool = True) -> None:
        """The holder pressed **Remove access** on Loop: every grant of theirs ends (and, with
        ``logged=False``, Loop's log of endings lost it: only the rolling check can find it)."""
        grants = {self.grant_of[token] for token, holder in self.refresh_tokens.items() if holder is person}
        grants |= {self.grant_of[token] for token, holder in self.access_tokens.items() if holder is person}
        for grant in grants:
            self.end_grant(grant, logged=logged)

    def live_grants(self, person: LoopPerson) -> set[int]:
        return {self.grant_of[token] for token, holder in self.refresh_tokens.items() if holder is person}

    def answer(self, endpoints: Mapping[str, str] | None = None) -> None:
        """Answer the business platform's calls to Loop's endpoints (while ``mock`` is active), or at
        ``endpoints`` (``business.conf.TIKTOK_ENDPOINTS``: TikTok's, with no introspection)."""
        urls = endpoints or {name: LOOP + path for name, path in LOOP_PATHS.items()}
        self.mock.add_callback(responses.POST, urls["TOKEN_URL"], callback=self._token)
        self.mock.add_callback(responses.GET, urls["USER_INFO_URL"], callback=self._user_info)
        self.mock.add_callback(responses.POST, urls["REVOKE_URL"], callback=self._revoke)
        if urls["INTROSPECT_URL"]:
            self.mock.add_callback(responses.POST, urls["INTROSPECT_URL"], callback=self._introspect)
        if urls.get("GRANT_ENDINGS_URL"):
            self.mock.add_callback(responses.POST, urls["GRANT_ENDINGS_URL"], callback=self._grant_endings)


def live_refresh_tokens(fake_loop: FakeLoop, person: LoopPerson) -> set[str]:
    return {token for token, holder in fake_loop.refresh_tokens.items() if holder is person}


def live_access_tokens(fake_loop: FakeLoop, person: LoopPerson) -> set[str]:
    return {token for token, holder in fake_loop.access_tokens.items() if holder is person}


def callback_query(location: str) -> dict[str, str]:
    return {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}


# -- Loop's signed notices (webhook ``authorization.removed``, DESIGN §7) ------------------------

WEBHOOK = "/webhooks/loop/"
SECRET = "test-client-secret"


def notice(
    open_id: str = "open-sakura",
    *,
    reason: Any = 1,
    event: str = "authorization.removed",
    create_time: Any = None,
    client_key: str = "test-client-key",
) -> dict[str, Any]:
    return {
        "client_key": client_key,
        "event": event,
        "create_time": int(time.time()) if create_time is None else create_time,
        "user_openid": open_id,
        "content": json.dumps({"reason": reason}),
    }


def deliver(
    payload: Any, *, secret: str = SECRET, timestamp: int | None = None, signature: str | None = None, **extra: Any
) -> Any:
    """Loop posts the notice with its TikTok-Signature header, from a client with no cookies."""
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    header = signature if signature is not None else sign(secret, body, timestamp)
    headers = {"TikTok-Signature": header} if header else {}
    loop = HttpClient(enforce_csrf_checks=True)
    return loop.post(WEBHOOK, data=body, content_type="application/json", headers=headers, **extra)
