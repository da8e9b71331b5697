"""Loop for Business's settings object: the kit's (``kit.conf``) and its own, as an OAuth client of Loop."""

from __future__ import annotations

from accountlink.kit.conf import PlatformSettings


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


business_settings = BusinessSettings()
