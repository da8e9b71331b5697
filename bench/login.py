"""Successful logins per second against raw Argon2 on the same cores (issue 18, "logins at the Argon2 limit").

Starts the whole system as ``accountlink up`` runs it (SQLite; per platform its default number of
gunicorn workers x threads, a task worker and the scheduler), creates accounts on both platforms,
then in each run measures, for ``--seconds`` each:

  - the reference: raw argon2-cffi ``PasswordHasher.verify`` of a hash the platform stored, at the
    parameters of the platforms' password hasher (read from the running system), in the number of
    threads that verifies fastest on this machine (the web servers' workers x threads, or one per
    core; argon2 releases the GIL);
  - successful logins per second on Loop and on Loop for Business: a second process of ``--clients``
    browsers, each GETting the login page and POSTing the form with its CSRF token and cookies, then
    starting again logged out (its session cookie dropped, its device cookie kept: a returning
    browser; with ``--new-browsers`` every login comes from a browser never seen, which also sends the
    account a new-device alert). Only answers that redirect home with a new session count, and after
    each run every browser's last session must open a signed-in page;
  - for context, the same logins on Django's own ``LoginView`` (``bench/reference``: startproject's
    middleware, database sessions, a minimal page, Django's Argon2 hasher at the same parameters),
    served by the same gunicorn settings: what a login costs a Django project that does nothing else.

Prints each run, the medians, each platform's ratio to the reference against the target (≥ 0.9),
the web workers' memory (VmRSS once warm, after each browser's first login; peak VmHWM; VmRSS after
the last run), and
the CPU other processes took during the measurements (figures are disturbed when it is not ~0).

    .venv/bin/python bench/login.py [--runs 3] [--seconds 15] [--clients 8] [--warmup 3] [--new-browsers]
"""

from __future__ import annotations

import argparse
import http.client
import multiprocessing
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass
from http.cookies import SimpleCookie
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from argon2 import PasswordHasher

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accountlink.cli import up
from accountlink.devtools import processes
from bench.tokens import gunicorn, wait_for
from tests.e2e.cluster import Cluster, free_ports, process_stats, running_cluster

TARGET_RATIO = 0.9
PASSWORD = "Harbor-Lantern-7391"
ACCOUNTS_PER_BROWSER = 4  # at most the device cookie's 5, so a returning browser stays known to each
BRANDS = {"consumer": "Loop", "business": "Loop for Business"}
REFERENCE_CPU: list[float] = []  # CPU seconds per raw verification, each reference measured
STOCK = "stock"  # Django's LoginView in bench/reference
STOCK_LABEL = "Django's own LoginView"
ROOT = Path(__file__).resolve().parents[1]
# A page only a signed-in person sees (200), else a redirect to the login page.
SIGNED_IN_PAGE = {"consumer": "/settings/security/activity/", "business": "/settings/security/"}
TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
ERROR_CODE = re.compile(r'data-error-code="([^"]+)"')
USER_AGENT = "Mozilla/5.0 (X11; Linux x86_64) bench-login/1"
MIB = 1024 * 1024


# The load: a second process of browsers (http.client, so the load takes little of the two cores)


@dataclass
class Target:
    url: str
    session_cookie: str
    signed_in_page: str
    identifiers: list[list[str]]  # the accounts of each browser
    identifier_field: str = "identifier"


