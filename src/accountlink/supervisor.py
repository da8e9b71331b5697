"""Children that die with ``accountlink up``, however it ends (issue 14).

A supervisor that stops its children in a signal handler cannot help when it is killed with SIGKILL
or crashes before the handler runs. So each child asks the Linux kernel, as it starts, for a signal
when its parent dies (``prctl(PR_SET_PDEATHSIG)``): nothing is needed from the supervisor. gunicorn's
workers (the supervisor's grandchildren) ask the same of their master, in ``gunicorn_conf``.

On a system without ``prctl`` (not Linux) the children are still stopped on Ctrl-C, SIGTERM and a
crash of a child, by :class:`Supervisor`; only a SIGKILL of the supervisor leaves them.
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

PR_SET_PDEATHSIG = 1
# Ctrl-C or SIGTERM stops everything within this many seconds, always (then SIGKILL).
STOP_SECONDS = 10


def _libc() -> Any:
    if not sys.platform.startswith("linux"):
        return None
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)
    except OSError:
        return None


def die_with_parent(parent: int, sig: int = signal.SIGKILL) -> None:
    """In a child: receive ``sig`` when ``parent`` ends; end at once if it has ended already (the
    parent may die between the fork and this call, and the kernel would then never tell)."""
    libc = _libc()
    if libc is not None:
        libc.prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if os.getppid() != parent:
        os.kill(os.getpid(), sig)


def dying_with(parent: int, sig: int = signal.SIGKILL) -> Callable[[], None]:
    """A ``preexec_fn`` for :class:`subprocess.Popen`: the child dies with ``parent``."""

    def preexec() -> None:
        os.setsid()  # its own session: a terminal's Ctrl-C reaches the supervisor, which stops it in order
        die_with_parent(parent, sig)

    return preexec


class Supervisor:
    """Starts children that die with this process, and stops them all (SIGTERM, then SIGKILL)."""

    def __init__(self) -> None:
        self.children: list[subprocess.Popen[bytes]] = []
        self.stopping = False

    def start(self, command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        child = subprocess.Popen(command, env=env, preexec_fn=dying_with(os.getpid()))
        self.children.append(child)
        return child

    def stopped_child(self) -> subprocess.Popen[bytes] | None:
        return next((child for child in self.children if child.poll() is not None), None)

    def stop(self, seconds: float = STOP_SECONDS) -> None:
        """Stop every child: SIGTERM to its process group (a gunicorn master and its workers), then
        SIGKILL to whatever is left after ``seconds``. Safe to call twice (a second Ctrl-C)."""
        if self.stopping:
            return
        self.stopping = True
        for child in self.children:
            _signal_group(child, signal.SIGTERM)
        deadline = time.monotonic() + seconds
        for child in self.children:
            try:
                child.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(child, signal.SIGKILL)
                child.wait()
        for child in self.children:  # workers a master left behind (it was killed, say)
            _signal_group(child, signal.SIGKILL)


def _signal_group(child: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)
