"""What one reconciliation pass costs at 10 k and at 1 M links (issue 18; docs/unlinking.md, "Reconciliation").

For each size, bench/load.py makes both platforms' PostgreSQL databases (every business account linked
to a Loop account, through a grant with tokens at Loop), and Loop's web server starts as ``accountlink
up`` starts it (2 processes of 4 threads). Loop for Business's web server does not run, so every
webhook Loop sends is lost. Then:

  capacity  Loop's introspection throughput: ``--concurrency`` clients post introspections of random
            links' refresh tokens for ``--seconds`` (after a second of warm-up), from this process
  lost      ``--lost`` random Loop account holders press Remove access; their webhooks are lost
  passes    ``--passes`` reconciliation passes, as the periodic ``reconcile_links`` task runs them:
            ``do_reconcile_links()`` in Loop for Business's Django, on its database, against the
            running Loop; each pass's time, introspections, pages of Loop's log of grant endings and
            queries, and how many of the lost webhooks' links it ended
  full      at sizes up to ``--full-check-max`` links, one pass over every link, as ``accountlink
            reconcile`` makes it (larger sizes: what it would take at the rate measured)

It prints, per size, the figures and the targets: a pass at 1 M links within the period (10
minutes); the introspections of a pass, spread over the period, under 5 % of Loop's introspection
capacity measured in the same run; and a lost webhook repaired by the next pass. Also how long the
rolling check takes to come round to every link.

    .venv/bin/python bench/reconcile.py [--sizes 10000,1000000] [--keep] [--reuse] [--prefix bench_reconcile]

``--prefix bench_scale --reuse`` takes the databases a ``bench/scale.py --keep`` run left.
"""

from __future__ import annotations

import argparse
import json
import math
import random
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.load import Loaded, drop, loaded_or_load, size_label

SHARE_TARGET = 0.05  # of Loop's introspection capacity
PERIODIC_TASK = "accountlink.business.linking.tasks.reconcile_links"


# Steps, each inside one platform's Django (``--step``)


