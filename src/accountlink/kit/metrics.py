"""Prometheus metrics (prometheus-client), added up over every process of a platform.

Off unless ``ACCOUNTLINK_METRICS``: then nothing is counted and /metrics is not found. When on, each
process (every gunicorn worker, the task worker, the scheduler) writes its counts to its own file in
the platform's metrics directory (prometheus-client's multiprocess mode), and /metrics adds them up,
so a count does not depend on which worker answers the scrape. The backlog of outbound calls is
read from the database at each scrape, from the sources given to ``register_backlog``.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.utils.module_loading import import_string

from accountlink.kit.conf import platform_settings

BacklogSource = Callable[[], list[tuple[str, int, float | None]]]

logger = logging.getLogger(__name__)
_backlog_sources: list[BacklogSource] = []
_instruments: Instruments | None = None
_lock = threading.Lock()


def enabled() -> bool:
    return platform_settings.METRICS


def metrics_dir() -> Path:
    return platform_settings.METRICS_DIR


class Instruments:
    """The counters and histograms, made once per process when metrics are first used."""

    def __init__(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        # prometheus-client picks multiprocess mode when it is first imported, from this variable.
        os.environ.setdefault("PROMETHEUS_MULTIPROC_DIR", str(directory))
        from prometheus_client import CollectorRegistry, Counter, Histogram, values

        self.directory = Path(os.environ["PROMETHEUS_MULTIPROC_DIR"])
        self.multiprocess = bool(getattr(values.ValueClass, "_multiprocess", False))
        self.registry = CollectorRegistry()  # this process's own counts, served when not in multiprocess mode
        self.registry.register(BacklogCollector())

        def counter(name: str, help_text: str, labels: list[str]) -> Any:
            return Counter(name, help_text, labels, registry=self.registry)

        self.requests = counter(
            "accountlink_http_requests", "Requests answered, by view and status class", ["view", "status"]
        )
        self.request_seconds = Histogram(
            "accountlink_http_request_duration_seconds", "Time to answer, by view", ["view"], registry=self.registry
        )
        self.logins = counter("accountlink_logins", "Password logins and failed attempts", ["outcome"])
        self.codes_sent = counter("accountlink_codes_sent", "Verification codes sent", ["purpose", "channel"])
        self.throttled = counter("accountlink_throttled", "Guesses refused by the throttle, by door", ["door"])
        self.link_events = counter(
            "accountlink_link_events",
            "Links made and ended (link.created, link.removed, oauth.access_removed)",
            ["event"],
        )
        self.outbound_calls = counter(
            "accountlink_outbound_calls", "Calls to the other platform, by kind and outcome", ["kind", "outcome"]
        )
        self.outbound_seconds = Histogram(
            "accountlink_outbound_call_duration_seconds",
            "Duration of calls to the other platform",
            ["kind"],
            registry=self.registry,
        )


def instruments() -> Instruments | None:
    """The instruments when metrics are on (made on first use), else ``None``."""
    global _instruments
    if not enabled():
        return None
    if _instruments is None:
        with _lock:
            if _instruments is None:
                _instruments = Instruments(metrics_dir())
    return _instruments


# -- what the rest of the code records -------------------------------------------------------------


def observe_request(view: str, status: int, seconds: float) -> None:
    if (found := instruments()) is not None:
        found.requests.labels(view=view, status=f"{status // 100}xx").inc()
        found.request_seconds.labels(view=view).observe(seconds)


def record_login(*, succeeded: bool) -> None:
    if (found := instruments()) is not None:
        found.logins.labels(outcome="succeeded" if succeeded else "failed").inc()


def record_throttled(door: str) -> None:
    if (found := instruments()) is not None:
        found.throttled.labels(door=door).inc()


def record_outbound_call(kind: str, outcome: str, seconds: float) -> None:
    """One call to the other platform (``kind``: revocation, webhook, …; ``outcome``: ok, failed, …)."""
    if (found := instruments()) is not None:
        found.outbound_calls.labels(kind=kind, outcome=outcome).inc()
        found.outbound_seconds.labels(kind=kind).observe(seconds)


LINK_EVENTS = {"link.created", "link.removed", "oauth.access_removed"}


def record_audit_event(kind: str, data: dict[str, Any]) -> None:
    """An audit event was committed (kit.audit.record): count the kinds that are metrics."""
    if (found := instruments()) is None:
        return
    if kind == "code.sent":
        found.codes_sent.labels(purpose=str(data.get("purpose", "")), channel=str(data.get("channel", ""))).inc()
    elif kind in LINK_EVENTS:
        found.link_events.labels(event=kind).inc()


def on_user_logged_in(sender: Any, **kwargs: Any) -> None:
    record_login(succeeded=True)


def on_user_login_failed(sender: Any, **kwargs: Any) -> None:
    record_login(succeeded=False)


class RequestMetricsMiddleware:
    """Counts every answer by view name (``unmatched`` for static files and unknown paths) and status class."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not enabled():
            return self.get_response(request)
        started = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        observe_request(match.view_name if match else "unmatched", response.status_code, time.perf_counter() - started)
        return response


# -- the backlog of outbound calls ------------------------------------------------------------------


def register_backlog(source: BacklogSource) -> None:
    """Add a source of (kind, pending calls, age in seconds of the oldest pending call or ``None``)."""
    if source not in _backlog_sources:
        _backlog_sources.append(source)


def register_configured_backlogs() -> None:
    """The sources named by ``ACCOUNTLINK_BACKLOG_SOURCES`` (called when the kit app is ready)."""
    for path in platform_settings.BACKLOG_SOURCES:
        register_backlog(import_string(path))


def backlog() -> list[tuple[str, int, float | None]]:
    """Every registered source's rows, in registration order. Raises ``DatabaseError`` when a source does."""
    return [row for source in _backlog_sources for row in source()]


class BacklogCollector:
    """Gauges read at scrape time: pending calls and the age of the oldest, per kind."""

    def collect(self) -> Any:
        from prometheus_client.core import GaugeMetricFamily

        pending = GaugeMetricFamily(
            "accountlink_outbound_backlog", "Calls waiting to be made, by kind", labels=["kind"]
        )
        oldest = GaugeMetricFamily(
            "accountlink_outbound_oldest_pending_seconds", "Age of the oldest waiting call, by kind", labels=["kind"]
        )
        try:
            rows = backlog()
        except DatabaseError:
            logger.warning("metrics: the backlog could not be read")
            rows = []
        for kind, count, age in rows:
            pending.add_metric([kind], count)
            oldest.add_metric([kind], age or 0.0)
        yield pending
        yield oldest


def exposition() -> tuple[bytes, str]:
    """The text format of every process's counts added up, and its content type (metrics must be on)."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    found = instruments()
    assert found is not None, "metrics are off"
    if not found.multiprocess:
        return generate_latest(found.registry), CONTENT_TYPE_LATEST
    registry = CollectorRegistry()
    MultiProcessCollector(registry, path=str(found.directory))
    registry.register(BacklogCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST
