"""The platform's settings object (STYLE rule 8): every ``ACCOUNTLINK_*`` setting the kit reads, with
its default, read when asked so that a test's override is seen at once.

Each platform's settings module (``accountlink.settings.consumer``, ``accountlink.settings.business``)
gives the values; code asks ``platform_settings.BRAND``, never ``django.conf.settings`` directly. Where
the two platforms differ, the difference is a setting here (``SITE_NAME``, ``URL_NAMESPACE``, …), so
the kit never asks which platform it runs on. ``kit.checks`` validates the values at start-up.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils.module_loading import import_string

PREFIX = "ACCOUNTLINK_"


class PlatformSettings:
    """``ACCOUNTLINK_<NAME>`` as ``platform_settings.<NAME>``."""

    def _setting(self, name: str, default: Any) -> Any:
        return getattr(settings, PREFIX + name, default)

    # What the platform is

    @property
    def PLATFORM(self) -> str:
        """ "consumer" or "business": a label (outbox messages, the metrics directory, the page's class)."""
        return str(self._setting("PLATFORM", ""))

    @property
    def BRAND(self) -> str:
        """The consumer platform's name; the business platform is "<brand> for Business" (DESIGN §1)."""
        return str(self._setting("BRAND", "Loop"))

    @property
    def SITE_NAME(self) -> str:
        """The name this platform goes by, as a format over ``brand`` and ``business_brand``
        (``kit.brand.site_name`` fills it in the reader's language)."""
        return str(self._setting("SITE_NAME", "%(brand)s"))

    @property
    def URL_NAMESPACE(self) -> str:
        """The namespace of the platform's own pages ("loop", "business"): ``<namespace>:set_language``."""
        return str(self._setting("URL_NAMESPACE", ""))

    @property
    def TEMPLATE_DIR(self) -> str:
        """The folder of the platform's page templates ("loop", "business"), e.g. ``<dir>/forbidden.html``."""
        return str(self._setting("TEMPLATE_DIR", ""))

    @property
    def DEMO_MODE(self) -> bool:
        """The embedded demo: the development outbox, demo data, /dev/outbox/ (DESIGN §9)."""
        return bool(self._setting("DEMO_MODE", False))

    # Addresses

    @property
    def SITE_URL(self) -> str:
        """Where this site is reached from outside, without the trailing slash: absolute links start here."""
        return str(self._setting("SITE_URL", "")).rstrip("/")

    @property
    def HELP_URL(self) -> str:
        """The help center's address: a path on this site, or the other platform's absolute address."""
        return str(self._setting("HELP_URL", "/help/"))

    @property
    def HELP_SECTIONS(self) -> Mapping[str, tuple[str, str]]:
        """Help topic (an error code) → (article, section) that explains it, from the mapping at the
        dotted path ``ACCOUNTLINK_HELP_SECTIONS`` (the help content's); empty: no help links."""
        path = self._setting("HELP_SECTIONS", "")
        sections: Mapping[str, tuple[str, str]] = import_string(path) if path else {}
        return sections

    @property
    def OTHER_PLATFORM_URL(self) -> str:
        """The other platform, whose ``/healthz`` this one's ``/readyz`` asks (empty: not asked)."""
        return str(self._setting("OTHER_PLATFORM_URL", "") or "")

    # What the platform plugs into the kit (dotted paths)

    @property
    def ACCOUNT_LOOKUP(self) -> Callable[[str, str], Any]:
        """``find_account(identifier, language)``: the account a person means by what they typed, or None."""
        found: Callable[[str, str], Any] = import_string(self._setting("ACCOUNT_LOOKUP", ""))
        return found

    @property
    def OUTBOUND_SENDERS(self) -> dict[str, str]:
        """Kind of outbound call → dotted path of its sender (``kit.outbound``)."""
        return dict(self._setting("OUTBOUND_SENDERS", {}))

    @property
    def BACKLOG_SOURCES(self) -> list[str]:
        """Dotted paths of the functions that count waiting calls (``kit.metrics.register_backlog``)."""
        return list(self._setting("BACKLOG_SOURCES", []))

    @property
    def PERIODIC_TASKS(self) -> dict[str, float]:
        """Dotted task path → seconds between runs (``manage.py run_periodic``)."""
        return dict(self._setting("PERIODIC_TASKS", {}))

    @property
    def PRUNERS(self) -> list[str]:
        """Dotted paths of the platform's own pruning functions (``kit.housekeeping``), each returning
        how many rows it deleted."""
        return list(self._setting("PRUNERS", []))

    @property
    def SMS_BACKEND(self) -> str:
        """Dotted path of the SMS backend class (``kit.notify.sms``)."""
        return str(self._setting("SMS_BACKEND", "accountlink.kit.notify.sms.OutboxSmsBackend"))

    # Files and secrets

    @property
    def OUTBOX_DIR(self) -> Path:
        """Where the development outbox keeps what was sent."""
        return Path(self._setting("OUTBOX_DIR", Path(settings.DATA_DIR) / "outbox"))

    @property
    def ENCRYPTION_KEYS(self) -> list[str]:
        """Keys that seal secrets at rest: the first seals, all open (``kit.crypto``)."""
        return list(self._setting("ENCRYPTION_KEYS", []))

    # Sessions, throttling and codes

    @property
    def STAFF_SESSION_SECONDS(self) -> int:
        """How long a staff session lasts after its second factor (DESIGN §8)."""
        return int(self._setting("STAFF_SESSION_SECONDS", 60 * 60))

    @property
    def REAUTH_SECONDS(self) -> int:
        """How long a login or a "Confirm it's you" counts as recent."""
        return int(self._setting("REAUTH_SECONDS", 10 * 60))

    @property
    def SESSION_ACTIVITY_SECONDS(self) -> int:
        """How stale "Last active" may get before a request updates it."""
        return int(self._setting("SESSION_ACTIVITY_SECONDS", 5 * 60))

    @property
    def TRUSTED_PROXY_COUNT(self) -> int:
        """How many proxies in front of the web processes append to ``X-Forwarded-For``."""
        return int(self._setting("TRUSTED_PROXY_COUNT", 0))

    @property
    def THROTTLE_STORE(self) -> str:
        """Where guess counts live: "cache" (shared, such as Redis) or "database"."""
        return str(self._setting("THROTTLE_STORE", "database"))

    @property
    def THROTTLE(self) -> dict[str, dict[str, Any]]:
        """Overrides of the throttle's policies, by kind ("account") or by door and kind ("code.account"):
        a dict, or the same in JSON (``ACCOUNTLINK_THROTTLE`` in the environment). ``kit.checks``
        refuses one that is not JSON or names an unknown field."""
        value = self._setting("THROTTLE", {})
        return dict(json.loads(value) if isinstance(value, str) else value)

    @property
    def CODE_POLICY(self) -> dict[str, Any]:
        """Overrides of the verification codes' policy (``kit.codes.actions.CodePolicy``)."""
        return dict(self._setting("CODE_POLICY", {}))

    @property
    def SUPPORT_ACKNOWLEDGEMENTS(self) -> dict[str, Any]:
        """Overrides of how many support-case acknowledgements are sent (``kit.support``)."""
        return dict(self._setting("SUPPORT_ACKNOWLEDGEMENTS", {}))

    # Metrics

    @property
    def METRICS(self) -> bool:
        """Prometheus metrics at /metrics; off: nothing is counted and /metrics is not found."""
        return bool(self._setting("METRICS", False))

    @property
    def METRICS_TOKEN(self) -> str:
        """With a token, /metrics answers only ``Authorization: Bearer <token>``."""
        return str(self._setting("METRICS_TOKEN", "") or "")

    @property
    def METRICS_DIR(self) -> Path:
        """Where every process of the platform writes its counts: ``<data dir>/metrics/<platform>`` unless set."""
        configured = self._setting("METRICS_DIR", "")
        return Path(configured) if configured else Path(settings.DATA_DIR) / "metrics" / self.PLATFORM


platform_settings = PlatformSettings()