class Browser:
    """A keep-alive connection and a cookie jar."""

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        self.host, self.port, self.origin = parts.hostname or "127.0.0.1", parts.port or 80, url
        self.cookies: dict[str, str] = {}
        self.connection: http.client.HTTPConnection | None = None
        self.retries = 0

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()
            self.connection = None

    def send(self, method: str, path: str, form: dict[str, str] | None = None) -> tuple[int, str, str, set[str]]:
        """The answer's status, Location, body and the names of the cookies it set."""
        headers = {"User-Agent": USER_AGENT, "Accept": "text/html"}
        body = None
        if form is not None:
            body = urlencode(form).encode()
            headers.update({"Content-Type": "application/x-www-form-urlencoded", "Origin": self.origin})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{name}={value}" for name, value in self.cookies.items())
        for attempt in range(2):
            reused = self.connection is not None
            if self.connection is None:
                self.connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.connection.request(method, path, body=body, headers=headers)
                response = self.connection.getresponse()
                text = response.read().decode("utf-8", "replace")
            except (ConnectionError, http.client.HTTPException):
                self.close()
                if reused and attempt == 0:  # gunicorn closed an idle keep-alive connection: a browser sends again
                    self.retries += 1
                    continue
                raise
            if response.will_close:
                self.close()
            return response.status, response.getheader("Location", ""), text, self._keep_cookies(response)
        raise AssertionError("unreachable")

    def _keep_cookies(self, response: http.client.HTTPResponse) -> set[str]:
        names = set()
        for header in response.msg.get_all("Set-Cookie") or []:
            jar: SimpleCookie = SimpleCookie()
            jar.load(header)
            for name, morsel in jar.items():
                names.add(name)
                if morsel["max-age"] == "0" or not morsel.value:
                    self.cookies.pop(name, None)
                else:
                    self.cookies[name] = morsel.value
        return names


def log_in(browser: Browser, target: Target, identifier: str, new_browser: bool) -> str | None:
    """One login as a person does it, from logged out: the page, then the form. None when it ended
    logged in, else what happened instead."""
    if new_browser:
        browser.close()
        browser.cookies.clear()
    else:
        browser.cookies.pop(target.session_cookie, None)
    status, _location, page, _set = browser.send("GET", "/login/")
    token = TOKEN.search(page)
    if status != 200 or token is None:
        return f"login page answered {status}"
    form = {target.identifier_field: identifier, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)}
    status, location, page, cookies = browser.send("POST", "/login/", form)
    if status == 302 and urlsplit(location).path == "/" and target.session_cookie in cookies:
        return None
    error = ERROR_CODE.search(page)
    return f"{status} {location or (error.group(1) if error else '')}".strip()


