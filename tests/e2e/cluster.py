"""Both platforms as separately controllable processes, for fault tests and benchmarks.

``accountlink up`` runs everything as one unit and stops when a child dies; to take one part down
(Loop's web server, a worker) and bring it back, this starts the same children itself, from the
same command lines (``accountlink.devtools.processes.child_commands``) and environment
(``processes.child_env``), after the same preparation (``accountlink.devtools.system.prepare_system``).

Each platform may get settings of its own (``platform_env``: a database each, say) and more than one
task worker (``worker_count``: parts "worker", "worker-2", …).
"""

from __future__ import annotations

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
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from accountlink.demo import OPERATOR_HANDLE
from accountlink.devtools import processes, system
from tests.e2e.polling import eventually

# Settings that would point the servers somewhere other than the cluster's data directory.
FOREIGN_SETTINGS = (
    "DATABASE_URL",
    "ACCOUNTLINK_DATA_DIR",
    "ACCOUNTLINK_SQLITE_NAME",
    "ACCOUNTLINK_OUTBOX_DIR",
    "EMAIL_HOST",
    "EMAIL_BACKEND",
    "ACCOUNTLINK_SMS_BACKEND",
)


def free_ports(count: int) -> list[int]:
    import socket

    sockets = []
    try:
        for _ in range(count):
            probe = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            probe.bind(("127.0.0.1", 0))
            sockets.append(probe)
        return [probe.getsockname()[1] for probe in sockets]
    finally:
        for probe in sockets:
            probe.close()


def answers_http(url: str) -> bool:
    try:
        with urllib.request.urlopen(url, timeout=2):
            return True
    except urllib.error.HTTPError:
        return True
    except (urllib.error.URLError, OSError):
        return False


