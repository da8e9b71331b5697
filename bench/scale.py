"""Whether the main pages and APIs cost the same at a million accounts as at a thousand (issue 18).

bench/load.py makes both platforms' PostgreSQL databases at two sizes, 1,000 and N accounts a side
(N = 1,000,000 unless ``--accounts``; ``bench_scale_<platform>_<size>``), as ``accountlink up`` makes
them, and fills them with COPY. Then, for each platform and each size, a measuring process runs in
that platform's Django, with the settings and environment its web processes get, and calls each page
through Django's test client: no HTTP server in between, so a figure is the page's own work (its
queries, its rendering, its password check). Every call is for another account, drawn at random from
the whole population, so no cache hides a scan. After ``--warmup`` accounts, ``--samples`` accounts
are measured, ``--round`` at a time at one size and then at the other, so whatever else the machine
does meanwhile weighs on both alike. Each call is timed (p50, p95), its queries counted as
``assertNumQueries`` counts them, and each of its queries timed:

  Loop               Log in (GET, then POST by email), Manage app permissions, GET /v2/user/info/,
                     introspection of a refresh token, the refresh grant at /v2/oauth/token/, and the
                     support console's search by email, by @handle, by name and by two letters (the
                     start of a name, and two letters no name starts with)
  Loop for Business  Log in (GET, then POST by email), User settings, Personal information,
                     GET /api/v1/link, the public Contact support form (GET, then POST naming the
                     account by the @username of its Loop account), and the support console's search
                     by email and by @username

A table puts the figures at 1 k and at N side by side with the targets: p95 at N at most 1.3 times p95
at 1 k, and the same number of queries per request (the most common count at each size: "Last
active" is written every few minutes, so a request now and then makes one more). For each page that
misses, the query whose median time grew most is shown with its plan at N (EXPLAIN ANALYZE); so is
every query that scans more than a thousand rows of a table at N, whether or not its page missed.
The databases are dropped afterwards unless ``--keep``: bench/reconcile.py can take kept ones (this
script always loads afresh: a measured database is not as it was, its sample accounts have logged in
and its spare refresh tokens are used).

    .venv/bin/python bench/scale.py [--accounts 1000000] [--samples 200] [--keep]
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench import load
from bench.load import AGENTS, PASSWORD, SPARE_FAMILIES, Loaded, drop, loaded_or_load, size_label
from bench.own_postgres import own_postgres, quarter_of_memory

BASELINE = 1000
RATIO_TARGET = 1.3
USER_FIELDS = "open_id,union_id,avatar_url,display_name,username"


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def other_case(text: str) -> str:
    """An address as a person might type it: the first letter and the domain in capitals."""
    local, _, domain = text.partition("@")
    return f"{local[:1].upper()}{local[1:]}@{domain.upper()}" if domain else text.title()


# Measuring, inside one platform's Django (``--measure``)


def plan_of(query: str, params: Any) -> str:
    """The plan of a query a page ran: EXPLAIN ANALYZE for a SELECT, EXPLAIN (not run) for an UPDATE or
    DELETE, nothing for the rest."""
    from django.db import connection

    verb = query.lstrip().split(" ", 1)[0].upper()
    explain = {"SELECT": "EXPLAIN (ANALYZE, BUFFERS) ", "UPDATE": "EXPLAIN ", "DELETE": "EXPLAIN "}.get(verb)
    if explain is None:
        return ""
    with connection.cursor() as cursor:
        cursor.execute(explain + query, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def readable(query: str, params: Any) -> str:
    """The query with its parameters in it, as PostgreSQL received it."""
    from django.db import connection

    with connection.cursor() as cursor:
        try:
            return str(cursor.cursor.mogrify(query, params))
        except Exception:  # a cursor that cannot (server-side binding): the query as Django sent it
            return query


@dataclass
class Recorder:
    """Times and query counts of each page, and the time of each of its queries by position."""

    warmup: int
    times: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    queries: dict[str, list[int]] = field(default_factory=lambda: defaultdict(list))
    query_times: dict[str, list[list[float]]] = field(default_factory=lambda: defaultdict(list))
    last_queries: dict[str, list[tuple[str, Any]]] = field(default_factory=dict)
    failures: Counter[str] = field(default_factory=Counter)
    failure_examples: dict[str, str] = field(default_factory=dict)

    def call(
        self,
        name: str,
        number: int,
        send: Callable[..., Any],
        *args: Any,
        expect: int = 200,
        check: Callable[[Any], bool] | None = None,
        **kwargs: Any,
    ) -> Any:
        """``send(*args, **kwargs)``, timed and its queries counted (as ``assertNumQueries`` counts
        them) and each one timed; the first ``warmup`` calls of a page are not recorded."""
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        ran: list[tuple[float, str, Any]] = []

        def timed(execute: Callable[..., Any], query: str, params: Any, many: bool, context: Any) -> Any:
            started = time.perf_counter()
            try:
                return execute(query, params, many, context)
            finally:
                ran.append((time.perf_counter() - started, query, None if many else params))

        connection.queries_log.clear()  # it keeps 9,000 queries at most, and the count is read from it
        with connection.execute_wrapper(timed), CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            response = send(*args, **kwargs)
            elapsed = time.perf_counter() - started
        if response.status_code != expect or (check is not None and not check(response)):
            self.failures[name] += 1
            self.failure_examples.setdefault(name, f"HTTP {response.status_code}: {response.content[:300]!r}")
        if number < self.warmup:
            return response
        self.times[name].append(elapsed)
        self.queries[name].append(len(captured))
        positions = self.query_times[name]
        for position, (seconds, _query, _params) in enumerate(ran):
            if position == len(positions):
                positions.append([])
            positions[position].append(seconds)
        self.last_queries[name] = [(query, params) for _seconds, query, params in ran]
        return response

    def result(self) -> dict[str, Any]:
        """The figures; for each page, each query's median time, its text and plan (the last call's)."""
        detail = {}
        for name, positions in self.query_times.items():
            last = self.last_queries[name]
            detail[name] = [
                {
                    "median": statistics.median(times),
                    "sql": readable(*last[position]) if position < len(last) else "",
                    "plan": plan_of(*last[position]) if position < len(last) and last[position][1] is not None else "",
                }
                for position, times in enumerate(positions)
            ]
        return {
            "times": self.times,
            "queries": self.queries,
            "detail": detail,
            "failures": self.failures,
            "failure_examples": self.failure_examples,
        }


def browser() -> Any:
    from django.test import Client

    return Client(HTTP_HOST="127.0.0.1", REMOTE_ADDR="127.0.0.1")


def staff_browser(account: Any) -> Any:
    """A support agent's browser, logged in with the staff session a code would give."""
    from django.utils import timezone

    from accountlink.kit.staff import STAFF_SESSION_KEY

    agent = browser()
    agent.force_login(account)
    session = agent.session
    session[STAFF_SESSION_KEY] = timezone.now().timestamp()
    session.save()
    return agent