def load(browsers: list[Browser], target: Target, new_browsers: bool, warmup: float, seconds: float) -> dict[str, Any]:
    """Every browser logs in again and again; what ended within the ``seconds`` after ``warmup``."""
    begin = time.perf_counter() + warmup
    end = begin + seconds
    outcomes: list[tuple[float, float, str | None]] = []  # (finished, latency, failure)
    last_ok = [False] * len(browsers)
    for browser in browsers:  # idle since the last load: gunicorn has closed their connections
        browser.close()
        browser.retries = 0
    cpu = time.process_time()

    def run(number: int) -> None:
        browser, accounts, turn = browsers[number], target.identifiers[number], number
        while time.perf_counter() < end:
            started = time.perf_counter()
            try:
                failure = log_in(browser, target, accounts[turn % len(accounts)], new_browsers)
            except (OSError, http.client.HTTPException) as error:
                browser.close()
                failure = f"error {type(error).__name__}"
            turn += 1
            finished = time.perf_counter()
            outcomes.append((finished, finished - started, failure))
            last_ok[number] = failure is None

    threads = [threading.Thread(target=run, args=(number,)) for number in range(len(browsers))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    cpu = time.process_time() - cpu
    measured = [outcome for outcome in outcomes if begin <= outcome[0] < end]
    latencies = sorted(latency for _, latency, failure in measured if failure is None)
    signed_in = sum(
        browser.send("GET", target.signed_in_page)[0] == 200
        for browser, ok in zip(browsers, last_ok, strict=True)
        if ok
    )
    return {
        "rate": len(latencies) / seconds,
        "failures": Counter(failure for _, _, failure in measured if failure is not None),
        "p50": latencies[len(latencies) // 2] if latencies else 0.0,
        "p95": latencies[int(len(latencies) * 0.95)] if latencies else 0.0,
        "signed_in": (signed_in, sum(last_ok)),
        "client_cores": cpu / (warmup + seconds),
        "retries": sum(browser.retries for browser in browsers),
    }


def client_process(connection: Connection, targets: dict[str, Target], new_browsers: bool) -> None:
    """The second process: the browsers of both platforms, kept between runs, driven by commands."""
    browsers = {platform: [Browser(target.url) for _ in target.identifiers] for platform, target in targets.items()}
    while True:
        command, *arguments = connection.recv()
        if command == "stop":
            return
        platform = arguments[0]
        target = targets[platform]
        if command == "first-logins":  # every account once, from its browser (the device cookie learns it)
            failures = [
                failure
                for browser, accounts in zip(browsers[platform], target.identifiers, strict=True)
                for identifier in accounts
                if (failure := log_in(browser, target, identifier, new_browser=False)) is not None
            ]
            connection.send(failures)
        elif command == "load":
            connection.send(load(browsers[platform], target, new_browsers, *arguments[1:]))


# The reference, the processes' CPU and memory


def reference_rate(hasher: PasswordHasher, encoded: str, threads: int, seconds: float, warmup: float = 1.0) -> float:
    """Raw argon2-cffi verifications per second in ``threads`` threads."""
    begin = time.perf_counter() + warmup
    end = begin + seconds
    counts = [0] * threads
    cpu = [(0.0, 0)] * threads  # each thread's CPU seconds and verifications, warm-up included

    def run(number: int) -> None:
        started, done = time.thread_time(), 0
        while time.perf_counter() < end:
            hasher.verify(encoded, PASSWORD)
            done += 1
            if begin <= time.perf_counter() < end:
                counts[number] += 1
        cpu[number] = (time.thread_time() - started, done)

    workers = [threading.Thread(target=run, args=(number,)) for number in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    REFERENCE_CPU.append(sum(used for used, _ in cpu) / max(1, sum(done for _, done in cpu)))
    return sum(counts) / seconds


def process_table() -> dict[int, tuple[int, int]]:
    """pid → (parent pid, CPU ticks used) of every process."""
    return {pid: (int(fields[1]), int(fields[11]) + int(fields[12])) for pid, fields in process_stats()}


def descendants(table: dict[int, tuple[int, int]], root: int) -> set[int]:
    found, frontier = {root}, [root]
    while frontier:
        parent = frontier.pop()
        children = [pid for pid, (ppid, _) in table.items() if ppid == parent]
        found.update(children)
        frontier += children
    return found


class CpuMeter:
    """Cores that processes other than this benchmark's kept busy (user + system) during a measurement."""

    def __init__(self) -> None:
        self.elapsed = self.busy = self.ours = 0.0

    @staticmethod
    def _snapshot() -> tuple[float, int, int]:
        fields = [int(value) for value in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
        table = process_table()
        ours = sum(table[pid][1] for pid in descendants(table, os.getpid()) if pid in table)
        return time.perf_counter(), fields[0] + fields[1] + fields[2], ours

    def start(self) -> None:
        self._started = self._snapshot()

    def stop(self) -> None:
        now = self._snapshot()
        self.elapsed += now[0] - self._started[0]
        self.busy += now[1] - self._started[1]
        self.ours += now[2] - self._started[2]

    def other_cores(self) -> float:
        ticks = os.sysconf("SC_CLK_TCK")
        return max(0.0, (self.busy - self.ours) / ticks / self.elapsed) if self.elapsed else 0.0


def cpu_by_part(parts: dict[str, int]) -> dict[str, int]:
    """CPU ticks used so far by each part (its process, by pid, and every descendant), by name."""
    table = process_table()
    return {
        name: sum(table[pid][1] for pid in descendants(table, root) if pid in table) for name, root in parts.items()
    }


def memory_of(pid: int, field: str) -> float:
    """VmRSS or VmHWM of a process, in MiB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) * 1024 / MIB
    return 0.0


def web_workers(cluster: Cluster, platform: str) -> list[int]:
    """The gunicorn worker processes: children of the platform's "web" process."""
    master = cluster.processes[f"{platform}-web"].pid
    return sorted(pid for pid, (ppid, _) in process_table().items() if ppid == master)


# The system


def up_defaults() -> tuple[int, int]:
    """``accountlink up``'s web worker processes per platform, and threads per worker."""
    parser = argparse.ArgumentParser()
    up.add_parser(parser.add_subparsers())
    workers = int(parser.parse_args(["up"]).web_workers)
    command = processes.child_commands("consumer", 0, workers)["web"]
    return workers, int(command[command.index("--threads") + 1])


def create_accounts(cluster: Cluster, platform: str, count: int) -> tuple[list[str], dict[str, Any]]:
    """``count`` accounts (emails) with the bench password; and the platform's hasher, cookie names and
    one stored hash, read in the running system's settings."""
    emails = [f"login{number}@{platform}.bench.example" for number in range(count)]
    if platform == "consumer":
        create = (
            "from accountlink.consumer.accounts.actions import do_create_account\n"
            "for n, email in enumerate(emails):\n"
            f"    do_create_account(handle=f'bench{{n}}', display_name=f'Bench {{n}}', email=email, "
            f"birth_date=datetime.date(1990, 5, 20), password={PASSWORD!r})\n"
        )
    else:
        create = (
            "from accountlink.business.accounts.actions import do_create_account\n"
            "for n, email in enumerate(emails):\n"
            f"    do_create_account(email=email, password={PASSWORD!r}, display_name=f'Bench {{n}}')\n"
        )
    facts = cluster.python(
        platform,
        f"import datetime, json\nemails = {emails!r}\n{create}"
        "from django.conf import settings\n"
        "from django.contrib.auth import get_user_model\n"
        "from django.contrib.auth.hashers import get_hasher\n"
        "hasher = get_hasher('default')\n"
        "stored = get_user_model().objects.get(email=emails[0]).password\n"
        "print(json.dumps({'hasher': settings.PASSWORD_HASHERS[0], 'algorithm': hasher.algorithm,"
        " 'time_cost': hasher.time_cost, 'memory_cost': hasher.memory_cost, 'parallelism': hasher.parallelism,"
        " 'stored': stored, 'must_update': hasher.must_update(stored),"
        " 'session_cookie': settings.SESSION_COOKIE_NAME}))",
    )
    return emails, facts


def median(values: list[float]) -> float:
    return statistics.median(values) if values else 0.0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs; the medians are reported")
    parser.add_argument("--seconds", type=float, default=15, help="measured seconds of each figure in each run")
    parser.add_argument("--warmup", type=float, default=3, help="unmeasured seconds of load before each login figure")
    parser.add_argument("--clients", type=int, default=8, help="concurrent browsers")
    parser.add_argument("--new-browsers", action="store_true", help="every login from a browser never seen")
    args = parser.parse_args()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="accountlink-bench-") as temporary:
        try:
            all_met = measure(Path(temporary), args)
        except Exception:
            log = Path(temporary) / "cluster.log"
            if log.exists():
                print("--- the end of the servers' log ---", file=sys.stderr)
                print(log.read_text(errors="replace")[-6000:], file=sys.stderr)
            raise
    print(f"\n{'all targets met' if all_met else 'some targets missed'} ({time.perf_counter() - started:.0f} s)")
    return 0 if all_met else 1


def measure(directory: Path, args: argparse.Namespace) -> bool:
    workers, threads = up_defaults()
    print(
        f"starting the system as accountlink up runs it (SQLite; {workers} web workers × {threads} threads per platform) …"
    )
    with running_cluster(directory, web_workers=workers) as cluster:
        count = args.clients * ACCOUNTS_PER_BROWSER
        targets, facts = {}, {}
        for platform in BRANDS:
            emails, facts[platform] = create_accounts(cluster, platform, count)
            chunks = [emails[n : n + ACCOUNTS_PER_BROWSER] for n in range(0, count, ACCOUNTS_PER_BROWSER)]
            targets[platform] = Target(
                cluster.urls[platform], facts[platform]["session_cookie"], SIGNED_IN_PAGE[platform], chunks
            )
        fact = facts["consumer"]
        hasher = PasswordHasher(fact["time_cost"], fact["memory_cost"], parallelism=fact["parallelism"])
        encoded = "$" + fact["stored"].split("$", 1)[1]  # argon2-cffi's encoding: Django's "argon2" prefix off
        for platform, known in facts.items():
            same = all(known[key] == fact[key] for key in ("hasher", "time_cost", "memory_cost", "parallelism"))
            print(
                f"{BRANDS[platform]}: {known['hasher']} ({known['algorithm']}) t={known['time_cost']} "
                f"m={known['memory_cost']} KiB p={known['parallelism']}; stored hash {known['stored'][:30]}…, "
                f"rehash due: {known['must_update']}" + ("" if same else "  (DIFFERS from Loop's)")
            )
        candidates = sorted({os.cpu_count() or 2, workers * threads})
        probe = {number: reference_rate(hasher, encoded, number, 3) for number in candidates}
        reference_threads = max(probe, key=lambda number: probe[number])
        print(
            "raw argon2-cffi verify, short probe: "
            + ", ".join(f"{number} threads {rate:.1f}/s" for number, rate in probe.items())
            + f"; the reference uses {reference_threads} threads"
        )
        print(f"{count} accounts per platform, {args.clients} browsers ({ACCOUNTS_PER_BROWSER} accounts each)\n")
        stock, targets[STOCK] = start_stock(directory, count)
        try:
            parts = {name: process.pid for name, process in cluster.processes.items()} | {STOCK: stock.pid}
            hash_mib = fact["memory_cost"] * 1024 / MIB
            return run_all(cluster, parts, args, targets, hasher, encoded, reference_threads, hash_mib)
        finally:
            os.killpg(stock.pid, 15)
            stock.wait(15)


def start_stock(directory: Path, count: int) -> tuple[Any, Target]:
    """Django's own login (bench/reference), its users made, served as the platforms are."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "bench.reference.settings",
           "REFERENCE_DB": str(directory / "reference.sqlite3"), "PYTHONPATH": str(ROOT)}  # fmt: skip
    names = [f"login{number}@stock.bench.example" for number in range(count)]
    manage = [sys.executable, "-m", "django"]
    subprocess.run([*manage, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    create = (
        "from django.contrib.auth.models import User\n"
        f"for name in {names!r}: User.objects.create_user(name, password={PASSWORD!r})"
    )
    subprocess.run([*manage, "shell", "-c", create], env=env, cwd=ROOT, check=True, capture_output=True)
    (port,) = free_ports(1)
    server = gunicorn("bench.reference.wsgi:application", port, env, directory / "stock.log")
    url = f"http://127.0.0.1:{port}"
    wait_for(f"{url}/login/")
    chunks = [names[n : n + ACCOUNTS_PER_BROWSER] for n in range(0, count, ACCOUNTS_PER_BROWSER)]
    return server, Target(url, "sessionid", "/", chunks, identifier_field="username")


def run_all(
    cluster: Cluster,
    parts: dict[str, int],
    args: argparse.Namespace,
    targets: dict[str, Target],
    hasher: PasswordHasher,
    encoded: str,
    reference_threads: int,
    hash_mib: float,
) -> bool:
    ours, theirs = multiprocessing.get_context("spawn").Pipe()
    client = multiprocessing.get_context("spawn").Process(
        target=client_process, args=(theirs, targets, args.new_browsers), daemon=True
    )
    client.start()
    rates: dict[str, list[float]] = {"reference": [], STOCK: [], **{platform: [] for platform in BRANDS}}
    before: dict[str, dict[int, float]] = {}
    peak: dict[str, dict[int, float]] = {platform: {} for platform in BRANDS}
    meter = CpuMeter()
    spent: dict[str, dict[str, int]] = {platform: {} for platform in [*BRANDS, STOCK]}  # CPU ticks by part
    logins = dict.fromkeys([*BRANDS, STOCK], 0.0)
    try:
        for platform in [*BRANDS, STOCK]:
            ours.send(("first-logins", platform))
            failures = ours.recv()
            if failures:
                raise AssertionError(f"first logins failed on {BRANDS.get(platform, STOCK_LABEL)}: {failures[:5]}")
            # Warm: the first logins have loaded what every request needs (code, templates, connections).
            if platform in BRANDS:
                before[platform] = {pid: memory_of(pid, "VmRSS") for pid in web_workers(cluster, platform)}
        for run in range(1, args.runs + 1):
            meter.start()
            rates["reference"].append(reference_rate(hasher, encoded, reference_threads, args.seconds))
            meter.stop()
            line = [f"run {run}/{args.runs}: raw argon2 {rates['reference'][-1]:5.1f}/s"]
            for platform in BRANDS:
                ours.send(("load", platform, args.warmup, args.seconds))
                time.sleep(args.warmup)
                meter.start()
                used = cpu_by_part(parts)
                sampled = sample_memory(cluster, platform, args.seconds, ours)
                add_cpu(spent[platform], used, cpu_by_part(parts))
                meter.stop()
                result = ours.recv()
                logins[platform] += result["rate"] * args.seconds
                for pid, rss in sampled.items():
                    peak[platform][pid] = max(peak[platform].get(pid, 0.0), rss)
                rates[platform].append(result["rate"])
                line.append(describe(BRANDS[platform], result))
            ours.send(("load", STOCK, args.warmup, args.seconds))
            time.sleep(args.warmup)
            meter.start()
            used = cpu_by_part(parts)
            result = ours.recv()
            add_cpu(spent[STOCK], used, cpu_by_part(parts))
            meter.stop()
            logins[STOCK] += result["rate"] * args.seconds
            rates[STOCK].append(result["rate"])
            line.append(describe(STOCK_LABEL, result))
            print(" | ".join(line), flush=True)
        ours.send(("stop",))
    finally:
        client.join(10)
        if client.is_alive():
            client.kill()
    print_cpu(spent, logins)
    return report(cluster, args, rates, before, peak, meter, hash_mib)


def add_cpu(spent: dict[str, int], before: dict[str, int], after: dict[str, int]) -> None:
    for name, ticks in after.items():
        spent[name] = spent.get(name, 0) + ticks - before.get(name, ticks)


def print_cpu(spent: dict[str, dict[str, int]], logins: dict[str, float]) -> None:
    """Where each login's CPU went: milliseconds per successful login in each part of the system."""
    ticks = os.sysconf("SC_CLK_TCK")
    print("\nCPU per successful login under load, ms, by part of the system (its processes and their children):")
    print(f"  (one raw Argon2 verification: {median(REFERENCE_CPU) * 1000:.1f} ms)")
    for platform, brand in [*BRANDS.items(), (STOCK, STOCK_LABEL)]:
        count = logins[platform] or 1.0
        parts = sorted(spent[platform].items(), key=lambda item: -item[1])
        shown = ", ".join(f"{name} {used / ticks / count * 1000:.1f}" for name, used in parts if used)
        print(f"  {brand:<18} {shown}")


def sample_memory(cluster: Cluster, platform: str, seconds: float, answers: Connection) -> dict[int, float]:
    """The web workers' highest VmRSS, sampled until the measured load ends."""
    highest: dict[int, float] = {}
    end = time.perf_counter() + seconds
    while time.perf_counter() < end or not answers.poll():
        for pid in web_workers(cluster, platform):
            highest[pid] = max(highest.get(pid, 0.0), memory_of(pid, "VmRSS"))
        time.sleep(0.2)
    return highest


def describe(brand: str, result: dict[str, Any]) -> str:
    text = f"{brand} {result['rate']:5.1f}/s (p50 {result['p50'] * 1000:.0f} ms, p95 {result['p95'] * 1000:.0f} ms"
    text += f", load generator {result['client_cores']:.2f} cores"
    signed_in, last = result["signed_in"]
    if signed_in != last:
        text += f", only {signed_in} of {last} last sessions signed in"
    if result["failures"]:
        text += ", NOT logged in: " + ", ".join(f"{n}× {why}" for why, n in result["failures"].most_common(3))
    if result["retries"]:
        text += f", {result['retries']} resends on closed connections"
    return text + ")"


def report(
    cluster: Cluster,
    args: argparse.Namespace,
    rates: dict[str, list[float]],
    before: dict[str, dict[int, float]],
    peak: dict[str, dict[int, float]],
    meter: CpuMeter,
    hash_mib: float,
) -> bool:
    reference = median(rates["reference"])
    mode = "new browsers" if args.new_browsers else "returning browsers"
    print(f"\nmedians of {args.runs} runs, {args.seconds:.0f} s each, {args.clients} {mode}:")
    print(f"  raw argon2-cffi verification, same parameters, same cores   {reference:6.1f} per s")
    all_met = True
    for platform, brand in BRANDS.items():
        rate = median(rates[platform])
        ratio = rate / reference if reference else 0.0
        met = ratio >= TARGET_RATIO
        all_met &= met
        print(
            f"  successful logins (GET + POST), {brand:<18}         {rate:6.1f} per s   ratio {ratio:4.2f}   "
            f"target ≥ {TARGET_RATIO}: {'met' if met else 'MISSED'}"
        )
    stock = median(rates[STOCK])
    print(
        f"  for context, {STOCK_LABEL} (bench/reference)           {stock:6.1f} per s   ratio "
        f"{stock / reference if reference else 0.0:4.2f}   (same hasher parameters and server settings; no target)"
    )
    other = meter.other_cores()
    print(
        f"  other processes on the machine during the measurements: {other:.2f} cores"
        + ("  (figures DISTURBED)" if other > 0.1 else "")
    )
    print(
        f"\nweb workers' memory, MiB (VmRSS when warm, after the first logins → highest VmRSS sampled under load / "
        f"VmHWM → VmRSS after; one Argon2 hash needs {hash_mib:.0f} MiB):"
    )
    for platform, brand in BRANDS.items():
        grown_most = 0.0
        for pid, start in before[platform].items():
            try:
                hwm, after = memory_of(pid, "VmHWM"), memory_of(pid, "VmRSS")
            except OSError:
                print(f"  {brand} worker {pid}: gone (restarted?)")
                continue
            grown_most = max(grown_most, hwm - start)
            print(
                f"  {brand:<18} worker {pid}: {start:5.0f} → {peak[platform].get(pid, 0.0):5.0f} / {hwm:5.0f} "
                f"→ {after:5.0f}   (peak +{hwm - start:.0f}, kept +{after - start:.0f})"
            )
        # A worker's hashes run in its one hashing thread (kit/passwords.py): its peak is that thread's
        # hash and some headroom, whatever the number of concurrent logins (request threads each hashing
        # for themselves reached +80 MiB with 4 threads).
        met = grown_most < 2 * hash_mib
        all_met &= met
        print(
            f"  {brand:<18} bounded memory: peak growth under load < two hashes ({2 * hash_mib:.0f} MiB): "
            f"{'met' if met else 'MISSED'}"
        )
    return all_met


if __name__ == "__main__":
    raise SystemExit(main())
