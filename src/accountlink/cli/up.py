"""``accountlink up``: migrate, load demo data and run both platforms with their workers, until Ctrl-C."""

from __future__ import annotations

import argparse
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, NoReturn

from accountlink.demo import DEMO_PASSWORD
from accountlink.devtools.processes import child_commands, child_env, port_is_free, wait_for_port
from accountlink.devtools.system import prepare_system
from accountlink.devtools.terminal import BRAND, CliError, _, business_brand
from accountlink.supervisor import CrashLoop, Supervisor

DEMO_LOGINS = [
    ("consumer", "@sakura", "Sakura Tanaka, +819012345678"),
    ("consumer", "@maria", "María García"),
    ("consumer", "@kenji", _("account type: business")),
    ("consumer", "@aiko", ""),
    ("consumer", "@ren", ""),
    ("consumer", "@yuki", _("suspended")),
    ("consumer", "@taro", _("under 18")),
    ("consumer", "support@example.com", _("support agent")),
    ("business", "sakura.biz@example.com", _("with phone +819012345678")),
    ("business", "maria.biz@example.com", ""),
    ("business", "aiko.biz@example.com", ""),
    ("business", "hana.biz@example.com", ""),
    ("business", "managed@example.com", _("managed by manager@example.com")),
    ("business", "manager@example.com", _("account manager")),
    ("business", "support@example.com", _("support agent")),
]


def add_parser(commands: Any) -> None:
    up = commands.add_parser("up", help=_("migrate, load demo data and run both platforms with their workers"))
    up.add_argument(
        "--consumer-port", type=int, default=8001, help=_("port of %(brand)s (default 8001)") % {"brand": BRAND}
    )
    up.add_argument(
        "--business-port",
        type=int,
        default=8002,
        help=_("port of %(brand)s for Business (default 8002)") % {"brand": BRAND},
    )
    up.add_argument("--data-dir", default="var", help=_("where databases, secrets and the outbox live (default ./var)"))
    up.add_argument("--web-workers", type=int, default=2, help=_("gunicorn worker processes per platform (default 2)"))
    up.set_defaults(handler=command_up)


def command_up(args: argparse.Namespace) -> int:
    # `up` is the embedded demo (demo data, the development outbox), whatever the shell says.
    os.environ["ACCOUNTLINK_DEMO_MODE"] = "1"
    data_dir = Path(args.data_dir).resolve()
    ports = {"consumer": args.consumer_port, "business": args.business_port}
    check_options(ports, args.web_workers)
    data_dir.mkdir(parents=True, exist_ok=True)
    urls = {platform: f"http://127.0.0.1:{port}" for platform, port in ports.items()}
    supervisor = Supervisor()

    def on_signal(signum: int, frame: Any) -> None:
        supervisor.stop()
        raise SystemExit(0)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        client = prepare_system(data_dir, urls)
        for platform, port in ports.items():
            env = child_env(platform, data_dir, urls, client)
            for part, command in child_commands(platform, port, args.web_workers).items():
                supervisor.start(f"{platform} {part}", command, env)
        wait_for_web_servers(ports)
        print_banner(urls, data_dir)
        keep_running(supervisor)
    finally:
        supervisor.stop()


def check_options(ports: dict[str, int], web_workers: int) -> None:
    """Refuse, in one line, what cannot start: no web worker, one port twice, a port out of range or in use."""
    if web_workers < 1:
        raise CliError(_("--web-workers must be at least 1"))
    if ports["consumer"] == ports["business"]:
        raise CliError(_("--consumer-port and --business-port must differ"))
    for platform, port in ports.items():
        if not 0 < port < 65536:
            raise CliError(
                _("--%(platform)s-port must be between 1 and 65535, not %(port)s")
                % {"platform": platform, "port": port}
            )
        if not port_is_free(port):
            raise CliError(
                _("port %(port)s is already in use; choose another with --%(platform)s-port")
                % {"port": port, "platform": platform}
            )


def wait_for_web_servers(ports: dict[str, int]) -> None:
    deadline = time.monotonic() + 60
    for platform, port in ports.items():
        if not wait_for_port(port, deadline):
            raise CliError(
                _("the %(platform)s web server did not start on port %(port)s") % {"platform": platform, "port": port}
            )


def keep_running(supervisor: Supervisor) -> NoReturn:
    """Start again every process that stops, until one keeps stopping (then everything stops)."""
    while True:
        try:
            restarted = supervisor.restart_stopped()
        except CrashLoop as loop:
            raise CliError(
                _("the %(name)s process keeps stopping (exit code %(code)s); stopping everything")
                % {"name": loop.child.name, "code": loop.child.process.returncode}
            ) from None
        for child, code in restarted:
            print(
                _("accountlink: the %(name)s process stopped (exit code %(code)s); started it again")
                % {"name": child.name, "code": code},
                file=sys.stderr,
                flush=True,
            )
        time.sleep(0.5)


def print_banner(urls: dict[str, str], data_dir: Path) -> None:
    rows = [
        (BRAND, f"{urls['consumer']}/"),
        (business_brand(), f"{urls['business']}/"),
        (_("Development outboxes"), f"{urls['consumer']}/dev/outbox/  {urls['business']}/dev/outbox/"),
        (_("Data directory"), str(data_dir)),
    ]
    lines = ["", _("accountlink is running. Press Ctrl-C to stop.")]
    lines += [f"  {label}: {value}" for label, value in rows]
    lines += ["", _("Demo logins (password %(password)s for all):") % {"password": DEMO_PASSWORD}]
    for platform, login, note in DEMO_LOGINS:
        label = BRAND if platform == "consumer" else business_brand()
        lines.append(f"  {label:<18} {login:<26} {note}")
    print("\n".join(lines), flush=True)