def logged_in(response: Any) -> bool:
    return response.status_code == 302 and "/login" not in response["Location"]


def measure_consumer(loaded: Loaded, chosen: list[int], recorder: Recorder) -> Iterator[None]:
    """Each page for each chosen account in turn; yields after each account."""
    from accountlink.consumer.accounts.models import LoopAccount

    people, client = loaded.population, loaded.client
    agent = staff_browser(LoopAccount.objects.get(handle=AGENTS["consumer"]))
    credentials = {"client_key": client["client_key"], "client_secret": client["client_secret"]}
    for number, i in enumerate(chosen):
        person = browser()
        record = recorder.call
        record("Loop: Log in (GET)", number, person.get, "/login/")
        record(
            "Loop: Log in (POST, by email)",
            number,
            person.post,
            "/login/",
            {"identifier": other_case(people.email(i)), "password": PASSWORD},
            expect=302,
            check=logged_in,
        )
        record("Loop: Manage app permissions", number, person.get, "/settings/security/apps/")
        app = browser()
        record(
            "Loop: GET /v2/user/info/",
            number,
            app.get,
            "/v2/user/info/",
            {"fields": USER_FIELDS},
            HTTP_AUTHORIZATION=f"Bearer {people.access_token(i)}",
            check=lambda response: "open_id" in response.json().get("data", {}).get("user", {}),
        )
        record(
            "Loop: introspection (refresh token)",
            number,
            app.post,
            "/v2/oauth/introspect/",
            {**credentials, "token": people.refresh_token(i)},
            check=lambda response: response.json().get("active") is True,
        )
        record(
            "Loop: refresh grant /v2/oauth/token/",
            number,
            app.post,
            "/v2/oauth/token/",
            {**credentials, "grant_type": "refresh_token", "refresh_token": people.spare_refresh_token(number)},
            check=lambda response: "access_token" in response.json(),
        )
        record("Loop support: search by email", number, agent.get, "/staff/", {"q": other_case(people.email(i))})
        record("Loop support: search by @handle", number, agent.get, "/staff/", {"q": "@" + people.handle(i)})
        record("Loop support: search by name", number, agent.get, "/staff/", {"q": people.display_name(i)})
        # Two letters: the start of a name (many names start so) and two no name starts with.
        record("Loop support: search by two letters", number, agent.get, "/staff/", {"q": people.display_name(i)[:2]})
        record("Loop support: search by two letters, none", number, agent.get, "/staff/", {"q": "Qz"})
        yield


