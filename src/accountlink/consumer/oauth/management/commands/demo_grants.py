"""Grant the business platform access to demo Loop accounts, through Loop's real endpoints.

For each handle this does what the holder and the client would do: the holder authorizes on the
consent view, the client redeems the code (with PKCE) at the token endpoint and reads user info.
It prints the token responses and user info as JSON, for the business platform's
``load_demo_links`` to store (DESIGN §12: both sides agree from the start).
"""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

from django.contrib.sessions.backends.db import SessionStore
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.test import RequestFactory

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.consumer.oauth import api_views, consent_views, userinfo_views
from accountlink.consumer.oauth.models import Client
from accountlink.kit.crypto import open_sealed


class Command(BaseCommand):
    help = "Authorize a client for demo Loop accounts through the real endpoints; print tokens and user info as JSON."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--client-key", required=True)
        parser.add_argument(
            "--site-url", default="http://127.0.0.1:8001", help="Loop's public address (for avatar URLs)"
        )
        parser.add_argument("handles", nargs="*")

    def handle(self, *args: Any, **options: Any) -> None:
        client = Client.objects.filter(client_id=options["client_key"]).first()
        if client is None:
            raise CommandError("no client with this key; run register-client first")
        site = urlsplit(options["site_url"])
        environ: dict[str, Any] = {"HTTP_HOST": site.netloc, "wsgi.url_scheme": site.scheme or "http"}
        factory = RequestFactory(**environ)
        grants = []
        for handle in options["handles"]:
            # A grant that cannot be made (the account was deleted, or suspended) is said, not fatal.
            account = LoopAccount.objects.filter(handle=handle).first()
            try:
                if account is None:
                    raise CommandError(f"no Loop account @{handle}")
                grants.append({"handle": handle, **self._grant(factory, client, account)})
            except CommandError as refusal:
                grants.append({"handle": handle, "error": str(refusal)})
        self.stdout.write(json.dumps(grants))

    def _grant(self, factory: RequestFactory, client: Client, account: LoopAccount) -> dict[str, Any]:
        verifier = secrets.token_urlsafe(48)
        challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
        redirect_uri = client.redirect_uris.split()[0]
        query = urlencode(
            {
                "client_key": client.client_id,
                "response_type": "code",
                "scope": client.allowed_scopes,
                "redirect_uri": redirect_uri,
                "state": secrets.token_urlsafe(16),
                "code_challenge": challenge,
                "code_challenge_method": "S256",
            }
        )
        consent = factory.post(f"/v2/auth/authorize/?{query}", {"authorize": "1"})
        consent.user = account
        consent.session = SessionStore()
        consent._dont_enforce_csrf_checks = True  # type: ignore[attr-defined]
        answer = consent_views.authorize(consent)
        location = answer.get("Location", "")
        code = parse_qs(urlsplit(location).query).get("code", [""])[0]
        if answer.status_code != 302 or not code:
            raise CommandError(f"@{account.handle} could not authorize: {location or answer.status_code}")
        exchange = factory.post(
            "/v2/oauth/token/",
            {
                "client_key": client.client_id,
                "client_secret": open_sealed(client.client_secret),
                "code": code,
                "grant_type": "authorization_code",
                "redirect_uri": redirect_uri,
                "code_verifier": verifier,
            },
        )
        tokens = json.loads(api_views.token(exchange).content)
        if "access_token" not in tokens:
            raise CommandError(f"@{account.handle}: the token endpoint refused: {tokens}")
        info = factory.get(
            "/v2/user/info/",
            {"fields": "open_id,union_id,avatar_url,display_name,username"},
            HTTP_AUTHORIZATION=f"Bearer {tokens['access_token']}",
        )
        user = json.loads(userinfo_views.user_info(info).content)["data"]["user"]
        return {"tokens": tokens, "user": user}