@contextmanager
def counting(module: Any, names: list[str]) -> Iterator[dict[str, float]]:
    """Count the calls of each function ``module.<name>`` and their seconds (``<name> s``) while inside."""
    counts: dict[str, float] = {}
    originals = {name: getattr(module, name) for name in names}

    def counter(name: str) -> Callable[..., Any]:
        def counted(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return originals[name](*args, **kwargs)
            finally:
                counts[name] = counts.get(name, 0) + 1
                counts[name + " s"] = counts.get(name + " s", 0.0) + time.perf_counter() - started

        return counted

    for name in names:
        setattr(module, name, counter(name))
    try:
        yield counts
    finally:
        for name, original in originals.items():
            setattr(module, name, original)


def step_prime(loaded: Loaded, args: argparse.Namespace) -> dict[str, Any]:
    """Loop for Business: the passes so far have read Loop's log up to now, and none is running."""
    from django.conf import settings

    from accountlink.business.conf import business_settings
    from accountlink.business.linking.actions import reconcile_state
    from accountlink.business.linking.models import LoopLink, ReconcileState

    reconcile_state.state()
    ReconcileState._default_manager.filter(pk=1).update(endings_read_until=time.time(), lease_until=None)
    return {
        "links": LoopLink._default_manager.count(),
        "checks_per_pass": business_settings.RECONCILE_CHECKS_PER_PASS,
        "period": settings.ACCOUNTLINK_PERIODIC_TASKS[PERIODIC_TASK],
    }


def step_lose_webhooks(loaded: Loaded, args: argparse.Namespace) -> dict[str, Any]:
    """Loop: ``--lost`` random holders press Remove access; each webhook finds no server to take it."""
    from accountlink.consumer.accounts.models import LoopAccount
    from accountlink.consumer.oauth.actions import do_remove_app_access
    from accountlink.consumer.oauth.models import Client

    people = loaded.population
    client = Client._default_manager.get(client_id=loaded.client["client_key"])
    ended = []
    for i in random.Random(f"{args.seed}:{time.time()}").sample(range(loaded.accounts), args.lost):
        account = LoopAccount._default_manager.get(handle=people.handle(i))
        if do_remove_app_access(account, client, actor=account):
            ended.append(people.open_id(i))
    return {"open_ids": ended}


def run_pass(every_link: bool) -> dict[str, Any]:
    """One pass of ``do_reconcile_links``, with its introspections, log pages and queries counted."""
    from django.db import connection

    from accountlink.business.linking import provider
    from accountlink.business.linking.actions.reconciliation import do_reconcile_links

    queries = 0

    def count_query(execute: Callable[..., Any], query: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal queries
        queries += 1
        return execute(query, params, many, context)

    with counting(provider, ["introspect", "grant_endings"]) as counts, connection.execute_wrapper(count_query):
        started = time.perf_counter()
        result = do_reconcile_links(every_link=every_link)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "checked": result.checked,
        "ended": len(result.ended),
        "endings_read": result.endings_read,
        "unreachable": result.unreachable,
        "running_elsewhere": result.running_elsewhere,
        "introspections": int(counts.get("introspect", 0)),
        "introspection_seconds": counts.get("introspect s", 0.0),
        "log_pages": int(counts.get("grant_endings", 0)),
        "log_seconds": counts.get("grant_endings s", 0.0),
        "queries": queries,
    }


def step_passes(loaded: Loaded, args: argparse.Namespace) -> dict[str, Any]:
    """Loop for Business: ``--passes`` periodic passes; after each, how many of the lost webhooks'
    links are still there; and how many different links the passes checked."""
    from django.utils import timezone

    from accountlink.business.linking.models import LoopLink

    lost = json.loads(args.open_ids)
    links = LoopLink._default_manager
    since = timezone.now()
    passes = []
    for _ in range(args.passes):
        figures = run_pass(every_link=False)
        figures["lost_still_linked"] = links.filter(open_id__in=lost).count()
        passes.append(figures)
    return {"passes": passes, "links_checked": links.filter(grant_checked_at__gte=since).count()}


def step_full(loaded: Loaded, args: argparse.Namespace) -> dict[str, Any]:
    """Loop for Business: a pass over every link, as ``accountlink reconcile`` makes it."""
    return run_pass(every_link=True)


STEPS = {"prime": step_prime, "lose-webhooks": step_lose_webhooks, "passes": step_passes, "full": step_full}


def step(name: str, manifest: Path, args: argparse.Namespace) -> None:
    import django

    django.setup()
    print(json.dumps(STEPS[name](Loaded.read(manifest), args)), flush=True)


# Running


def run_step(loaded: Loaded, platform: str, name: str, args: argparse.Namespace, *extra: str) -> dict[str, Any]:
    answer = subprocess.run(
        [
            *(sys.executable, __file__, "--step", name, str(loaded.path)),
            *(f"--seed={args.seed}", f"--lost={args.lost}", f"--passes={args.passes}", *extra),
        ],
        env=loaded.environment(platform),
        capture_output=True,
        text=True,
        check=False,
    )
    if answer.returncode != 0:
        sys.stderr.write(answer.stderr[-6000:])
        raise RuntimeError(f"step {name} on {platform} failed (exit code {answer.returncode})")
    figures: dict[str, Any] = json.loads(answer.stdout.strip().splitlines()[-1])
    return figures


def introspection_capacity(loaded: Loaded, url: str, concurrency: int, seconds: float) -> float:
    """Introspections a second Loop answers with ``concurrency`` clients at it for ``seconds``."""
    people, client = loaded.population, loaded.client
    credentials = {"client_key": client["client_key"], "client_secret": client["client_secret"]}
    counted = {"answers": 0, "failures": 0}
    lock = threading.Lock()
    warm_until = time.monotonic() + 1.0
    stop_at = warm_until + seconds

    def hammer(seed: int) -> None:
        session, rng = requests.Session(), random.Random(seed)
        while (now := time.monotonic()) < stop_at:
            token = people.refresh_token(rng.randrange(loaded.accounts))
            answer = session.post(f"{url}/v2/oauth/introspect/", data={**credentials, "token": token}, timeout=30)
            if now >= warm_until:
                with lock:
                    counted["answers" if answer.status_code == 200 else "failures"] += 1

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(hammer, range(concurrency)))
    if counted["failures"]:
        print(f"  ! {counted['failures']} introspections failed")
    return counted["answers"] / seconds