def freshen_links(loaded: Loaded, chosen: list[int]) -> None:
    """The chosen accounts' links were refreshed a moment ago (as pages keep them): no page queues a
    refresh at Loop while it is measured, at either size."""
    from datetime import timedelta

    from django.utils import timezone

    from accountlink.business.linking.models import LoopLink

    now = timezone.now()
    emails = [loaded.population.business_email(i) for i in chosen]
    LoopLink._default_manager.filter(account__email__in=emails).update(
        profile_checked_at=now, access_expires_at=now + timedelta(hours=2)
    )


def measure_business(loaded: Loaded, chosen: list[int], recorder: Recorder) -> Iterator[None]:
    """Each page for each chosen account in turn; yields after each account."""
    from accountlink.business.accounts.models import BusinessAccount

    people = loaded.population
    freshen_links(loaded, chosen)
    agent = staff_browser(BusinessAccount.objects.get(email=AGENTS["business"]))
    for number, i in enumerate(chosen):
        person = browser()
        record = recorder.call
        record("Business: Log in (GET)", number, person.get, "/login/")
        record(
            "Business: Log in (POST, by email)",
            number,
            person.post,
            "/login/",
            {"identifier": other_case(people.business_email(i)), "password": PASSWORD},
            expect=302,
            check=logged_in,
        )
        record("Business: User settings", number, person.get, "/settings/")
        record("Business: Personal information", number, person.get, "/settings/personal/")
        record(
            "Business: GET /api/v1/link",
            number,
            person.get,
            "/api/v1/link",
            check=lambda response: response.json().get("linked") is True,
        )
        visitor = browser()
        record("Business: Contact support (GET)", number, visitor.get, "/support/contact/")
        record(
            "Business: Contact support (POST, by @username)",
            number,
            visitor.post,
            "/support/contact/",
            {
                "kind": "recovery",
                "requester_name": people.display_name(i),
                "identifier": "@" + people.handle(i),
                "reply_to": f"reply{number}@example.org",
                "message": "I cannot log in to my business account any more.",
            },
            expect=302,
        )
        record(
            "Business support: search by email",
            number,
            agent.get,
            "/staff/",
            {"q": other_case(people.business_email(i))},
        )
        record("Business support: search by @username", number, agent.get, "/staff/", {"q": "@" + people.handle(i)})
        yield


def measure(platform: str, manifest: Path, samples: int, warmup: int, seed: int) -> None:
    """The measuring process: ``run K`` on standard input measures the next K accounts and answers
    ``ok``; ``done`` prints the figures as JSON."""
    import django

    django.setup()
    loaded = Loaded.read(manifest)
    chosen = random.Random(f"{seed}:{platform}").sample(range(loaded.accounts), samples + warmup)
    recorder = Recorder(warmup)
    accounts = (measure_consumer if platform == "consumer" else measure_business)(loaded, chosen, recorder)
    for line in sys.stdin:
        command, _, count = line.partition(" ")
        if command.strip() == "done":
            break
        # The garbage collector runs between rounds, never inside a timed call: a full collection of
        # this process (Django, the recorder's figures) took ~100 ms in whichever call it fell, at
        # either size (Loop's login page, which makes no query: p95 110 to 144 ms; 31 to 33 without).
        gc.disable()
        for _ in range(int(count)):
            next(accounts)
        gc.enable()
        gc.collect()
        print("ok", flush=True)
    print(json.dumps(recorder.result()), flush=True)


