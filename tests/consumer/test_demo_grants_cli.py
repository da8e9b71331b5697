"""`accountlink up` hands the registered client key to `demo_grants`; a random key may start with "-"."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from accountlink.consumer.oauth.management.commands.demo_grants import Command
from accountlink.devtools import system


@pytest.mark.parametrize("client_key", ["-starts-with-a-dash", "plain_key"])
def test_the_client_key_reaches_demo_grants_whatever_it_starts_with(
    client_key: str, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    calls: list[tuple[str, ...]] = []

    def fake_manage(platform: str, data_dir: Path, *args: str, stdin: Any = None, urls: Any = None) -> str:
        calls.append(args)
        return '["sakura"]' if args[0] == "load_demo_links" and stdin is None else ""

    monkeypatch.setattr(system, "run_manage_output", fake_manage)
    system.load_demo_links(tmp_path, client_key, {"consumer": "http://127.0.0.1:8001"}, quiet=True)

    demo_grants = next(args for args in calls if args[0] == "demo_grants")
    options = Command().create_parser("accountlink", "demo_grants").parse_args(demo_grants[1:])
    assert options.client_key == client_key
    assert options.site_url == "http://127.0.0.1:8001"
