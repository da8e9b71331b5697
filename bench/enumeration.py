"""Do the pages that take an identifier or an address answer unknown accounts as fast as known ones?
(issue 13; DESIGN §8: no enumeration "in content and in time").

Starts the whole system on the embedded default (SQLite, the processes of ``accountlink up``), then
for each pair below posts the form alternately for a known and an unknown account, from a new
client address each time (the throttle would otherwise slow the run itself down), and prints the
median answer time of each side and their ratio against the target (within 10 %):

  Forgot password, known vs unknown address          (both platforms)
  the reset code page, wrong code, known vs unknown  (both platforms)
  log in with a wrong password, known vs unknown     (both platforms)
  sign up with a taken vs a free address             (both platforms)

    .venv/bin/python bench/enumeration.py [--samples 40]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from itertools import count
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from tests.e2e.cluster import Cluster, running_cluster
from tests.e2e.http_flows import create_people

TOLERANCE = 0.10
PAUSE = 0.3  # seconds between measured requests
addresses = count(1)


def fresh_session(url: str, cookie: str) -> tuple[requests.Session, str]:
    """A new browser from a new address (198.18.0.0/15, the benchmarking range), with its CSRF token."""
    session = requests.Session()
    number = next(addresses)
    session.headers["X-Forwarded-For"] = f"198.18.{number // 250 % 250}.{number % 250 + 1}"
    session.get(f"{url}/login/", timeout=10)
    return session, session.cookies.get(cookie) or ""


def timed_post(session: requests.Session, url: str, data: dict[str, str], token: str) -> float:
    started = time.perf_counter()
    answer = session.post(url, data={**data, "csrfmiddlewaretoken": token}, allow_redirects=False, timeout=30)
    elapsed = time.perf_counter() - started
    if answer.status_code >= 500:
        raise AssertionError(f"{url} answered {answer.status_code}")
    return elapsed


Measure = Callable[[str], float]


def forgot_password(url: str, cookie: str) -> Measure:
    def measure(identifier: str) -> float:
        session, token = fresh_session(url, cookie)
        return timed_post(session, f"{url}/password/forgot/", {"identifier": identifier}, token)

    return measure


def reset_code(url: str, cookie: str) -> Measure:
    def measure(identifier: str) -> float:
        session, token = fresh_session(url, cookie)
        session.post(
            f"{url}/password/forgot/", data={"identifier": identifier, "csrfmiddlewaretoken": token}, timeout=10
        )
        data = {"code": "000000", "new_password": "N3w-passphrase-for-bench"}
        return timed_post(session, f"{url}/password/reset/", data, token)

    return measure


def wrong_password(url: str, cookie: str) -> Measure:
    def measure(identifier: str) -> float:
        session, token = fresh_session(url, cookie)
        return timed_post(session, f"{url}/login/", {"identifier": identifier, "password": "wrong-passphrase"}, token)

    return measure


def sign_up(url: str, cookie: str, loop: bool) -> Measure:
    def measure(address: str) -> float:
        session, token = fresh_session(url, cookie)
        data = {"contact": address, "password": "A-long-enough-passphrase-9", "display_name": "Bench"}
        if loop:
            data |= {"handle": f"b{uuid.uuid4().hex[:12]}", "birth_date": "1990-01-01"}
        return timed_post(session, f"{url}/signup/", data, token)

    return measure


def compare(label: str, measure: Measure, known: list[str], unknown: list[str]) -> bool:
    measure(known[0]), measure(unknown[0])  # warm up both paths
    known_times, unknown_times = [], []
    for known_one, unknown_one in zip(known[1:], unknown[1:], strict=True):
        # In random order, each after the worker has caught up with the one before: a request that
        # queues work (Forgot password) must not be measured by the load it leaves to the next one.
        for times, value in random.sample([(known_times, known_one), (unknown_times, unknown_one)], 2):
            time.sleep(PAUSE)
            times.append(measure(value))
    known_median, unknown_median = statistics.median(known_times), statistics.median(unknown_times)
    ratio = unknown_median / known_median
    met = abs(ratio - 1) <= TOLERANCE
    print(
        f"{label:<52} known {known_median * 1000:7.1f} ms   unknown {unknown_median * 1000:7.1f} ms   "
        f"ratio {ratio:5.2f}   {'met' if met else 'MISSED'}",
        flush=True,
    )
    return met


def measure_all(cluster: Cluster, samples: int) -> bool:
    people = create_people(cluster, samples + 1)
    unknown = [f"nobody-{uuid.uuid4().hex[:10]}@example.com" for _ in people]
    all_met = True
    for name, url, cookie, known in (
        ("Loop", cluster.consumer_url, "loop_csrftoken", [person.loop_email for person in people]),
        ("Loop for Business", cluster.business_url, "lfb_csrftoken", [person.business_email for person in people]),
    ):
        all_met &= compare(f"{name}: Forgot password", forgot_password(url, cookie), known, unknown)
        all_met &= compare(f"{name}: reset code page, wrong code", reset_code(url, cookie), known, unknown)
        all_met &= compare(f"{name}: log in, wrong password", wrong_password(url, cookie), known, unknown)
        free = [f"new-{uuid.uuid4().hex[:10]}@example.com" for _ in people]
        all_met &= compare(f"{name}: sign up, taken vs free address", sign_up(url, cookie, name == "Loop"), known, free)
    return all_met


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, default=40, help="requests measured on each side of each pair")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="accountlink-bench-") as temporary:
        print("starting the system (SQLite, as accountlink up) …", flush=True)
        with running_cluster(Path(temporary), extra_env={"ACCOUNTLINK_TRUSTED_PROXY_COUNT": "1"}) as cluster:
            all_met = measure_all(cluster, args.samples)
    print("\nall within 10 %" if all_met else "\nsome pairs differ by more than 10 %")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
