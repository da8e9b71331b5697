"""Settings come from the environment; each platform keeps its own database, cookies and cache keys."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

PROBE = """
import dataclasses, json, django
from django.conf import settings
from django.core.cache import cache
django.setup()
from accountlink.kit.throttle.guard import policy
cache.set("probe", "ok", 5)
print(json.dumps({
    "db": str(settings.DATABASES["default"]["NAME"]),
    "engine": settings.DATABASES["default"]["ENGINE"],
    "session_cookie": settings.SESSION_COOKIE_NAME,
    "csrf_cookie": settings.CSRF_COOKIE_NAME,
    "cache": settings.CACHES["default"]["BACKEND"],
    "cached": cache.get("probe"),
    "brand": settings.ACCOUNTLINK_BRAND,
    "secret": settings.SECRET_KEY,
    "conn_max_age": settings.DATABASES["default"]["CONN_MAX_AGE"],
    "health_checks": settings.DATABASES["default"]["CONN_HEALTH_CHECKS"],
    "login_policy": dataclasses.asdict(policy("account", "login")),
}))
"""


def probe(platform: str, **env: str) -> dict[str, Any]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "REDIS_URL", "SECRET_KEY", "ACCOUNTLINK_DEMO_MODE", "CONN_MAX_AGE"}
    }
    environment.update(env, DJANGO_SETTINGS_MODULE=f"accountlink.settings.{platform}")
    result = subprocess.run(
        [sys.executable, "-c", PROBE], env=environment, capture_output=True, text=True, check=True, timeout=60
    )
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_each_platform_has_its_own_database_cookies_and_secret(tmp_path: Path) -> None:
    consumer = probe("consumer", ACCOUNTLINK_DATA_DIR=str(tmp_path), ACCOUNTLINK_DEMO_MODE="1")
    business = probe("business", ACCOUNTLINK_DATA_DIR=str(tmp_path), ACCOUNTLINK_DEMO_MODE="1")
    assert consumer["db"] == str(tmp_path / "consumer.sqlite3")
    assert business["db"] == str(tmp_path / "business.sqlite3")
    assert consumer["session_cookie"] != business["session_cookie"]
    assert consumer["csrf_cookie"] != business["csrf_cookie"]
    assert consumer["secret"] != business["secret"]
    # The demo's generated keys are kept beside its databases.
    assert (
        probe("consumer", ACCOUNTLINK_DATA_DIR=str(tmp_path), ACCOUNTLINK_DEMO_MODE="1")["secret"] == consumer["secret"]
    )


def test_database_url_brand_and_secret_come_from_the_environment(tmp_path: Path) -> None:
    data = probe(
        "business",
        ACCOUNTLINK_DATA_DIR=str(tmp_path),
        DATABASE_URL="postgres://postgres@127.0.0.1:5432/accountlink_probe",
        ACCOUNTLINK_BRAND="Wave",
        SECRET_KEY="from-the-environment",
    )
    assert data["engine"] == "django.db.backends.postgresql" and data["db"] == "accountlink_probe"
    assert data["brand"] == "Wave" and data["secret"] == "from-the-environment"


def test_database_connections_are_kept_and_checked_unless_a_pooler_keeps_them(tmp_path: Path) -> None:
    """A new connection per request costs ~7 ms on PostgreSQL and ~0.7 ms on SQLite (issue 18): kept 60 s,
    checked before reuse; CONN_MAX_AGE=0 behind a pooler."""
    url = "postgres://postgres@127.0.0.1:5432/accountlink_probe"
    postgres = probe("consumer", ACCOUNTLINK_DATA_DIR=str(tmp_path), SECRET_KEY="x", DATABASE_URL=url)
    assert (postgres["conn_max_age"], postgres["health_checks"]) == (60, True)
    pooled = probe("consumer", ACCOUNTLINK_DATA_DIR=str(tmp_path), SECRET_KEY="x", DATABASE_URL=url, CONN_MAX_AGE="0")
    assert pooled["conn_max_age"] == 0
    sqlite = probe("consumer", ACCOUNTLINK_DATA_DIR=str(tmp_path), SECRET_KEY="x")
    assert (sqlite["conn_max_age"], sqlite["health_checks"]) == (60, True)


def test_redis_is_the_cache_when_redis_url_is_set(tmp_path: Path) -> None:
    data = probe("consumer", ACCOUNTLINK_DATA_DIR=str(tmp_path), SECRET_KEY="x", REDIS_URL="redis://127.0.0.1:6379/0")
    assert data["cache"] == "django.core.cache.backends.redis.RedisCache"
    assert data["cached"] == "ok"


def manage_check(platform: str, **env: str) -> subprocess.CompletedProcess[str]:
    """``accountlink manage <platform> check`` with ``env`` added to this environment."""
    return subprocess.run(
        [sys.executable, "-m", "accountlink.cli", "manage", platform, "check"],
        env=dict(os.environ, **env),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_production_mode_refuses_the_development_outbox(tmp_path: Path) -> None:
    result = manage_check("consumer", ACCOUNTLINK_DATA_DIR=str(tmp_path), ACCOUNTLINK_DEMO_MODE="0", SECRET_KEY="x")
    assert result.returncode != 0
    assert "accountlink.E003" in result.stderr and "accountlink.E004" in result.stderr


def test_the_throttles_policies_can_be_set_in_json_in_the_environment(tmp_path: Path) -> None:
    overrides = json.dumps({"account": {"lock_after": 3, "free_failures": 2}})
    data = probe("consumer", ACCOUNTLINK_DATA_DIR=str(tmp_path), SECRET_KEY="x", ACCOUNTLINK_THROTTLE=overrides)
    assert data["login_policy"]["lock_after"] == 3
    assert data["login_policy"]["free_failures"] == 2
    assert probe("consumer", ACCOUNTLINK_DATA_DIR=str(tmp_path), SECRET_KEY="x")["login_policy"]["lock_after"] == 10


def test_a_throttle_policy_that_is_not_json_fails_the_checks_at_start_up(tmp_path: Path) -> None:
    result = manage_check(
        "business", ACCOUNTLINK_DATA_DIR=str(tmp_path), ACCOUNTLINK_DEMO_MODE="1", ACCOUNTLINK_THROTTLE="{account: 3}"
    )
    assert result.returncode != 0
    assert "accountlink.E009" in result.stderr and "ACCOUNTLINK_THROTTLE is not a JSON object" in result.stderr