def measure_size(accounts: int, args: argparse.Namespace) -> dict[str, Any]:
    print(f"\n{accounts:,} links:", flush=True)
    loaded, fresh = loaded_or_load(accounts, args.prefix, reuse=args.reuse, say=say)
    try:
        cluster = loaded.cluster()
        say("  preparing the system on them, and starting Loop's web server …")
        loaded.prepare(cluster)  # its client now has this run's addresses
        with open(Path(loaded.directory) / "servers.log", "ab") as log:
            cluster.log = log
            try:
                cluster.start("consumer", "web")
                figures = run_steps(loaded, cluster.consumer_url, args)
            finally:
                cluster.stop_all()
        figures["load_seconds"] = loaded.seconds.get("total", 0.0)
        return figures
    finally:
        if fresh and not args.keep:
            drop(loaded)
        else:
            say(f"  kept {', '.join(loaded.databases.values())} ({loaded.directory})")


def run_steps(loaded: Loaded, consumer_url: str, args: argparse.Namespace) -> dict[str, Any]:
    say(f"  Loop's introspection capacity ({args.concurrency} clients, {args.seconds:.0f} s) …")
    capacity = introspection_capacity(loaded, consumer_url, args.concurrency, args.seconds)
    primed = run_step(loaded, "business", "prime", args)
    say(f"  {args.lost} holders remove access on Loop; their webhooks are lost …")
    lost = run_step(loaded, "consumer", "lose-webhooks", args)["open_ids"]
    say(f"  {args.passes} periodic reconciliation passes …")
    passes = run_step(loaded, "business", "passes", args, f"--open-ids={json.dumps(lost)}")
    full = None
    if primed["links"] <= args.full_check_max:
        say(f"  one pass over every link (accountlink reconcile), {primed['links']:,} links …")
        full = run_step(loaded, "business", "full", args)
    return {**primed, "capacity": capacity, "lost": len(lost), **passes, "full": full}


def duration(seconds: float) -> str:
    if seconds < 120:
        return f"{seconds:.0f} s"
    if seconds < 2 * 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 2 * 86400:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def report(results: dict[int, dict[str, Any]]) -> list[str]:
    """Print the figures of every size side by side; return the targets missed."""
    labels = [size_label(size) for size in results]
    missed: list[str] = []
    rows: list[tuple[str, list[str], str]] = []

    def row(name: str, values: list[str], target: str = "") -> None:
        rows.append((name, values, target))

    figures = list(results.values())
    row("links", [f"{f['links']:,}" for f in figures])
    for number in range(max(len(f["passes"]) for f in figures)):
        kind = "with the lost webhooks' endings" if number == 0 else "steady"
        row(f"pass {number + 1} ({kind})", [""] * len(figures))
        passes = [f["passes"][number] for f in figures]
        pass_ok = [p["seconds"] <= f["period"] and not p["unreachable"] for p, f in zip(passes, figures, strict=True)]
        verdicts = " / ".join("met" if ok else "MISSED" for ok in pass_ok)
        row("  time", [f"{p['seconds']:.1f} s" for p in passes], f"≤ the period (600 s): {verdicts}")
        missed += [f"pass {number + 1} at {label}" for ok, label in zip(pass_ok, labels, strict=True) if not ok]
        row("  links checked by introspection", [f"{p['introspections']:,}" for p in passes])
        row(
            "  of which, time waiting on Loop",
            [
                f"{p['introspection_seconds']:.1f} s ({p['introspections'] / max(p['seconds'], 1e-9):.0f}/s)"
                for p in passes
            ],
        )
        row("  log of grant endings: pages, endings", [f"{p['log_pages']}, {p['endings_read']}" for p in passes])
        row("  links ended", [f"{p['ended']}" for p in passes])
        row("  queries (Loop for Business)", [f"{p['queries']:,}" for p in passes])
    row("links checked by those passes", [f"{f['links_checked']:,}" for f in figures])
    row("Loop's introspection capacity", [f"{f['capacity']:.0f}/s" for f in figures])
    shares = []
    for f in figures:
        spread = max(p["introspections"] for p in f["passes"]) / f["period"]
        shares.append((spread, spread / f["capacity"]))
    share_ok = [share < SHARE_TARGET for _spread, share in shares]
    row(
        "introspections spread over the period",
        [f"{spread:.2f}/s = {share:.1%}" for spread, share in shares],
        f"< {SHARE_TARGET:.0%} of capacity: " + " / ".join("met" if ok else "MISSED" for ok in share_ok),
    )
    missed += [f"share of Loop's capacity at {label}" for ok, label in zip(share_ok, labels, strict=True) if not ok]
    row(
        "rolling check comes round to every link in",
        [
            f"{math.ceil(f['links'] / f['checks_per_pass'])} passes = "
            f"{duration(math.ceil(f['links'] / f['checks_per_pass']) * f['period'])}"
            for f in figures
        ],
    )
    repaired_ok = [f["passes"][0]["lost_still_linked"] == 0 for f in figures]
    row(
        "lost webhooks repaired by the next pass",
        [
            f"{f['lost'] - f['passes'][0]['lost_still_linked']} of {f['lost']}, "
            f"≤ {duration(f['period'] + f['passes'][0]['seconds'])} late"
            for f in figures
        ],
        "by the next pass: " + " / ".join("met" if ok else "MISSED" for ok in repaired_ok),
    )
    missed += [f"lost webhooks at {label}" for ok, label in zip(repaired_ok, labels, strict=True) if not ok]
    full_values = []
    for f in figures:
        rate = f["full"]["checked"] / f["full"]["seconds"] if f["full"] else None
        if f["full"]:
            full_values.append(f"{duration(f['full']['seconds'])} ({rate:.0f} links/s)")
        else:
            known = [g["full"] for g in figures if g["full"]]
            rate = known[0]["checked"] / known[0]["seconds"] if known else None
            full_values.append(f"not run (~{duration(f['links'] / rate)} at {rate:.0f}/s)" if rate else "not run")
    row("every link at once (accountlink reconcile)", full_values)
    width = max(len(name) for name, _values, _target in rows)
    columns = [max(len(label), *(len(values[n]) for _name, values, _t in rows)) for n, label in enumerate(labels)]
    print(f"\n{'':<{width}}  " + "  ".join(f"{label:>{columns[n]}}" for n, label in enumerate(labels)) + "  target")
    for name, values, target in rows:
        cells = "  ".join(f"{value:>{columns[n]}}" for n, value in enumerate(values))
        print(f"{name:<{width}}  {cells}  {target}".rstrip())
    return missed


