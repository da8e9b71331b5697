"""Safe production defaults (DESIGN §8): demo mode only when `accountlink up` asks for it, and
``manage.py check --deploy`` clean under the production environment of docs/deploy.md."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from accountlink.devtools import processes

ACCOUNTLINK = [sys.executable, "-m", "accountlink.cli"]
DEPLOY_DOC = Path(__file__).resolve().parents[2] / "docs" / "deploy.md"


def bare_environment(**settings: str) -> dict[str, str]:
    """The shell's environment without any of the project's settings, plus ``settings``."""
    kept = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("ACCOUNTLINK_", "DJANGO_", "SECURE_", "EMAIL_"))
        and key not in {"SECRET_KEY", "DATABASE_URL", "REDIS_URL", "DEBUG", "ALLOWED_HOSTS", "CSRF_TRUSTED_ORIGINS"}
    }
    return {**kept, "LANGUAGE": "C", "LC_ALL": "C.UTF-8", **settings}


def documented_production_environment(platform: str) -> dict[str, str]:
    """The variables of the "Production defaults" example in docs/deploy.md, with real secrets."""
    text = DEPLOY_DOC.read_text()
    block = text.split(f"<!-- production environment: {platform} -->", 1)[1].split("```sh", 1)[1].split("```", 1)[0]
    variables: dict[str, str] = {}
    for line in block.splitlines():
        line = line.strip().removeprefix("export ").rstrip("\\").strip()
        if line and not line.startswith("#") and "=" in line:
            name, value = line.split("=", 1)
            variables[name] = value.split(" #", 1)[0].strip().strip("'\"")  # without a trailing comment
    variables["SECRET_KEY"] = secrets.token_urlsafe(50)
    variables["ACCOUNTLINK_ENCRYPTION_KEYS"] = Fernet.generate_key().decode()
    return variables


def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ACCOUNTLINK, *args], env=env, capture_output=True, text=True, timeout=120, check=False)


@pytest.mark.parametrize("platform", ["consumer", "business"])
def test_check_deploy_is_clean_in_the_documented_production_environment(platform: str, tmp_path: Path) -> None:
    variables = documented_production_environment(platform)
    assert "ACCOUNTLINK_DEMO_MODE" not in variables and "DEBUG" not in variables
    variables.pop("DATABASE_URL", None)  # the checks need no database; SQLite in tmp_path stands in
    env = bare_environment(ACCOUNTLINK_DATA_DIR=str(tmp_path), **variables)
    result = run("manage", platform, "check", "--deploy", "--fail-level", "WARNING", env=env)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize("platform", ["consumer", "business"])
def test_check_deploy_says_what_a_bare_environment_lacks(platform: str, tmp_path: Path) -> None:
    env = bare_environment(ACCOUNTLINK_DATA_DIR=str(tmp_path), SECRET_KEY=secrets.token_urlsafe(50))
    result = run("manage", platform, "check", "--deploy", env=env)
    assert result.returncode != 0
    for check in ("accountlink.E003", "accountlink.E004", "security.W004", "security.W008", "security.W012"):
        assert check in result.stderr, check


@pytest.mark.parametrize("platform", ["consumer", "business"])
def test_without_demo_mode_the_settings_refuse_to_start_without_a_secret_key(platform: str, tmp_path: Path) -> None:
    result = run("manage", platform, "check", env=bare_environment(ACCOUNTLINK_DATA_DIR=str(tmp_path)))
    assert result.returncode != 0
    assert "SECRET_KEY must be set outside demo mode" in result.stderr
    assert not (tmp_path / "secrets").exists()  # no demo key was made


PAGE_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
print(json.dumps({"demo": settings.ACCOUNTLINK_DEMO_MODE, "outbox": Client().get("/dev/outbox/").status_code}))
"""


@pytest.mark.parametrize("platform", ["consumer", "business"])
def test_without_demo_mode_the_outbox_page_is_not_found(platform: str, tmp_path: Path) -> None:
    def outbox_page(**settings: str) -> dict[str, object]:
        env = bare_environment(
            ACCOUNTLINK_DATA_DIR=str(tmp_path),
            DJANGO_SETTINGS_MODULE=f"accountlink.settings.{platform}",
            SECRET_KEY=secrets.token_urlsafe(50),
            ALLOWED_HOSTS="testserver",
            **settings,
        )
        result = subprocess.run(
            [sys.executable, "-c", PAGE_PROBE], env=env, capture_output=True, text=True, timeout=60, check=True
        )
        answer: dict[str, object] = json.loads(result.stdout.strip().splitlines()[-1])
        return answer

    assert outbox_page() == {"demo": False, "outbox": 404}
    assert outbox_page(ACCOUNTLINK_DEMO_MODE="1") == {"demo": True, "outbox": 200}


DEMO_PROBE = "from django.conf import settings; print(settings.ACCOUNTLINK_DEMO_MODE)"


def test_accountlink_up_and_the_commands_on_its_data_directory_run_in_demo_mode(tmp_path: Path) -> None:
    bare = bare_environment()
    urls = {"consumer": "http://127.0.0.1:1", "business": "http://127.0.0.1:2"}
    client = {"client_key": "k", "client_secret": "s"}
    for platform in processes.PLATFORMS:
        assert processes.platform_env(platform, tmp_path, bare)["ACCOUNTLINK_DEMO_MODE"] == "1"
        assert processes.child_env(platform, tmp_path, urls, client, bare)["ACCOUNTLINK_DEMO_MODE"] == "1"
    on_data_dir = run("manage", "--data-dir", str(tmp_path), "consumer", "shell", "-c", DEMO_PROBE, env=bare)
    assert on_data_dir.stdout.strip().splitlines()[-1] == "True", on_data_dir.stderr
    deployment = run(
        "manage", "consumer", "shell", "-c", DEMO_PROBE, env=bare_environment(SECRET_KEY=secrets.token_urlsafe(50))
    )
    assert deployment.stdout.strip().splitlines()[-1] == "False", deployment.stderr
