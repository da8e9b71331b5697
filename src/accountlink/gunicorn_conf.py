"""gunicorn settings of ``accountlink up`` (``--config python:accountlink.gunicorn_conf``).

Each worker dies with its master (see ``accountlink.supervisor``): a master killed with SIGKILL
sends its workers SIGTERM through the kernel, and they finish their requests and stop.
"""

from __future__ import annotations

import signal
from pathlib import Path
from typing import Any

from accountlink.supervisor import die_with_parent


def post_fork(server: Any, worker: Any) -> None:
    die_with_parent(worker.ppid, signal.SIGTERM)


# The control socket (gunicorn 25+) would be shared by every system on the machine
# (~/.gunicorn/gunicorn.ctl); accountlink does not use it.
control_socket_disable = True

# Each worker tells the master it is alive by touching a file after every event it handles. On a
# disk each touch is a metadata write (py-spy found a tenth of a worker's samples there under load);
# in memory it is not (gunicorn's advice: "Settings" → worker_tmp_dir). The file is made by mkstemp
# and unlinked at once, so a shared directory is safe for it.
worker_tmp_dir = "/dev/shm" if Path("/dev/shm").is_dir() else None  # noqa: S108

# Each worker listens on a socket of its own (SO_REUSEPORT) and the kernel spreads new connections over
# them. With one socket shared by every worker, the worker that wakes first accepts a whole burst of
# connections: measured with 8 keep-alive connections (wrk, a load balancer's pool), 4 runs of 56 put
# all 8 on one of the two workers and served 1,000 requests a second instead of 2,900, one core idle
# (docs/performance.md). The port stays guarded: `accountlink up` refuses a port in use before it starts
# (its probe binds without SO_REUSEPORT, which any listener here refuses), and Linux lets only the same
# user share a port this way.
reuse_port = True
