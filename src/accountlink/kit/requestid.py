"""A request id for every request, on its response, in its log lines and on its calls to the other platform.

The id comes from the request's ``X-Request-ID`` when that is a short safe token (a load balancer or
the other platform made it), otherwise a new one is made. A task run by the worker gets its task's id
instead, and the web request that queued it logs that task id beside its own request id.
"""

from __future__ import annotations

import logging
import re
import uuid
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from django.http import HttpRequest, HttpResponse

HEADER = "X-Request-ID"
# Letters, digits and ``.``, ``_``, ``-``, up to 64: a UUID or a load balancer's id, never markup or a line break.
SAFE_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")

_current: ContextVar[str | None] = ContextVar("accountlink_request_id", default=None)
logger = logging.getLogger(__name__)


def current_request_id() -> str | None:
    """The id of the request (or task) being handled in this context, if any."""
    return _current.get()


def new_request_id() -> str:
    return uuid.uuid4().hex


def accepted_id(value: str | None) -> str:
    """``value`` when it is a safe short token, else a new id."""
    if value and SAFE_ID.fullmatch(value):
        return value
    return new_request_id()


def outbound_headers() -> dict[str, str]:
    """Headers for a call to the other platform, so its logs name the same request (empty outside one)."""
    request_id = current_request_id()
    return {HEADER: request_id} if request_id else {}


class RequestIdMiddleware:
    """First in the chain: every response, redirects and errors included, carries the id."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = accepted_id(request.META.get("HTTP_X_REQUEST_ID"))
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


def task_enqueued(sender: Any, task_result: Any, **kwargs: Any) -> None:
    """Say which task this request queued: the worker's log lines carry that task's id."""
    if current_request_id() is not None:
        logger.info("queued task %s (%s)", task_result.id, task_result.task.module_path)


def task_started(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _current.set(str(task_result.id))


def task_finished(sender: Any, task_result: Any, **kwargs: Any) -> None:
    _current.set(None)


def connect_task_signals() -> None:
    from django_tasks.signals import task_enqueued as enqueued
    from django_tasks.signals import task_finished as finished
    from django_tasks.signals import task_started as started

    enqueued.connect(task_enqueued, dispatch_uid="accountlink.kit.requestid.enqueued")
    started.connect(task_started, dispatch_uid="accountlink.kit.requestid.started")
    finished.connect(task_finished, dispatch_uid="accountlink.kit.requestid.finished")
