"""The processes of the system, started from outside Django: their environment, their command lines,
and management commands run on one platform of a data directory of ``accountlink up``."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from accountlink.supervisor import dying_with

from .terminal import CliError, _

PLATFORMS = {"consumer": "accountlink.settings.consumer", "business": "accountlink.settings.business"}
# Runs a management command on one platform: ``[*MANAGE, platform, command, ...]``.
MANAGE = [sys.executable, "-m", "accountlink.cli", "manage"]


def platform_env(platform: str, data_dir: Path, base: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of a process working on one platform of the demo data directory ``data_dir``.

    Demo mode is on unless the environment says ``ACCOUNTLINK_DEMO_MODE=0``: the settings default to
    off, and only the commands that work on a data directory of ``accountlink up`` turn it on.
    """
    env = dict(os.environ if base is None else base)
    env["DJANGO_SETTINGS_MODULE"] = PLATFORMS[platform]
    env["ACCOUNTLINK_DATA_DIR"] = str(data_dir)
    env.setdefault("ACCOUNTLINK_DEMO_MODE", "1")
    env.setdefault("PYTHONUNBUFFERED", "1")
    return env


def system_env(platform: str, data_dir: Path, urls: dict[str, str] | None) -> dict[str, str]:
    """:func:`platform_env`, plus the addresses of the system being prepared: a step that reaches the
    other platform (a revocation queued while making demo links) reaches that system, no other."""
    env = platform_env(platform, data_dir)
    if urls is not None:
        env["ACCOUNTLINK_SITE_URL"] = urls[platform]
        env["ACCOUNTLINK_CONSUMER_URL"] = urls["consumer"]
        env["ACCOUNTLINK_BUSINESS_URL"] = urls["business"]
    return env


def child_env(
    platform: str, data_dir: Path, urls: dict[str, str], client: dict[str, Any], base: dict[str, str] | None = None
) -> dict[str, str]:
    """The environment of one platform's processes: its data, both addresses, and (business) the client key."""
    env = platform_env(platform, data_dir, base)
    env["ACCOUNTLINK_SITE_URL"] = urls[platform]
    env["ACCOUNTLINK_CONSUMER_URL"] = urls["consumer"]
    env["ACCOUNTLINK_BUSINESS_URL"] = urls["business"]
    if platform == "business":
        env["ACCOUNTLINK_LOOP_CLIENT_KEY"] = client["client_key"]
        env["ACCOUNTLINK_LOOP_CLIENT_SECRET"] = client["client_secret"]
    return env


# Loop for Business's reconciliation runs on its own queue and worker: a long pass delays no code
# email or revocation (issue 18).
OWN_WORKERS = {"business": ["reconcile"]}


def _worker(manage: list[str], queue: str) -> list[str]:
    return [*manage, "task_worker", "--queue-name", queue, "--interval", "0.1", "--no-startup-delay", "--no-reload",
            "--verbosity", "0"]  # fmt: skip


def child_commands(platform: str, port: int, web_workers: int) -> dict[str, list[str]]:
    """The processes of one platform: its web server, its task workers and its periodic-task scheduler."""
    manage = [*MANAGE, platform]
    own = OWN_WORKERS.get(platform, [])
    return {
        "web": [
            sys.executable,
            "-m",
            "gunicorn",
            f"accountlink.{platform}.wsgi:application",
            "--config",
            "python:accountlink.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(web_workers),
            "--threads",
            "4",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ],
        # Every queue but those with a worker of their own.
        "worker": _worker(manage, "default" if own else "*"),
        **{f"{queue}-worker": _worker(manage, queue) for queue in own},
        # Sweeps (webhook and revocation retries) and reconciliation, run by the workers above.
        "periodic": [*manage, "run_periodic", "--verbosity", "0"],
    }


def run_manage(platform: str, data_dir: Path, *args: str, urls: dict[str, str] | None = None) -> None:
    """Run a management command, its output going to the terminal; a failure is a :class:`CliError`."""
    result = subprocess.run(
        [*MANAGE, platform, *args],
        env=system_env(platform, data_dir, urls),
        check=False,
        preexec_fn=dying_with(os.getpid()),
    )
    if result.returncode != 0:
        raise CliError(
            _("“%(command)s” failed on the %(platform)s platform (exit code %(code)s)")
            % {"command": " ".join(args), "platform": platform, "code": result.returncode}
        )


def run_manage_output(
    platform: str, data_dir: Path, *args: str, stdin: str | None = None, urls: dict[str, str] | None = None
) -> str:
    """Run a management command and return what it printed (errors go to the terminal)."""
    result = subprocess.run(
        [*MANAGE, platform, *args],
        env=system_env(platform, data_dir, urls),
        input=stdin,
        capture_output=True,
        text=True,
        check=False,
        preexec_fn=dying_with(os.getpid()),
    )
    if result.returncode != 0:
        raise failure(result, args[0], platform)
    return result.stdout


def failure(result: subprocess.CompletedProcess[str], command: str, platform: str) -> CliError:
    """A failed management command in one line: the refusal it explained (``CommandError``), else its
    exit code, with what it wrote to stderr passed on to the terminal."""
    last_line = result.stderr.strip().splitlines()[-1] if result.stderr.strip() else ""
    if last_line.startswith("CommandError: "):  # a refusal the command explained: say just that
        return CliError(last_line.removeprefix("CommandError: "))
    sys.stderr.write(result.stderr)
    return CliError(
        _("“%(command)s” failed on the %(platform)s platform (exit code %(code)s)")
        % {"command": command, "platform": platform, "code": result.returncode}
    )


def port_is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def wait_for_port(port: int, deadline: float) -> bool:
    """True once something listens on ``port``; False if nothing does before ``deadline`` (monotonic)."""
    while time.monotonic() < deadline:
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
            probe.settimeout(0.5)
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                return True
        time.sleep(0.1)
    return False


def free_ports(count: int) -> list[int]:
    sockets = [socket.socket(socket.AF_INET, socket.SOCK_STREAM) for _n in range(count)]
    try:
        for probe in sockets:
            probe.bind(("127.0.0.1", 0))
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()
