"""How fast an unlink on one side reaches the other (issue 4; DESIGN §1, §11).

Starts the whole system on the embedded default (SQLite, the processes of ``accountlink up``),
links fresh people over HTTP exactly as the pages do, then measures

  (a) Remove access on Loop → the business platform shows no link (``GET /api/v1/link``), and
  (b) Confirm on the business platform → every Loop token of the grant introspects inactive,

once idle (one unlink at a time) and once loaded (20 unlinks in flight at once), and prints
p50/p99 of each against the targets (p99 < 1 s idle, < 2 s loaded) and against a reference
measured in the same run: one bare round trip to a page of each platform.

    .venv/bin/python bench/propagation.py [--samples 20] [--in-flight 20] [--rounds 2]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.cluster import Cluster, running_cluster
from tests.e2e.http_flows import (
    Pair,
    business_link,
    confirm_unlink,
    create_people,
    link,
    remove_access,
    send_unlink_code,
    tokens_of,
)
from tests.e2e.polling import wait_until

TARGETS = {"idle": 1.0, "loaded": 2.0}
# How often each waiting unlink asks; 20 of them asking at once are load of their own, so not too often.
POLL_SECONDS = 0.02


def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    rank = max(1, round(share * len(ordered) + 0.4999))
    return ordered[min(rank, len(ordered)) - 1]


def reference_round_trip(url: str, count: int = 50) -> float:
    session = requests.Session()
    session.get(url, timeout=10)
    times = []
    for _ in range(count):
        started = time.perf_counter()
        session.get(url, timeout=10)
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def fresh_connections(pair: Pair) -> None:
    """Drop the pair's idle keep-alive connections. Gunicorn closes one after 2 idle seconds, and a
    POST sent just as it does meets a reset (a browser would retry; requests does not retry a POST).
    The cookies stay, and a new loopback connection costs a fraction of a millisecond."""
    pair.loop.close()
    pair.business.close()


def remove_and_wait(cluster: Cluster, pair: Pair) -> float:
    """(a): from Remove access being pressed to the business platform showing no link."""
    fresh_connections(pair)
    started = time.perf_counter()
    remove_access(cluster, pair)
    wait_until(lambda: business_link(cluster, pair)["linked"] is False, timeout=30, interval=POLL_SECONDS)
    return time.perf_counter() - started


def confirm_and_wait(cluster: Cluster, pair: Pair, code: str, tokens: tuple[str, str]) -> float:
    """(b): from Confirm being pressed to every token of the grant being inactive at Loop."""
    fresh_connections(pair)
    started = time.perf_counter()
    confirm_unlink(cluster, pair, code)
    wait_until(lambda: not any(cluster.introspect(token) for token in tokens), timeout=30, interval=POLL_SECONDS)
    return time.perf_counter() - started


def run_round(cluster: Cluster, pairs: list[Pair], kind: str, in_flight: int) -> list[float]:
    for pair in pairs:
        link(cluster, pair)
    if kind == "a":
        jobs = [lambda pair=pair: remove_and_wait(cluster, pair) for pair in pairs]
    else:
        tokens = tokens_of(cluster, pairs)
        codes = {pair.business_email: send_unlink_code(cluster, pair) for pair in pairs}
        time.sleep(1)  # let the code emails' tasks drain, so they do not count against the unlinks
        jobs = [
            lambda pair=pair: confirm_and_wait(cluster, pair, codes[pair.business_email], tokens[pair.business_email])
            for pair in pairs
        ]
    if in_flight <= 1:
        results = []
        for job in jobs:
            results.append(job())
            time.sleep(0.2)  # idle: each unlink alone in the system
        return results
    with ThreadPoolExecutor(max_workers=in_flight) as pool:
        return list(pool.map(lambda job: job(), jobs))


def report(label: str, values: list[float], target: float, reference: float) -> bool:
    p50, p99 = percentile(values, 0.50), percentile(values, 0.99)
    ok = p99 < target
    print(
        f"{label:<44} n={len(values):<3} p50={p50 * 1000:7.0f} ms  p99={p99 * 1000:7.0f} ms  "
        f"max={max(values) * 1000:7.0f} ms  p50/reference={p50 / reference:6.1f}x  "
        f"target p99<{target:.0f} s: {'met' if ok else 'MISSED'}"
    )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=20, help="idle unlinks measured for each direction")
    parser.add_argument("--in-flight", type=int, default=20, help="unlinks at once in the loaded runs")
    parser.add_argument("--rounds", type=int, default=2, help="loaded rounds for each direction")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="accountlink-bench-") as temporary:
        print("starting the system (SQLite; per platform 2 web processes, 1 worker, as accountlink up) …", flush=True)
        try:
            all_met = measure(Path(temporary), args)
        except Exception:
            log = Path(temporary) / "cluster.log"
            if log.exists():  # what the servers said, before the temporary directory goes
                print("--- the end of the servers' log ---", file=sys.stderr)
                print(log.read_text(errors="replace")[-6000:], file=sys.stderr)
            raise
    print("\nall targets met" if all_met else "\nsome targets missed")
    return 0 if all_met else 1


def measure(directory: Path, args: argparse.Namespace) -> bool:
    """Start the system in ``directory``, run every round, print the figures; True when all targets are met."""
    per_kind = args.samples + args.in_flight * args.rounds
    with running_cluster(directory, web_workers=2) as cluster:
        print(f"creating and logging in {2 * per_kind} people …", flush=True)
        people = create_people(cluster, 2 * per_kind)
        reference = min(
            reference_round_trip(f"{cluster.consumer_url}/login/"),
            reference_round_trip(f"{cluster.business_url}/login/"),
        )
        print(f"reference: one bare page round trip p50 = {reference * 1000:.1f} ms\n", flush=True)
        results: dict[tuple[str, str], list[float]] = {}
        for kind, offset in (("a", 0), ("b", per_kind)):
            pool = people[offset : offset + per_kind]
            idle = pool[: args.samples]
            results[(kind, "idle")] = run_round(cluster, idle, kind, 1)
            loaded: list[float] = []
            for number in range(args.rounds):
                start = args.samples + number * args.in_flight
                loaded += run_round(cluster, pool[start : start + args.in_flight], kind, args.in_flight)
            results[(kind, "loaded")] = loaded
        labels = {
            "a": "(a) Remove access -> business shows no link",
            "b": "(b) business Confirm -> Loop tokens inactive",
        }
        all_met = True
        for (kind, load), values in results.items():
            suffix = "idle" if load == "idle" else f"{args.in_flight} in flight"
            all_met &= report(f"{labels[kind]}, {suffix}", values, TARGETS[load], reference)
    return all_met


if __name__ == "__main__":
    raise SystemExit(main())
