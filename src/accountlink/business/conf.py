"""Loop for Business's settings object: the kit's (``kit.conf``) and its own, as an OAuth client of Loop.

The provider it links to is Loop by default (its endpoints under ``LOOP_URL``); with
``ACCOUNTLINK_LOOP_PROVIDER = "tiktok"`` it is TikTok's real Login Kit v2 endpoints. Each
``ACCOUNTLINK_LOOP_<ENDPOINT>_URL`` overrides one endpoint of either. ``business.checks`` validates them.
"""

from __future__ import annotations

from accountlink.kit.conf import PlatformSettings

ENDPOINTS = ("AUTHORIZE_URL", "TOKEN_URL", "REVOKE_URL", "USER_INFO_URL", "INTROSPECT_URL", "GRANT_ENDINGS_URL")

# Loop's endpoints, under LOOP_URL (DESIGN §7).
LOOP_PATHS = {
    "AUTHORIZE_URL": "/v2/auth/authorize/",
    "TOKEN_URL": "/v2/oauth/token/",
    "REVOKE_URL": "/v2/oauth/revoke/",
    "USER_INFO_URL": "/v2/user/info/",
    "INTROSPECT_URL": "/v2/oauth/introspect/",
    "GRANT_ENDINGS_URL": "/v2/oauth/grant_endings/",
}

# TikTok Login Kit v2 (developers.tiktok.com). TikTok has no introspection endpoint and no log of
# grant endings (Loop's additions).
TIKTOK_ENDPOINTS = {
    "AUTHORIZE_URL": "https://www.tiktok.com/v2/auth/authorize/",
    "TOKEN_URL": "https://open.tiktokapis.com/v2/oauth/token/",
    "REVOKE_URL": "https://open.tiktokapis.com/v2/oauth/revoke/",
    "USER_INFO_URL": "https://open.tiktokapis.com/v2/user/info/",
    "INTROSPECT_URL": "",
    "GRANT_ENDINGS_URL": "",
}

PROVIDERS = ("loop", "tiktok")


class BusinessSettings(PlatformSettings):
    @property
    def LOOP_URL(self) -> str:
        """Where Loop is reached, without the trailing slash."""
        return str(self._setting("LOOP_URL", "")).rstrip("/")

    @property
    def LOOP_CLIENT_KEY(self) -> str:
        """This platform's client key at Loop; empty: linking is off."""
        return str(self._setting("LOOP_CLIENT_KEY", "") or "")

    @property
    def LOOP_CLIENT_SECRET(self) -> str:
        """Its client secret, which also keys Loop's webhook signatures."""
        return str(self._setting("LOOP_CLIENT_SECRET", "") or "")

    # The provider's endpoints

    @property
    def LOOP_PROVIDER(self) -> str:
        """Whose endpoints are the defaults: "loop" (under ``LOOP_URL``) or "tiktok" (TikTok's real ones)."""
        return str(self._setting("LOOP_PROVIDER", "") or "loop")

    def _endpoint(self, name: str) -> str:
        configured = str(self._setting("LOOP_" + name, "") or "")
        if configured:
            return configured
        if self.LOOP_PROVIDER == "tiktok":
            return TIKTOK_ENDPOINTS[name]
        return self.LOOP_URL + LOOP_PATHS[name]

    @property
    def LOOP_AUTHORIZE_URL(self) -> str:
        """Where the browser is sent to authorize (``GET``)."""
        return self._endpoint("AUTHORIZE_URL")

    @property
    def LOOP_TOKEN_URL(self) -> str:
        """Where codes and refresh tokens are traded for tokens."""
        return self._endpoint("TOKEN_URL")

    @property
    def LOOP_REVOKE_URL(self) -> str:
        """Where a grant is revoked."""
        return self._endpoint("REVOKE_URL")

    @property
    def LOOP_USER_INFO_URL(self) -> str:
        """Where the linked person's profile is read with the access token."""
        return self._endpoint("USER_INFO_URL")

    @property
    def LOOP_INTROSPECT_URL(self) -> str:
        """RFC 7662 introspection; empty (TikTok): a grant's liveness is read from user info instead."""
        return self._endpoint("INTROSPECT_URL")

    @property
    def LOOP_GRANT_ENDINGS_URL(self) -> str:
        """Loop's log of ended grants, read by the reconciliation; empty (TikTok): no such log."""
        return self._endpoint("GRANT_ENDINGS_URL")

    # The reconciliation (linking.actions.reconciliation)

    @property
    def RECONCILE_CHECKS_PER_PASS(self) -> int:
        """How many links each periodic pass asks Loop about, those checked longest ago: a fixed small
        rate (1,000 every 10 minutes is 1.7 a second), whatever the number of links."""
        return int(self._setting("RECONCILE_CHECKS_PER_PASS", 1000))

    @property
    def RECONCILE_LOG_OVERLAP_SECONDS(self) -> float:
        """Each pass reads Loop's log of grant endings again from this long before where the last one
        stopped: an ending whose transaction committed late is not skipped (reading one twice is harmless)."""
        return float(self._setting("RECONCILE_LOG_OVERLAP_SECONDS", 300))

    def endpoints(self) -> dict[str, str]:
        """Setting name (``LOOP_TOKEN_URL``, …) → the endpoint it names now."""
        return {"LOOP_" + name: self._endpoint(name) for name in ENDPOINTS}


business_settings = BusinessSettings()
