"""End-to-end fixtures: the whole system started by ``accountlink up`` on free loopback ports, and
headless Chromium (Debian's ``/usr/bin/chromium``) driven through Playwright.

These tests run without Django in the pytest process (``-p no:django``): they only talk HTTP to the
servers and read the development outbox files.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, expect, sync_playwright

from accountlink.devtools.walker import CHROMIUM_ARGS
from accountlink.kit.notify import outbox
from tests.e2e.axe_audit import PageAudit, watch_new_contexts
from tests.e2e.cluster import FOREIGN_SETTINGS, answers_http, free_ports
from tests.e2e.polling import eventually
from tests.e2e.steps import ARTIFACTS, DESKTOP, artifact_name, save_screenshot

CHROMIUM = "/usr/bin/chromium"
REPOSITORY = Path(__file__).resolve().parents[2]
LANGUAGE_COOKIES = ("loop_language", "lfb_language")  # Loop's and Loop for Business's
START_TIMEOUT = 90  # migrating two databases and loading demo data on a slow 2-core machine
STOP_TIMEOUT = 15

expect.set_options(timeout=10_000)


# The running system


@dataclass
class RunningSystem:
    consumer_url: str
    business_url: str
    data_dir: Path
    log_path: Path
    process: subprocess.Popen[bytes] = field(repr=False)
    # (pid, start time) of the processes it started, seen while it ran.
    children: set[tuple[int, str]] = field(default_factory=set, repr=False)

    @staticmethod
    def now() -> datetime:
        """A moment to pass as ``after`` to :meth:`last_message`, taken just before an action."""
        return datetime.now(UTC)

    def last_message(self, to: str, after: datetime | str | None = None, timeout: float = 15) -> dict[str, str]:
        """The newest outbox message to ``to`` (sent after ``after``), waiting for the worker to send it."""
        if isinstance(after, str):
            after = datetime.fromisoformat(after)
        since = after

        def newest() -> dict[str, str] | None:
            messages = outbox.read(self.data_dir / "outbox", to=to)
            if since is not None:
                messages = [message for message in messages if datetime.fromisoformat(message.sent_at) > since]
            return messages[-1].as_json() if messages else None

        return eventually(
            newest, timeout=timeout, failure=f"no message to {to} in the outbox after {timeout} s (since {after})"
        )

    def last_code(self, to: str, after: datetime | str | None = None, timeout: float = 15) -> str:
        """The 6-digit code of the newest message to ``to`` (sent after ``after``) that carries one.

        Other notices to the same address (say "this phone was added", queued just before a reset
        code was asked for) may reach the outbox in between; they are passed over, not mistaken."""
        if isinstance(after, str):
            after = datetime.fromisoformat(after)
        since = after

        def newest_code() -> str | None:
            for message in reversed(outbox.read(self.data_dir / "outbox", to=to)):
                if since is not None and datetime.fromisoformat(message.sent_at) <= since:
                    break
                match = re.search(r"(?<!\d)(\d{6})(?!\d)", message.body)
                if match:
                    return match.group(1)
            return None

        return eventually(
            newest_code,
            timeout=timeout,
            failure=f"no message with a 6-digit code to {to} after {timeout} s (since {after})",
        )

    def python(self, platform: str, code: str) -> Any:
        """Run Python in a platform's Django (``accountlink manage <platform> shell -c``) against the
        running system's database; the code must print one JSON value, which is returned."""
        from accountlink.devtools.processes import platform_env

        base = {key: value for key, value in os.environ.items() if key not in FOREIGN_SETTINGS}
        result = subprocess.run(
            [*accountlink_command(), "manage", platform, "shell", "-c", code],
            env=platform_env(platform, self.data_dir, base),
            capture_output=True,
            text=True,
            check=False,
        )
        assert result.returncode == 0, f"manage {platform} shell failed:\n{result.stderr[-3000:]}"
        return json.loads(result.stdout.strip().splitlines()[-1])

    def introspect(self, token: str) -> bool:
        """Loop's RFC 7662 answer about a token, asked with the business platform's client credentials."""
        if not hasattr(self, "_client"):
            self._client = self.python(
                "consumer",
                "import json\n"
                "from accountlink.consumer.oauth.models import Client\n"
                "from accountlink.kit.crypto import open_sealed\n"
                "c = Client.objects.get(webhook_url__endswith='/webhooks/loop/')\n"
                "print(json.dumps([c.client_id, open_sealed(c.client_secret)]))",
            )
        key, secret = self._client
        data = urllib.parse.urlencode({"client_key": key, "client_secret": secret, "token": token}).encode()
        with urllib.request.urlopen(f"{self.consumer_url}/v2/oauth/introspect/", data=data, timeout=10) as answer:
            return bool(json.loads(answer.read())["active"])

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


