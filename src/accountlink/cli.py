"""The ``accountlink`` command: ``up`` runs the whole system, ``outbox`` reads the development outbox,
``manage`` runs a Django management command on one platform.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PLATFORMS = {"consumer": "accountlink.settings.consumer", "business": "accountlink.settings.business"}

DEMO_PASSWORD = "loop-demo-2468"
DEMO_LOGINS = [
    ("consumer", "@sakura", "linked to sakura.biz@example.com (linking comes in a later release)"),
    ("consumer", "@maria", "Spanish"),
    ("consumer", "@kenji", "business type"),
    ("consumer", "@aiko", "not linked"),
    ("consumer", "@ren", ""),
    ("consumer", "@yuki", "suspended"),
    ("consumer", "@taro", "under 18"),
    ("consumer", "support@example.com", "support agent"),
    ("business", "sakura.biz@example.com", "with phone +819012345678"),
    ("business", "maria.biz@example.com", "Spanish"),
    ("business", "aiko.biz@example.com", ""),
    ("business", "hana.biz@example.com", ""),
    ("business", "managed@example.com", "managed by manager@example.com"),
    ("business", "manager@example.com", "account manager"),
    ("business", "support@example.com", "support agent"),
]


class CliError(Exception):
    """A problem to report in one line, without a traceback."""


def platform_env(platform: str, data_dir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ if base is None else base)
    env["DJANGO_SETTINGS_MODULE"] = PLATFORMS[platform]
    env["ACCOUNTLINK_DATA_DIR"] = str(data_dir)
    env.setdefault("ACCOUNTLINK_DEMO_MODE", "1")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def run_manage(platform: str, data_dir: Path, *args: str) -> None:
    command = [sys.executable, "-m", "accountlink.cli", "manage", platform, *args]
    result = subprocess.run(command, env=platform_env(platform, data_dir), check=False)
    if result.returncode != 0:
        raise CliError(f"'{' '.join(args)}' failed on the {platform} platform (exit code {result.returncode})")


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, deadline: float) -> bool:
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def command_up(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir).resolve()
    ports = {"consumer": args.consumer_port, "business": args.business_port}
    if ports["consumer"] == ports["business"]:
        raise CliError("--consumer-port and --business-port must differ")
    for platform, port in ports.items():
        if not 0 < port < 65536:
            raise CliError(f"--{platform}-port must be between 1 and 65535, not {port}")
        if not port_is_free(port):
            raise CliError(f"port {port} is already in use; choose another with --{platform}-port")
    data_dir.mkdir(parents=True, exist_ok=True)
    urls = {platform: f"http://127.0.0.1:{port}" for platform, port in ports.items()}
    for platform in PLATFORMS:
        print(f"accountlink: preparing the {platform} database in {data_dir}", flush=True)
        run_manage(platform, data_dir, "migrate", "--noinput", "--verbosity", "0")
        run_manage(platform, data_dir, "load_demo")

    children: list[subprocess.Popen[bytes]] = []
    stopping = False

    def stop(signum: int = signal.SIGTERM, frame: Any = None) -> None:
        nonlocal stopping
        if stopping:
            return
        stopping = True
        for child in children:
            if child.poll() is None:
                child.terminate()
        deadline = time.monotonic() + 10
        for child in children:
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                child.kill()
                child.wait()

    def on_signal(signum: int, frame: Any) -> None:
        stop()
        raise SystemExit(0)

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)
    try:
        for platform, port in ports.items():
            env = platform_env(platform, data_dir)
            env["ACCOUNTLINK_SITE_URL"] = urls[platform]
            env["ACCOUNTLINK_CONSUMER_URL"] = urls["consumer"]
            env["ACCOUNTLINK_BUSINESS_URL"] = urls["business"]
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "gunicorn",
                        f"accountlink.{platform}.wsgi:application",
                        "--bind",
                        f"127.0.0.1:{port}",
                        "--workers",
                        str(args.web_workers),
                        "--threads",
                        "4",
                        "--graceful-timeout",
                        "5",
                        "--log-level",
                        "warning",
                    ],
                    env=env,
                    start_new_session=True,
                )
            )
            children.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "accountlink.cli",
                        "manage",
                        platform,
                        "db_worker",
                        "--queue-name",
                        "*",
                        "--interval",
                        "0.2",
                        "--no-startup-delay",
                        "--no-reload",
                        "--verbosity",
                        "0",
                    ],
                    env=env,
                    start_new_session=True,
                )
            )
        deadline = time.monotonic() + 60
        for platform, port in ports.items():
            if not wait_for_port(port, deadline):
                raise CliError(f"the {platform} web server did not start on port {port}")
        print_banner(urls, data_dir)
        while True:
            for child in children:
                if child.poll() is not None:
                    raise CliError(f"a child process stopped unexpectedly: {' '.join(map(str, child.args))[:120]}")  # type: ignore[arg-type]
            time.sleep(0.5)
    finally:
        stop()


def print_banner(urls: dict[str, str], data_dir: Path) -> None:
    lines = [
        "",
        "accountlink is running. Press Ctrl-C to stop.",
        f"  Loop (consumer):             {urls['consumer']}/",
        f"  Loop for Business:           {urls['business']}/",
        f"  Development outboxes:        {urls['consumer']}/dev/outbox/  {urls['business']}/dev/outbox/",
        f"  Data directory:              {data_dir}",
        "",
        f"Demo logins (password {DEMO_PASSWORD} for all):",
    ]
    for platform, login, note in DEMO_LOGINS:
        label = "Loop" if platform == "consumer" else "Loop for Business"
        lines.append(f"  {label:<18} {login:<26} {note}")
    print("\n".join(lines), flush=True)


def command_outbox(args: argparse.Namespace) -> int:
    from accountlink.kit.notify import outbox

    directory = Path(args.data_dir).resolve() / "outbox"
    messages = outbox.read(directory, platform=args.platform, to=args.to)
    if args.last:
        if not messages:
            raise CliError("no messages found" + (f" for {args.to}" if args.to else ""))
        messages = messages[-1:]
    if args.json:
        data: Any = [message.as_json() for message in messages]
        print(json.dumps(data[0] if args.last else data, ensure_ascii=False, indent=2))
        return 0
    if not messages:
        print("No messages.")
    for message in messages:
        print(f"[{message.sent_at}] {message.platform} {message.channel} to {message.to}")
        if message.subject:
            print(f"Subject: {message.subject}")
        print(message.body)
        print()
    return 0


def command_manage(args: argparse.Namespace) -> int:
    os.environ["DJANGO_SETTINGS_MODULE"] = PLATFORMS[args.platform]
    if args.data_dir:
        os.environ["ACCOUNTLINK_DATA_DIR"] = str(Path(args.data_dir).resolve())
    from django.core.management import execute_from_command_line

    execute_from_command_line([f"accountlink manage {args.platform}", *args.arguments])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="accountlink", description="Run and inspect accountlink.")
    commands = parser.add_subparsers(dest="command", required=True)

    up = commands.add_parser("up", help="migrate, load demo data and run both platforms with their workers")
    up.add_argument("--consumer-port", type=int, default=8001, help="port of Loop (default 8001)")
    up.add_argument("--business-port", type=int, default=8002, help="port of Loop for Business (default 8002)")
    up.add_argument("--data-dir", default="var", help="where databases, secrets and the outbox live (default ./var)")
    up.add_argument("--web-workers", type=int, default=2, help="gunicorn worker processes per platform (default 2)")
    up.set_defaults(handler=command_up)

    box = commands.add_parser("outbox", help="show the emails and SMS of the development outbox")
    box.add_argument("--data-dir", default="var")
    box.add_argument("--platform", choices=sorted(PLATFORMS))
    box.add_argument("--to", help="only messages to this email address or phone number")
    box.add_argument("--last", action="store_true", help="only the newest message")
    box.add_argument("--json", action="store_true", help="print JSON (an object with --last, else a list)")
    box.set_defaults(handler=command_outbox)

    manage = commands.add_parser("manage", help="run a Django management command on one platform")
    manage.add_argument("platform", choices=sorted(PLATFORMS))
    manage.add_argument("--data-dir", default=None)
    manage.add_argument("arguments", nargs=argparse.REMAINDER)
    manage.set_defaults(handler=command_manage)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        result: int = args.handler(args)
    except CliError as error:
        print(f"accountlink: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
    return result


if __name__ == "__main__":
    sys.exit(main())
