"""Running the third-party clients for the tests: the allauth site as a real server, arctic's steps
as ``node`` runs, and plain HTTP calls made the way TikTok's docs describe them."""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from accountlink.devtools import system
from tests.e2e.cluster import FOREIGN_SETTINGS, answers_http
from tests.e2e.polling import eventually

REPOSITORY = Path(__file__).resolve().parents[3]
NODE_DIR = Path(__file__).resolve().parent / "node"
SCOPES = "user.info.basic,user.info.profile"


@dataclass
class App:
    """A test app registered at Loop: what ``register-client`` printed."""

    name: str
    client_key: str
    client_secret: str
    redirect_uri: str


def clean_env() -> dict[str, str]:
    """The environment of this process less what would point a child at another Django or database."""
    return {key: value for key, value in os.environ.items() if key not in (*FOREIGN_SETTINGS, "DJANGO_SETTINGS_MODULE")}


# HTTP as TikTok's docs describe it: form-encoded POSTs, a bearer token for user info.


def call(url: str, data: dict[str, str] | None = None, token: str | None = None) -> tuple[int, Any]:
    """(HTTP status, JSON body) of a GET, or of a form-encoded POST when ``data`` is given."""
    body = urllib.parse.urlencode(data).encode() if data is not None else None
    request = urllib.request.Request(url, data=body)
    if body is not None:
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
    if token is not None:
        request.add_header("Authorization", f"Bearer {token}")
    try:
        with urllib.request.urlopen(request, timeout=15) as answer:
            status, raw = answer.status, answer.read()
    except urllib.error.HTTPError as error:
        status, raw = error.code, error.read()
    try:
        return status, json.loads(raw)
    except ValueError:
        return status, raw.decode(errors="replace")


def post_webhook(url: str, body: bytes, signature: str) -> int:
    """POST a webhook body with a ``TikTok-Signature`` header, as Loop does; the HTTP status."""
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", "TikTok-Signature": signature}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as answer:
            return int(answer.status)
    except urllib.error.HTTPError as error:
        return error.code


def client_form(app: App, **fields: str) -> dict[str, str]:
    return {"client_key": app.client_key, "client_secret": app.client_secret, **fields}


def introspect(loop_url: str, app: App, token: str) -> Any:
    """Loop's RFC 7662 answer about a token, asked by the app that holds it."""
    return call(f"{loop_url}/v2/oauth/introspect/", client_form(app, token=token))


# arctic, one step per ``node`` run


def install_node_client() -> None:
    """``npm ci`` when the locked packages are not installed (``make node-clients`` does the same)."""
    if not (NODE_DIR / "node_modules" / "arctic" / "package.json").exists():
        result = subprocess.run(["npm", "ci", "--no-audit", "--no-fund"], cwd=NODE_DIR, capture_output=True, text=True)
        assert result.returncode == 0, f"npm ci failed in {NODE_DIR}:\n{result.stderr[-2000:]}"


def arctic(loop_url: str, app: App, step: str, *args: str) -> tuple[int, dict[str, Any]]:
    """Run one step of ``client.mjs`` (arctic's TikTok class); (exit code, the JSON it printed)."""
    env = {
        **clean_env(),
        "LOOP_URL": loop_url,
        "CLIENT_KEY": app.client_key,
        "CLIENT_SECRET": app.client_secret,
        "REDIRECT_URI": app.redirect_uri,
    }
    result = subprocess.run(
        ["node", "--import", "./loop-base-url.mjs", "client.mjs", step, *args],
        cwd=NODE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.stdout.strip(), f"node client.mjs {step} printed nothing:\n{result.stderr[-2000:]}"
    return result.returncode, json.loads(result.stdout.strip().splitlines()[-1])


# The allauth site, as a real server


@dataclass
class AllauthSite:
    url: str
    database: Path
    log_path: Path

    def log_tail(self) -> str:
        return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-30:])


def register_app(data_dir: Path, urls: dict[str, str], name: str, redirect_uri: str, webhook_url: str = "") -> App:
    """Register a test app at Loop with the project's own registration helper (``register-client``)."""
    with pytest.MonkeyPatch.context() as patch:
        for key in FOREIGN_SETTINGS:
            patch.delenv(key, raising=False)
        registered = system.register_client(
            data_dir, name=name, redirect_uris=[redirect_uri], webhook_url=webhook_url, scopes=SCOPES, urls=urls
        )
    return App(name, registered["client_key"], registered["client_secret"], redirect_uri)


@contextmanager
def running_allauth_site(directory: Path, port: int, loop_url: str, app: App) -> Iterator[AllauthSite]:
    """Migrate the site's SQLite database and serve it with ``runserver`` on 127.0.0.1:``port``."""
    site = AllauthSite(f"http://127.0.0.1:{port}", directory / "allauth.sqlite3", directory / "allauth-site.log")
    env = {
        **clean_env(),
        "DJANGO_SETTINGS_MODULE": "tests.e2e.tiktok_clients.allauth_site.settings",
        "PYTHONPATH": str(REPOSITORY),
        "PYTHONUNBUFFERED": "1",
        "TIKTOK_SITE_LOOP_URL": loop_url,
        "TIKTOK_SITE_CLIENT_KEY": app.client_key,
        "TIKTOK_SITE_CLIENT_SECRET": app.client_secret,
        "TIKTOK_SITE_DATABASE": str(site.database),
    }
    django = [sys.executable, "-m", "django"]
    with open(site.log_path, "ab") as log:
        migrated = subprocess.run(
            [*django, "migrate", "--noinput", "-v", "0"], cwd=REPOSITORY, env=env, stdout=log, stderr=log
        )
        assert migrated.returncode == 0, f"migrating the allauth site failed:\n{site.log_tail()}"
        process = subprocess.Popen(
            [*django, "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=REPOSITORY,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def serving() -> bool:
        assert process.poll() is None, f"the allauth site exited with {process.returncode}:\n{site.log_tail()}"
        return answers_http(f"{site.url}/accounts/login/")

    try:
        eventually(serving, timeout=30, failure=lambda: f"the allauth site did not answer:\n{site.log_tail()}")
        yield site
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