def process_info(pid: int) -> tuple[int, str, str] | None:
    """(parent pid, state, start time) of a live process, from /proc."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    return int(fields[1]), fields[0], fields[19]


def descendants(root: int) -> set[tuple[int, str]]:
    """(pid, start time) of every process below ``root``; the start time tells a reused pid apart."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            info = process_info(int(entry.name))
            if info is not None:
                children.setdefault(info[0], []).append((int(entry.name), info[2]))
    found: set[tuple[int, str]] = set()
    pending = [root]
    while pending:
        for child in children.get(pending.pop(), []):
            if child not in found:
                found.add(child)
                pending.append(child[0])
    return found


def still_running(processes: set[tuple[int, str]]) -> set[tuple[int, str]]:
    alive = set()
    for pid, started in processes:
        info = process_info(pid)
        if info is not None and info[2] == started and info[1] != "Z":
            alive.add((pid, started))
    return alive


def command_line(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace").strip()
    except OSError:
        return "?"


def accountlink_command() -> list[str]:
    script = Path(sys.executable).parent / "accountlink"
    return [str(script)] if script.exists() else [sys.executable, "-m", "accountlink.cli"]


def up_command(data_dir: Path, ports: list[int], *, make: bool = False) -> list[str]:
    """``accountlink up`` on these ports and data directory; with ``make``, the README's ``make run``."""
    arguments = ["--consumer-port", str(ports[0]), "--business-port", str(ports[1]), "--data-dir", str(data_dir)]
    if make:
        return ["make", "--no-print-directory", "-C", str(REPOSITORY), "run", f"UP_ARGS={' '.join(arguments)}"]
    return [*accountlink_command(), "up", *arguments]


# The shared system's throttle (``system``): a key's first nine wrong guesses cost nothing, the tenth
# guess must wait 2 s and the eleventh 4 s, and the eleventh locks the key for 15 minutes as by default.
# With the default policy an attacker waits 2 + 4 + 8 + 16 + 32 s before the lock, and the browser
# test of the lock waited with him.
SHARED_SYSTEM_THROTTLE = {"account": {"free_failures": 9, "lock_after": 10}}


def up_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if key not in FOREIGN_SETTINGS}
    env["ACCOUNTLINK_DEMO_MODE"] = "1"
    env["PYTHONUNBUFFERED"] = "1"
    env.update(extra or {})
    return env


def wait_until_serving(running: RunningSystem, timeout: float = START_TIMEOUT) -> None:
    def serving(url: str) -> bool:
        if running.process.poll() is not None:
            pytest.fail(f"accountlink up exited with {running.process.returncode}:\n{running.log_tail()}")
        return answers_http(f"{url}/login/")

    for url in (running.consumer_url, running.business_url):
        eventually(
            lambda url=url: serving(url),
            timeout=timeout,
            interval=0.2,
            failure=lambda url=url: f"{url} did not answer within {timeout} s:\n{running.log_tail()}",
        )


