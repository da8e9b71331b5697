"""Preparing a system before its processes start (``accountlink up``, the browser tests): both
databases migrated with demo data, Loop for Business registered at Loop, and the demo links made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .processes import PLATFORMS, run_manage, run_manage_output
from .terminal import _, business_brand


def register_client(
    data_dir: Path,
    *,
    name: str,
    redirect_uris: list[str],
    webhook_url: str,
    scopes: str,
    rotate_secret: bool = False,
    urls: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Register (or update) an OAuth client of Loop; returns its key, secret and what was stored."""
    args = ["register_client", "--name", name, "--webhook-url", webhook_url, "--scopes", scopes]
    for uri in redirect_uris:
        args += ["--redirect-uri", uri]
    if rotate_secret:
        args.append("--rotate-secret")
    registered: dict[str, Any] = json.loads(run_manage_output("consumer", data_dir, *args, urls=urls))
    return registered


def register_business_platform(data_dir: Path, urls: dict[str, str]) -> dict[str, Any]:
    """Register Loop for Business as a client of Loop, at the addresses it runs on."""
    return register_client(
        data_dir,
        name=business_brand(),
        redirect_uris=[f"{urls['business']}/oauth/loop/callback/"],
        webhook_url=f"{urls['business']}/webhooks/loop/",
        scopes="user.info.basic,user.info.profile",
        urls=urls,
    )


def load_demo_links(data_dir: Path, client_key: str, urls: dict[str, str], *, quiet: bool = False) -> None:
    """The demo links of DESIGN §12: Loop grants access through its endpoints, the business side stores it.

    Each is made once: a link someone ended stays ended, and one that cannot be made (the Loop account
    is linked elsewhere now) is reported in one line while start-up goes on."""
    missing = json.loads(run_manage_output("business", data_dir, "load_demo_links", "--missing", urls=urls))
    if not missing:
        return
    grants = run_manage_output(
        # ``--name=value``: a random client key may start with "-", which argparse would take for an option.
        "consumer",
        data_dir,
        "demo_grants",
        f"--client-key={client_key}",
        f"--site-url={urls['consumer']}",
        *missing,
        urls=urls,
    )
    created = run_manage_output("business", data_dir, "load_demo_links", stdin=grants, urls=urls).strip()
    if not quiet:
        print(created, flush=True)


def prepare_system(data_dir: Path, urls: dict[str, str], *, quiet: bool = False) -> dict[str, Any]:
    """Everything before the processes start: both databases migrated with demo data, the business
    platform registered at Loop (its key and secret are returned) and the demo links made.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    for platform in PLATFORMS:
        if not quiet:
            print(
                _("accountlink: preparing the %(platform)s database in %(dir)s")
                % {"platform": platform, "dir": data_dir},
                flush=True,
            )
        run_manage(platform, data_dir, "migrate", "--noinput", "--verbosity", "0", urls=urls)
        run_manage(platform, data_dir, "load_demo", urls=urls)
    client = register_business_platform(data_dir, urls)
    load_demo_links(data_dir, client["client_key"], urls, quiet=quiet)
    return client
