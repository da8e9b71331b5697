"""A PostgreSQL server of the bench's own, sized for a million accounts as docs/deploy.md advises.

The machine's server keeps its distribution's ``shared_buffers`` (128 MB on Debian) while the databases
at a million accounts a side take about 4 GB: every page read at that size then comes from the
kernel's cache through a system call, and the figures measure that as much as the queries. A server
sized as PostgreSQL's documentation advises ("a reasonable starting value for shared_buffers is 25% of
the memory in your system") is what a deployment at that size would run. This one is made with the
installed PostgreSQL's ``initdb`` in a temporary directory, with the distribution's settings but for
``shared_buffers``, listens on 127.0.0.1 on a free port, and is stopped and removed afterwards.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.e2e.cluster import free_ports


def quarter_of_memory() -> str:
    """A quarter of the machine's memory, in PostgreSQL's units (MB)."""
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return f"{int(line.split()[1]) // 1024 // 4}MB"
    return "1GB"


@contextmanager
def own_postgres(shared_buffers: str) -> Iterator[str]:
    """Start a server; its URL (``postgres://postgres@127.0.0.1:<port>``) while it runs."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"))
    if not found:
        raise SystemExit("no PostgreSQL server binaries under /usr/lib/postgresql (initdb) for --own-postgres")
    binaries = Path(found[-1]).parent
    directory = Path(tempfile.mkdtemp(prefix="accountlink-bench-pg-"))
    # PostgreSQL refuses to run as root: then the server runs as the distribution's postgres user.
    as_owner = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_owner:
        shutil.chown(directory, "postgres")
    data, log = directory / "data", directory / "server.log"
    (port,) = free_ports(1)
    try:
        subprocess.run(
            [*as_owner, binaries / "initdb", "-D", data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync"],
            check=True,
            capture_output=True,
        )
        options = f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c shared_buffers={shared_buffers}"
        subprocess.run(
            [*as_owner, binaries / "pg_ctl", "-D", data, "-l", log, "-w", "-t", "60", "-o", options, "start"],
            check=True,
            capture_output=True,
        )
        try:
            yield f"postgres://postgres@127.0.0.1:{port}"
        finally:
            stop = [*as_owner, binaries / "pg_ctl", "-D", data, "-m", "fast", "-w", "stop"]
            subprocess.run(stop, check=False, capture_output=True)
    finally:
        shutil.rmtree(directory, ignore_errors=True)