def say(line: str) -> None:
    print(line, flush=True)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes", default="10000,1000000", help="links (accounts a side) of each size, comma-separated"
    )
    parser.add_argument("--lost", type=int, default=20, help="webhooks lost before the first pass")
    parser.add_argument("--passes", type=int, default=2, help="periodic passes measured at each size")
    parser.add_argument("--concurrency", type=int, default=8, help="clients measuring Loop's introspection capacity")
    parser.add_argument("--seconds", type=float, default=5.0, help="how long they measure it")
    parser.add_argument("--full-check-max", type=int, default=20_000, help="largest size checked link by link")
    parser.add_argument("--seed", type=int, default=18)
    parser.add_argument("--prefix", default="bench_reconcile", help="database names: <prefix>_<platform>_<size>")
    parser.add_argument("--keep", action="store_true", help="keep the databases (and their manifests)")
    parser.add_argument("--reuse", action="store_true", help="use databases kept by an earlier run, if there are")
    parser.add_argument("--step", nargs=2, metavar=("NAME", "MANIFEST"), help=argparse.SUPPRESS)
    parser.add_argument("--open-ids", default="[]", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.step:
        step(args.step[0], Path(args.step[1]), args)
        return 0
    sizes = [int(size) for size in args.sizes.split(",")]
    started = time.perf_counter()
    print(
        "A reconciliation pass at "
        + " and ".join(f"{size:,}" for size in sizes)
        + " links (PostgreSQL; Loop's web server as accountlink up runs it; the pass in Loop for Business's Django)",
        flush=True,
    )
    results = {size: measure_size(size, args) for size in sizes}
    missed = report(results)
    loads = ", ".join(f"{size_label(size)} in {f['load_seconds']:.0f} s" for size, f in results.items())
    print(f"\nloading took {loads}; the whole run {time.perf_counter() - started:.0f} s")
    print("all targets met" if not missed else "targets missed: " + "; ".join(missed))
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