def start_system(
    directory: Path, *, make: bool = False, ports: list[int] | None = None, env: dict[str, str] | None = None
) -> RunningSystem:
    """Start ``accountlink up`` (or ``make run``) in a process group of its own, as a terminal would,
    with its data under ``directory`` (and ``env`` added to its environment), and wait until both
    platforms answer."""
    ports = ports or free_ports(2)
    log_path = directory / "accountlink-up.log"
    with open(log_path, "ab") as log:
        process = subprocess.Popen(
            up_command(directory / "data", ports, make=make),
            env=up_env(env),
            cwd=directory,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    running = RunningSystem(
        consumer_url=f"http://127.0.0.1:{ports[0]}",
        business_url=f"http://127.0.0.1:{ports[1]}",
        data_dir=directory / "data",
        log_path=log_path,
        process=process,
    )
    try:
        wait_until_serving(running)
    except BaseException:
        stop_system(running, signal.SIGKILL, check=False)
        raise
    running.children = descendants(process.pid)
    return running


def stop_system(running: RunningSystem, sig: int = signal.SIGTERM, *, check: bool = True) -> float:
    """Send ``sig`` to the system's process group (Ctrl-C is SIGINT) and wait until every process of it
    has ended; returns the seconds that took. With ``check``, fails when a process outlives
    ``STOP_TIMEOUT`` or the supervisor exits with an error (SIGKILL aside)."""
    children = running.children | descendants(running.process.pid)
    started = time.monotonic()
    with contextlib.suppress(ProcessLookupError):
        os.killpg(running.process.pid, sig)
    try:
        returncode = running.process.wait(STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        returncode = None
    with contextlib.suppress(AssertionError):  # what outlives the deadline is listed and killed below
        eventually(lambda: not still_running(children), timeout=max(0.0, started + STOP_TIMEOUT - time.monotonic()))
    took = time.monotonic() - started
    left = still_running(children)
    for pid, _started in left:
        os.kill(pid, signal.SIGKILL)
    if running.process.poll() is None:
        running.process.kill()
        running.process.wait()
    if check:
        assert not left, f"processes still running {STOP_TIMEOUT} s after {signal.Signals(sig).name}: " + "; ".join(
            f"{pid} {command_line(pid)}" for pid, _ in left
        )
        assert children, "accountlink up started no child processes"
        if sig != signal.SIGKILL:
            assert returncode is not None, f"accountlink up did not stop within {STOP_TIMEOUT} s:\n{running.log_tail()}"
            # accountlink up exits 0; make, signalled with it, then ends by the same signal.
            assert returncode in (0, -sig), f"accountlink up exited with {returncode}:\n{running.log_tail()}"
    return took


@pytest.fixture(scope="session")
def system() -> Iterator[RunningSystem]:
    # The catalogs are compiled by `make messages`; do it here too so a bare pytest run shows translations.
    subprocess.run([sys.executable, "-m", "accountlink.kit.i18n.compile"], check=True, capture_output=True)
    with tempfile.TemporaryDirectory(prefix="accountlink-e2e-") as temporary:
        running = start_system(Path(temporary), env={"ACCOUNTLINK_THROTTLE": json.dumps(SHARED_SYSTEM_THROTTLE)})
        try:
            yield running
        finally:
            stop_system(running)


# The browser


PAGE_AUDIT = pytest.StashKey[PageAudit]()


@pytest.fixture(scope="session")
def page_audit(pytestconfig: pytest.Config) -> PageAudit:
    """Every page the browser tests visit, for axe-core (see ``axe_audit``)."""
    audit = pytestconfig.stash[PAGE_AUDIT] = PageAudit()
    return audit


def pytest_terminal_summary(terminalreporter: Any, config: pytest.Config) -> None:
    audit = config.stash.get(PAGE_AUDIT, None)
    if audit is not None and audit.visits:
        terminalreporter.write_line(audit.summary())


@pytest.fixture(scope="session")
def browser(page_audit: PageAudit) -> Iterator[Browser]:
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        watch_new_contexts(chromium, page_audit)
        yield chromium
        page_audit.close()
        chromium.close()


@pytest.fixture(autouse=True)
def every_page_passes_axe(page_audit: PageAudit) -> Iterator[None]:
    """After each test, axe-core (WCAG 2.0, 2.1 and 2.2, A and AA) on the pages it visited: a
    violation fails the test (issue 17)."""
    first = len(page_audit.visits)
    yield
    violations = page_audit.check(page_audit.visits[first:])
    if violations:
        pytest.fail("axe-core found on the pages this test visited:\n" + "\n".join(violations), pytrace=False)


@pytest.fixture
def locale() -> str:
    """The browser's language (Accept-Language); override with ``@pytest.mark.parametrize("locale", [...])``."""
    return "en-US"


def choose_language(context: BrowserContext, language: str) -> None:
    """The browser has chosen ``language`` on both platforms (their language cookies, as the switcher
    sets them), so a login keeps it instead of bringing the account's saved language."""
    context.add_cookies(
        [{"name": name, "value": language, "domain": "127.0.0.1", "path": "/"} for name in LANGUAGE_COOKIES]
    )


@pytest.fixture
def open_page(browser: Browser, page_audit: PageAudit, request: pytest.FixtureRequest) -> Iterator[Callable[..., Page]]:
    """Open a page in a new browser context. Every page's final state is saved as a screenshot,
    whether the test passed or failed: ``<test name>.png``, then ``<test name>-2.png`` and so on.

    The browser has chosen its locale's language (:func:`choose_language`), as the person driving it
    would have; with ``chosen=False`` it is a new browser that has chosen nothing."""
    pages: list[Page] = []

    def open_(
        locale: str = "en-US", viewport: dict[str, int] | None = None, *, chosen: bool = True, **options: Any
    ) -> Page:
        context = browser.new_context(locale=locale, viewport=viewport or DESKTOP, **options)
        context.set_default_timeout(10_000)
        if chosen:
            choose_language(context, locale.split("-")[0])
        page = context.new_page()
        pages.append(page)
        return page

    yield open_
    name = artifact_name(request.node.name)
    for number, page in enumerate(pages, start=1):
        page_audit.finish_reading(page)
        suffix = "" if number == 1 else f"-{number}"
        try:
            save_screenshot(page, ARTIFACTS / f"{name}{suffix}.png", full_page=True)
        except Exception as error:  # a crashed page must not hide the test's own result
            print(f"could not save the screenshot of {name}{suffix}: {error}")
        page.context.close()


@pytest.fixture
def page(open_page: Callable[..., Page], locale: str) -> Page:
    """A page in a fresh browser context (no cookies) whose browser language is ``locale``."""
    return open_page(locale=locale)
