"""Preparing a system before its processes start (``accountlink up``, the browser tests): both
databases migrated with demo data, Loop for Business registered at Loop, and the demo links made."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from accountlink.demo import OPERATOR_HANDLE

from .processes import PLATFORMS, run_manage, run_manage_output
from .terminal import BRAND, _, business_brand


def register_client(
    data_dir: Path,
    *,
    name: str,
    redirect_uris: list[str],
    webhook_url: str,
    scopes: str,
    rotate_secret: bool = False,
    urls: dict[str, str] | None = None,
    platform: str | None = None,
    description: str | None = None,
    require_pkce: bool | None = None,
    owner: str | None = None,
) -> dict[str, Any]:
    """Register (or update) an OAuth client of Loop; returns its key, secret and what was stored.
    Settings left as None keep their value (or their default for a new app)."""
    # ``--name=value``: a value may start with "-", which argparse would take for an option.
    args = ["register_client", f"--name={name}", f"--webhook-url={webhook_url}", f"--scopes={scopes}"]
    args += [f"--redirect-uri={uri}" for uri in redirect_uris]
    if rotate_secret:
        args.append("--rotate-secret")
    if platform is not None:
        args.append(f"--platform={platform}")
    if description is not None:
        args.append(f"--description={description}")
    if require_pkce is not None:
        args.append("--require-pkce" if require_pkce else "--no-require-pkce")
    if owner is not None:
        args.append(f"--owner={owner}")
    registered: dict[str, Any] = json.loads(run_manage_output("consumer", data_dir, *args, urls=urls))
    return registered


def register_business_platform(data_dir: Path, urls: dict[str, str], *, owner: str | None = None) -> dict[str, Any]:
    """Register Loop for Business as a client of Loop, at the addresses it runs on: a web app that
    always uses PKCE. ``owner`` (the demo operator, @loopdev, once the demo data is loaded) manages it
    in Loop for Developers; without one, an owner named before is kept."""
    return register_client(
        data_dir,
        name=business_brand(),
        redirect_uris=[f"{urls['business']}/oauth/loop/callback/"],
        webhook_url=f"{urls['business']}/webhooks/loop/",
        scopes="user.info.basic,user.info.profile",
        urls=urls,
        platform="web",
        description=_(
            "Ads Manager and business accounts. People link their %(brand)s account to it or continue with it."
        )
        % {"brand": BRAND},
        require_pkce=True,
        owner=owner,
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
    client = register_business_platform(data_dir, urls, owner=OPERATOR_HANDLE)
    load_demo_links(data_dir, client["client_key"], urls, quiet=quiet)
    return client
