"""Children that die with ``accountlink up``, however it ends (issue 14).

A supervisor that stops its children in a signal handler cannot help when it is killed with SIGKILL
or crashes before the handler runs. So each child asks the Linux kernel, as it starts, for a signal
when its parent dies (``prctl(PR_SET_PDEATHSIG)``): nothing is needed from the supervisor. gunicorn's
workers (the supervisor's grandchildren) ask the same of their master, in ``gunicorn_conf``.

On a system without ``prctl`` (not Linux) the children are still stopped on Ctrl-C and SIGTERM by
:class:`Supervisor`; only a SIGKILL of the supervisor leaves them. A child that dies on its own is
started again (:meth:`Supervisor.restart_stopped`), unless it keeps dying.
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
from dataclasses import dataclass, field
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
    """A ``preexec_fn`` for :class:`subprocess.Popen`: the child dies with ``parent``.

    The kernel signals when the *thread* that started the child ends, so start children from the
    main thread (as :class:`Supervisor` does), never from a short-lived one."""

    def preexec() -> None:
        os.setsid()  # its own session: a terminal's Ctrl-C reaches the supervisor, which stops it in order
        die_with_parent(parent, sig)

    return preexec


@dataclass
class Child:
    """One supervised process: what it is called, how to start it again, and when it last died."""

    name: str
    command: list[str]
    env: dict[str, str]
    process: subprocess.Popen[bytes]
    deaths: list[float] = field(default_factory=list)


class CrashLoop(Exception):
    """A child keeps dying: more than ``RESTARTS`` times within ``RESTART_WINDOW`` seconds."""

    def __init__(self, child: Child) -> None:
        super().__init__(child.name)
        self.child = child


# A child that dies is started again (a worker whose database connection dropped, a process killed by
# the kernel), unless it died this many times within this many seconds: then the system stops.
RESTARTS = 5
RESTART_WINDOW = 60.0


class Supervisor:
    """Starts children that die with this process, starts again a child that dies, and stops them
    all (SIGTERM, then SIGKILL)."""

    def __init__(self) -> None:
        self.children: list[Child] = []
        self.stopping = False

    def start(self, name: str, command: list[str], env: dict[str, str]) -> Child:
        child = Child(name, command, env, self._spawn(command, env))
        self.children.append(child)
        return child

    @staticmethod
    def _spawn(command: list[str], env: dict[str, str]) -> subprocess.Popen[bytes]:
        return subprocess.Popen(command, env=env, preexec_fn=dying_with(os.getpid()))

    def restart_stopped(self) -> list[tuple[Child, int]]:
        """Start again every child that has ended; returns them with their exit codes. Raises
        :class:`CrashLoop` for a child that keeps dying."""
        restarted = []
        now = time.monotonic()
        for child in self.children:
            code = child.process.poll()
            if code is None or self.stopping:
                continue
            _signal_group(child.process, signal.SIGKILL)  # what it left behind (a master's workers)
            child.deaths = [when for when in child.deaths if now - when < RESTART_WINDOW] + [now]
            if len(child.deaths) > RESTARTS:
                raise CrashLoop(child)
            child.process = self._spawn(child.command, child.env)
            restarted.append((child, code))
        return restarted

    def stop(self, seconds: float = STOP_SECONDS) -> None:
        """Stop every child: SIGTERM to its process group (a gunicorn master and its workers), then
        SIGKILL to whatever is left after ``seconds``. Safe to call twice (a second Ctrl-C)."""
        if self.stopping:
            return
        self.stopping = True
        processes = [child.process for child in self.children]
        for process in processes:
            _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + seconds
        for process in processes:
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _signal_group(process, signal.SIGKILL)
                process.wait()
        for process in processes:  # workers a master left behind (it was killed, say)
            _signal_group(process, signal.SIGKILL)


def _signal_group(child: subprocess.Popen[bytes], sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)
