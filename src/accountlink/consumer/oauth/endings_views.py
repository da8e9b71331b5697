"""``POST /v2/oauth/grant_endings/``: the app permissions of one app that ended, oldest first.

A Loop addition to TikTok's endpoints (docs/oauth.md), for an app that must not miss an
``authorization.removed`` webhook: it reads this log from where it stopped, instead of asking
about every link it holds (issue 18). The app authenticates as at introspection (``client_key`` and
``client_secret`` in the form, or HTTP Basic), and sees only its own endings.

Parameters:

- ``since`` (optional): a Unix time in seconds; endings at or after it. Readers ask again from a
  little before where they stopped: an ending whose transaction committed late is not skipped, and
  reading one twice is harmless (ending a link that has ended already does nothing).
- ``cursor`` (optional): from the previous page's answer, to read on within one ``since``.
- ``limit`` (optional): at most this many, 1 to 500 (the default).

The answer: ``{"endings": [{"open_id", "reason", "ended_at"}, ...], "cursor": "...", "has_more": bool}``;
``reason`` is the webhook's ``content.reason`` and ``ended_at`` a Unix time in seconds (float, to the
microsecond). Errors are in the OAuth envelope, as at the other endpoints.
"""

from __future__ import annotations

from datetime import UTC, datetime

from django.db.models import Q
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from . import credentials
from .api_views import malformed_request, oauth_error, post_only, throttle_client_secrets
from .backends import refuse_unreadable
from .models import GrantEnding
from .wire import NO_STORE

PAGE = 500
# 10,000 years after 1970: a later time is no time (and would not fit in a datetime).
LATEST = 253_402_300_799


def _number(text: str, *, default: float, low: float, high: float) -> float | None:
    """``text`` as a number within [low, high], ``default`` when empty, None when it is not one."""
    if not text:
        return default
    try:
        value = float(text)
    except ValueError:
        return None
    return value if low <= value <= high else None


NO_CURSOR = (datetime.min.replace(tzinfo=UTC), 0)


def _cursor(text: str) -> tuple[datetime, int] | None:
    """The (ended_at, id) a previous page stopped at (``NO_CURSOR`` for none); None when unreadable."""
    if not text:
        return NO_CURSOR
    moment, _, identifier = text.partition(":")
    if not moment.isdecimal() or not identifier.isdecimal() or len(moment) > 20 or len(identifier) > 19:
        return None
    microseconds = int(moment)
    if microseconds > LATEST * 1_000_000:
        return None
    return datetime.fromtimestamp(microseconds / 1_000_000, UTC), int(identifier)


def _as_cursor(ending: GrantEnding) -> str:
    return f"{round(ending.ended_at.timestamp() * 1_000_000)}:{ending.pk}"


@csrf_exempt
@post_only
@refuse_unreadable(malformed_request)
@throttle_client_secrets
def grant_endings(request: HttpRequest) -> HttpResponse:
    client = credentials.authenticate_client(request)
    if client is None:
        return oauth_error("invalid_client", "Client authentication failed.", 401)
    since = _number(request.POST.get("since", ""), default=0, low=0, high=LATEST)
    limit = _number(request.POST.get("limit", ""), default=PAGE, low=1, high=PAGE)
    cursor = _cursor(request.POST.get("cursor", ""))
    if since is None:
        return oauth_error("invalid_request", "since must be a Unix time in seconds.")
    if limit is None or limit != int(limit):
        return oauth_error("invalid_request", f"limit must be a whole number from 1 to {PAGE}.")
    if cursor is None:
        return oauth_error("invalid_request", "cursor must be one this endpoint gave.")
    endings = GrantEnding.objects.filter(client=client, ended_at__gte=datetime.fromtimestamp(since, UTC))
    if cursor != NO_CURSOR:
        moment, identifier = cursor
        endings = endings.filter(Q(ended_at__gt=moment) | Q(ended_at=moment, pk__gt=identifier))
    page = list(endings.order_by("ended_at", "pk")[: int(limit) + 1])
    more = len(page) > limit
    page = page[: int(limit)]
    body = {
        "endings": [
            {"open_id": ending.open_id, "reason": ending.reason, "ended_at": ending.ended_at.timestamp()}
            for ending in page
        ],
        "cursor": _as_cursor(page[-1]) if page else request.POST.get("cursor", ""),
        "has_more": more,
    }
    return JsonResponse(body, headers=NO_STORE)