@dataclass
class Cluster:
    """The children of ``accountlink up``, each started and stopped on its own."""

    data_dir: Path
    ports: dict[str, int]
    extra_env: dict[str, str] = field(default_factory=dict)
    web_workers: int = 1
    # Settings for one platform only, over ``extra_env``: {"consumer": {"DATABASE_URL": ...}, ...}.
    platform_env: dict[str, dict[str, str]] = field(default_factory=dict)
    # Task workers (``db_worker``) per platform; the second is the part "worker-2", and so on.
    worker_count: int = 1
    client: dict[str, Any] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    log: IO[bytes] | None = None

    @property
    def urls(self) -> dict[str, str]:
        return {platform: f"http://127.0.0.1:{port}" for platform, port in self.ports.items()}

    @property
    def consumer_url(self) -> str:
        return self.urls["consumer"]

    @property
    def business_url(self) -> str:
        return self.urls["business"]

    @property
    def parts(self) -> list[str]:
        """The parts of each platform: its web server, its task workers and its scheduler."""
        workers = ["worker", *(f"worker-{number}" for number in range(2, self.worker_count + 1))]
        return ["web", *workers, "periodic"]

    def _base_env(self, platform: str | None = None) -> dict[str, str]:
        env = {key: value for key, value in os.environ.items() if key not in FOREIGN_SETTINGS}
        env.update({"ACCOUNTLINK_DEMO_MODE": "1", "PYTHONUNBUFFERED": "1", **self.extra_env})
        if platform is not None:
            env.update(self.platform_env.get(platform, {}))
        return env

    @contextmanager
    def _environment(self, platform: str | None = None) -> Iterator[None]:
        """``os.environ`` as the cluster's (one platform's) processes see it, for the ``devtools.processes`` helpers."""
        saved, wanted = dict(os.environ), self._base_env(platform)
        os.environ.clear()
        os.environ.update(wanted)
        try:
            yield
        finally:
            os.environ.clear()
            os.environ.update(saved)

    def prepare(self) -> None:
        """Migrate, load demo data, register the business platform and make the demo links."""
        if not self.platform_env:
            with self._environment():
                self.client = system.prepare_system(self.data_dir, self.urls, quiet=True)
            return
        # The steps of ``system.prepare_system``, each in the environment of the platform it runs on.
        self.data_dir.mkdir(parents=True, exist_ok=True)
        for platform in processes.PLATFORMS:
            with self._environment(platform):
                processes.run_manage(
                    platform, self.data_dir, "migrate", "--noinput", "--verbosity", "0", urls=self.urls
                )
                processes.run_manage(platform, self.data_dir, "load_demo", urls=self.urls)
        with self._environment("consumer"):
            self.client = system.register_business_platform(self.data_dir, self.urls, owner=OPERATOR_HANDLE)
        with self._environment("business"):
            missing = json.loads(
                processes.run_manage_output("business", self.data_dir, "load_demo_links", "--missing", urls=self.urls)
            )
        if missing:
            with self._environment("consumer"):
                grants = processes.run_manage_output(
                    "consumer",
                    self.data_dir,
                    "demo_grants",
                    f"--client-key={self.client['client_key']}",
                    f"--site-url={self.urls['consumer']}",
                    *missing,
                    urls=self.urls,
                )
            with self._environment("business"):
                processes.run_manage_output("business", self.data_dir, "load_demo_links", stdin=grants, urls=self.urls)

    def start(self, platform: str, part: str, wait: bool = True) -> None:
        """Start ``part`` ("web", "worker", "worker-2" … or "periodic") of ``platform``."""
        name = f"{platform}-{part}"
        running = self.processes.get(name)
        if running is not None and running.poll() is None:
            return
        command = processes.child_commands(platform, self.ports[platform], self.web_workers)[part.split("-")[0]]
        env = processes.child_env(platform, self.data_dir, self.urls, self.client, base=self._base_env(platform))
        self.processes[name] = subprocess.Popen(
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        if wait and part == "web":
            self.wait_until_up(platform)

    def start_all(self) -> None:
        for platform in ("consumer", "business"):
            for part in self.parts:
                self.start(platform, part)

    def stop(self, platform: str, part: str, *, kill: bool = False) -> None:
        """Stop a part: SIGTERM and wait, or SIGKILL the whole process group (a crash)."""
        process = self.processes.pop(f"{platform}-{part}", None)
        if process is None or process.poll() is not None:
            return
        if kill:
            os.killpg(process.pid, signal.SIGKILL)
        else:
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()

    def pause(self, platform: str, part: str) -> None:
        """Freeze a part (SIGSTOP): connections to it hang instead of failing."""
        os.killpg(self.processes[f"{platform}-{part}"].pid, signal.SIGSTOP)

    def resume(self, platform: str, part: str) -> None:
        os.killpg(self.processes[f"{platform}-{part}"].pid, signal.SIGCONT)

    def stop_all(self) -> None:
        for name in list(self.processes):
            platform, part = name.split("-", 1)
            process = self.processes[name]
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGCONT)
            self.stop(platform, part)

    def wait_until_up(self, platform: str, timeout: float = 60) -> None:
        eventually(
            lambda: answers_http(f"{self.urls[platform]}/login/"),
            timeout=timeout,
            failure=f"the {platform} web server did not answer within {timeout} s",
        )

    def manage(self, platform: str, *args: str, stdin: str | None = None) -> str:
        """Run a management command on a platform's database (what an operator would do), in the
        environment of the platform's processes (``reconcile`` needs the client key, say)."""
        if self.client:
            env = processes.child_env(platform, self.data_dir, self.urls, self.client, base=self._base_env(platform))
        else:
            env = processes.platform_env(platform, self.data_dir, self._base_env(platform))
        result = subprocess.run(
            [sys.executable, "-m", "accountlink.cli", "manage", platform, *args],
            env=env,
            input=stdin,
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            raise AssertionError(f"manage {platform} {' '.join(args)} failed:\n{result.stderr[-3000:]}")
        return result.stdout

    def python(self, platform: str, code: str) -> Any:
        """Run Python in a platform's Django (``manage shell -c``); it must print one JSON value."""
        return json.loads(self.manage(platform, "shell", "-c", code).strip().splitlines()[-1])

    def introspect(self, token: str) -> bool:
        """Loop's answer (RFC 7662) about a token, asked as the business platform."""
        data = urllib.parse.urlencode(
            {
                "client_key": self.client["client_key"],
                "client_secret": self.client["client_secret"],
                "token": token,
            }
        ).encode()
        with urllib.request.urlopen(f"{self.consumer_url}/v2/oauth/introspect/", data=data, timeout=10) as answer:
            return bool(json.loads(answer.read())["active"])


@contextmanager
def running_cluster(
    directory: Path,
    extra_env: dict[str, str] | None = None,
    web_workers: int = 1,
    *,
    platform_env: dict[str, dict[str, str]] | None = None,
    worker_count: int = 1,
) -> Iterator[Cluster]:
    consumer_port, business_port = free_ports(2)
    with open(directory / "cluster.log", "ab") as log:
        cluster = Cluster(
            data_dir=directory / "data",
            ports={"consumer": consumer_port, "business": business_port},
            extra_env=extra_env or {},
            web_workers=web_workers,
            platform_env=platform_env or {},
            worker_count=worker_count,
            log=log,
        )
        cluster.prepare()
        try:
            cluster.start_all()
            yield cluster
        finally:
            cluster.stop_all()


def process_stats() -> Iterator[tuple[int, list[str]]]:
    """(pid, the fields of /proc/<pid>/stat after the command name) of every process; the first field is
    the state, the second the parent's pid."""
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            yield int(entry.name), stat[stat.rindex(")") + 2 :].split()


def children_of(pid: int) -> list[int]:
    """The pids of ``pid``'s child processes."""
    return [child for child, fields in process_stats() if int(fields[1]) == pid]