class Measurer:
    """One measuring process: one platform at one size."""

    def __init__(self, loaded: Loaded, platform: str, args: argparse.Namespace) -> None:
        self.label = f"{platform} at {loaded.accounts:,}"
        self.process = subprocess.Popen(
            [
                *(sys.executable, __file__, "--measure", platform, str(loaded.path)),
                *(f"--samples={args.samples}", f"--warmup={args.warmup}", f"--seed={args.seed}"),
            ],
            env=loaded.environment(platform),
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )

    def _send(self, line: str) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()

    def run(self, count: int) -> None:
        self._send(f"run {count}")
        assert self.process.stdout is not None
        for line in self.process.stdout:
            if line.strip() == "ok":
                return
        raise RuntimeError(f"measuring {self.label} failed (exit code {self.process.wait()})")

    def finish(self) -> dict[str, Any]:
        self._send("done")
        output, _ = self.process.communicate()
        if self.process.returncode != 0:
            raise RuntimeError(f"measuring {self.label} failed (exit code {self.process.returncode})")
        figures: dict[str, Any] = json.loads(output.strip().splitlines()[-1])
        return figures

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def measure_both_sizes(sizes: list[Loaded], args: argparse.Namespace) -> list[dict[str, Any]]:
    """Each platform at every size, in alternating rounds of ``--round`` accounts: whatever else the
    machine does meanwhile weighs on every size alike."""
    figures: list[dict[str, Any]] = [{"times": {}, "queries": {}, "detail": {}} for _ in sizes]
    for platform in ("consumer", "business"):
        started = time.perf_counter()
        measurers = [Measurer(loaded, platform, args) for loaded in sizes]
        try:
            for measurer in measurers:
                measurer.run(args.warmup)
            done = 0
            while done < args.samples:
                count = min(args.round, args.samples - done)
                for measurer in measurers if (done // args.round) % 2 == 0 else reversed(measurers):
                    measurer.run(count)
                done += count
            results = [measurer.finish() for measurer in measurers]
        finally:
            for measurer in measurers:
                measurer.stop()
        print(f"  measured {platform} at every size in {time.perf_counter() - started:.0f} s", flush=True)
        for size, result in zip(figures, results, strict=True):
            for key in size:
                size[key].update(result[key])
            for name, count in result["failures"].items():
                print(f"  ! {name}: {count} unexpected answers, e.g. {result['failure_examples'][name]}")
    return figures


def queries_text(counts: list[int]) -> str:
    low, high = min(counts), max(counts)
    return str(low) if low == high else f"{low}–{high}"


def report(small: dict[str, Any], large: dict[str, Any], accounts: int) -> list[str]:
    """Print the table; return the names of the pages that missed a target."""
    big = size_label(accounts)
    print(
        f"\n{'page or API':<48} {'p50 1k':>7} {'p95 1k':>7} {'p50 ' + big:>8} {'p95 ' + big:>8} "
        f"{'p95 ratio':>9} {'queries 1k':>10} {'queries ' + big:>11}  target (p95 ≤ {RATIO_TARGET}×, same queries)"
    )
    missed = []
    for name in small["times"]:
        if name not in large["times"]:
            continue
        times_small, times_large = small["times"][name], large["times"][name]
        p95_small, p95_large = percentile(times_small, 0.95), percentile(times_large, 0.95)
        ratio = p95_large / p95_small
        q_small, q_large = small["queries"][name], large["queries"][name]
        # The most common count: a signed-in session's "Last active" is written at most every few
        # minutes, whenever it falls due, so now and then a request makes one query more at either size.
        same_queries = statistics.mode(q_small) == statistics.mode(q_large)
        met = ratio <= RATIO_TARGET and same_queries
        if not met:
            missed.append(name)
        verdict = "met" if met else "MISSED" + ("" if same_queries else " (queries)")
        print(
            f"{name:<48} {statistics.median(times_small) * 1000:6.1f}  {p95_small * 1000:6.1f}  "
            f"{statistics.median(times_large) * 1000:7.1f}  {p95_large * 1000:7.1f}  {ratio:8.2f}× "
            f"{queries_text(q_small):>10} {queries_text(q_large):>11}  {verdict}"
        )
    return missed


SEQ_SCAN = re.compile(r"(?:Parallel )?Seq Scan on (\w+)")
ROWS = re.compile(r"rows=(\d+)")
REMOVED = re.compile(r"Rows Removed by Filter: (\d+)")
SCAN_ROWS = 1000  # a sequential scan reading more rows than this at N is reported


def scans(plan: str) -> list[tuple[str, int]]:
    """The sequential scans of a plan: (table, rows read: returned and filtered out, or estimated)."""
    found = []
    lines = plan.splitlines()
    for number, line in enumerate(lines):
        scan = SEQ_SCAN.search(line)
        if scan is None:
            continue
        rows = int(ROWS.findall(line)[-1]) if ROWS.search(line) else 0
        depth = len(line) - len(line.lstrip())
        for below in lines[number + 1 :]:
            if len(below) - len(below.lstrip()) <= depth or "->" in below:
                break
            if removed := REMOVED.search(below):
                rows += int(removed.group(1))
        found.append((scan.group(1), rows))
    return found


def indented(text: str) -> str:
    return "    " + text.replace("\n", "\n    ")


def show_misses(missed: list[str], small: dict[str, Any], large: dict[str, Any], accounts: int) -> None:
    """For each page that missed: the query whose median time grew most from 1k to N, with its plan at N."""
    for name in missed:
        before, after = small["detail"].get(name, []), large["detail"].get(name, [])
        if not before or not after:
            continue
        growth = [
            (a["median"] - b["median"], position) for position, (b, a) in enumerate(zip(before, after, strict=False))
        ]
        _grew, position = max(growth)
        query = after[position]
        print(
            f"\n{name}: query {position + 1} of {len(after)} grew most, median "
            f"{before[position]['median'] * 1000:.2f} ms at 1k → {query['median'] * 1000:.2f} ms at "
            f"{accounts:,}:\n{indented(query['sql'][:1200])}"
        )
        if query["plan"]:
            print(indented(query["plan"]))


def show_scans(large: dict[str, Any], accounts: int) -> None:
    """Every sequential scan that read more than ``SCAN_ROWS`` rows at N, whether or not its page missed."""
    found = False
    for name, detail in large["detail"].items():
        for position, query in enumerate(detail):
            big = [(table, rows) for table, rows in scans(query["plan"]) if rows > SCAN_ROWS]
            for table, rows in big:
                found = True
                print(
                    f"\n{name}: query {position + 1} scans {table} ({rows:,} rows at {accounts:,} accounts, "
                    f"median {query['median'] * 1000:.2f} ms):\n{indented(query['sql'][:1200])}\n{indented(query['plan'])}"
                )
    if not found:
        print(f"\nno query scans more than {SCAN_ROWS:,} rows of a table at {accounts:,} accounts")


GREW_RATIO, GREW_SECONDS = 2.0, 0.001  # a query whose median grew this much from 1 k to N is shown


def show_growth(small: dict[str, Any], large: dict[str, Any], accounts: int, missed: list[str]) -> None:
    """Every query (of a page that met its targets: the misses are shown already) whose median time at
    N is more than ``GREW_RATIO`` times, and ``GREW_SECONDS`` more than, at 1 k, with its plan at N."""
    found = False
    for name, after in large["detail"].items():
        before = small["detail"].get(name, [])
        if name in missed:
            continue
        for position, (b, a) in enumerate(zip(before, after, strict=False)):
            if a["median"] > GREW_RATIO * b["median"] and a["median"] - b["median"] > GREW_SECONDS:
                found = True
                print(
                    f"\n{name}: query {position + 1} grew, median {b['median'] * 1000:.2f} ms at 1k → "
                    f"{a['median'] * 1000:.2f} ms at {accounts:,}:\n{indented(a['sql'][:1200])}"
                )
                if a["plan"]:
                    print(indented(a["plan"]))
    if not found:
        print(f"\nno other query's median grew more than {GREW_RATIO:g}x and {GREW_SECONDS * 1000:g} ms")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--accounts", type=int, default=1_000_000, help="N, accounts a side at the large size")
    parser.add_argument("--samples", type=int, default=200, help="timed calls of each page, each for another account")
    parser.add_argument("--warmup", type=int, default=20, help="calls of each page before the timed ones")
    parser.add_argument("--round", type=int, default=10, help="accounts measured at one size before the other's turn")
    parser.add_argument("--seed", type=int, default=18, help="which random accounts are drawn")
    parser.add_argument("--prefix", default="bench_scale", help="database names: <prefix>_<platform>_<size>")
    parser.add_argument("--keep", action="store_true", help="keep the databases (and their manifests)")
    parser.add_argument(
        "--own-postgres",
        action="store_true",
        help="run on a PostgreSQL server of the bench's own, with --shared-buffers (bench/own_postgres.py), "
        "rather than on PG_URL's",
    )
    parser.add_argument(
        "--shared-buffers", default=quarter_of_memory(), help="its shared_buffers (default: a quarter of the memory)"
    )
    parser.add_argument("--measure", nargs=2, metavar=("PLATFORM", "MANIFEST"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        measure(args.measure[0], Path(args.measure[1]), args.samples, args.warmup, args.seed)
        return 0
    if args.samples + args.warmup > min(BASELINE, SPARE_FAMILIES):
        parser.error(f"--samples plus --warmup must be at most {min(BASELINE, SPARE_FAMILIES)}")
    if args.accounts <= BASELINE:
        parser.error(f"--accounts must be more than {BASELINE}")
    if not args.own_postgres:
        return run(args)
    with own_postgres(args.shared_buffers) as url:
        os.environ["PG_URL"] = load.PG_URL = url  # this process's loading, and the measuring processes'
        return run(args)


def run(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    print(
        f"Pages and APIs at {BASELINE:,} and {args.accounts:,} accounts a side (PostgreSQL; in-process, "
        f"Django's test client; {args.samples} random accounts a page after {args.warmup} warm-up calls)",
        flush=True,
    )
    own = " (the bench's own server, --own-postgres)" if args.own_postgres else ""
    print(f"PostgreSQL: {server_facts()}{own}", flush=True)
    sizes: list[Loaded] = []
    try:
        for accounts in (BASELINE, args.accounts):
            print(f"\n{accounts:,} accounts a side:", flush=True)
            sizes.append(loaded_or_load(accounts, args.prefix, reuse=False, say=say)[0])
        print(f"\nmeasuring, {args.round} accounts at a time at each size in turn …", flush=True)
        small, large = measure_both_sizes(sizes, args)
    finally:
        for loaded in sizes:
            if args.keep:
                print(f"kept {', '.join(loaded.databases.values())} ({loaded.directory})")
            else:
                drop(loaded)
    missed = report(small, large, args.accounts)
    show_misses(missed, small, large, args.accounts)
    show_scans(large, args.accounts)
    show_growth(small, large, args.accounts, missed)
    loads = ", ".join(f"{size_label(loaded.accounts)} in {loaded.seconds.get('total', 0):.0f} s" for loaded in sizes)
    print(f"\nloading took {loads} (at {size_label(args.accounts)}: {sizes[-1].sizes})")
    print(f"the whole run took {time.perf_counter() - started:.0f} s")
    print("all targets met" if not missed else f"{len(missed)} of {len(small['times'])} pages missed a target")
    return 1 if missed else 0


def server_facts() -> str:
    """Which server the figures come from, and the setting that decides whether a million accounts' pages
    stay in its memory."""
    with psycopg.connect(f"{load.PG_URL}/postgres") as connection:
        version = connection.execute("SHOW server_version").fetchone()
        buffers = connection.execute("SHOW shared_buffers").fetchone()
    return f"{load.PG_URL}, version {version[0] if version else '?'}, shared_buffers {buffers[0] if buffers else '?'}"


def say(line: str) -> None:
    print(line, flush=True)


if __name__ == "__main__":
    raise SystemExit(main())
