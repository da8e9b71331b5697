"""The web server as ``accountlink up`` runs it (``accountlink.gunicorn_conf``): connections are spread
over its worker processes.

A tiny WSGI application that answers its worker's pid stands in for a platform, so the test needs no
database and measures only the server's settings.
"""

from __future__ import annotations

import http.client
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest

from accountlink.devtools.processes import free_ports, port_is_free, wait_for_port
from tests.e2e.cluster import children_of
from tests.e2e.polling import eventually

REPOSITORY = Path(__file__).resolve().parents[2]
WORKERS = 2
CONNECTIONS = 32


def application(environ: dict[str, object], start_response: Callable[..., object]) -> Iterable[bytes]:
    """Answers the pid of the worker process that served the request."""
    body = str(os.getpid()).encode()
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", str(len(body)))])
    return [body]


@pytest.fixture
def server() -> Iterator[int]:
    """gunicorn with accountlink's config, 2 workers of 4 threads, as ``accountlink up`` starts it; its port."""
    (port,) = free_ports(1)
    command = [sys.executable, "-m", "gunicorn", "tests.system.test_web_server:application", "--config",
               "python:accountlink.gunicorn_conf", "--bind", f"127.0.0.1:{port}", "--workers", str(WORKERS),
               "--threads", "4", "--log-level", "warning"]  # fmt: skip
    process = subprocess.Popen(
        command,
        cwd=REPOSITORY,
        env={**os.environ, "PYTHONPATH": str(REPOSITORY)},
        start_new_session=True,
    )
    try:
        assert wait_for_port(port, time.monotonic() + 30), "gunicorn did not listen within 30 s"
        # A worker listens once it has booted; the first may answer before the second has.
        eventually(
            lambda: (
                len(workers := children_of(process.pid)) == WORKERS
                and all(listening_socket_inodes(pid, port) for pid in workers)
            ),
            timeout=30,
            failure="the workers did not all listen within 30 s",
        )
        yield port
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(15)


def listening_sockets(port: int) -> set[str]:
    """The inodes of the sockets that listen on ``port`` (from /proc/net/tcp)."""
    listening = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if fields[3] == "0A" and int(fields[1].split(":")[1], 16) == port:  # 0A: LISTEN
            listening.add(fields[9])
    return listening


def listening_socket_inodes(pid: int, port: int) -> set[str]:
    """The inodes of the sockets ``pid`` holds that listen on ``port``."""
    held = set()
    for descriptor in Path(f"/proc/{pid}/fd").iterdir():
        try:
            target = os.readlink(descriptor)
        except OSError:
            continue
        if target.startswith("socket:["):
            held.add(target[len("socket:[") : -1])
    return listening_sockets(port) & held


def test_each_worker_listens_on_its_own_socket_and_a_burst_of_connections_reaches_both(server: int) -> None:
    # A burst of keep-alive connections, all open before any request, as a load balancer's pool opens them.
    connections = [http.client.HTTPConnection("127.0.0.1", server, timeout=10) for _n in range(CONNECTIONS)]
    for connection in connections:
        connection.connect()
    pids = []
    for connection in connections:
        connection.request("GET", "/")
        pids.append(int(connection.getresponse().read()))
        connection.close()
    served_by = set(pids)
    assert len(served_by) == WORKERS, f"{CONNECTIONS} connections all went to one worker"

    # Each worker accepts from a socket of its own, so the kernel, not a race between the workers'
    # wake-ups, chooses the worker of a new connection.
    sockets = {pid: listening_socket_inodes(pid, server) for pid in served_by}
    assert all(len(held) == 1 for held in sockets.values()), sockets
    assert len(set.union(*sockets.values())) == WORKERS, sockets


def test_a_port_a_worker_listens_on_is_refused_to_a_second_system(server: int) -> None:
    assert not port_is_free(server)
