"""``GET /v2/user/info/`` (TikTok's Get User Info) and the pages its fields link to: the avatar images
and the holder's profile (``profile_deep_link``).

User info answers in TikTok's v2 API envelope, errors included:
``{"data": {...}, "error": {"code": "ok" | "access_token_invalid" | …, "message": …, "log_id": …}}``
with the codes and statuses of TikTok's "API v2 error codes" page.
"""

from __future__ import annotations

import functools
import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any
from urllib.parse import quote

from django.conf import settings
from django.core.cache import caches
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import get_script_prefix, reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.html import escape
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET

from . import credentials
from .backends import refuse_unreadable
from .models import AppPermission, ClientOpenId
from .scopes import PROFILE, SCOPE_OF_FIELD, parse_scopes
from .wire import NO_STORE, log_id

AVATAR_SIZES = {"avatar_url": 96, "avatar_url_100": 100, "avatar_large_url": 720}


def api_answer(data: dict[str, Any], code: str = "ok", message: str = "", status: int = 200) -> JsonResponse:
    body = {"data": data, "error": {"code": code, "message": message, "log_id": log_id()}}
    return JsonResponse(body, status=status, headers=NO_STORE)


def api_error(code: str, message: str, status: int) -> JsonResponse:
    return api_answer({}, code, message, status)


def _unreadable(request: HttpRequest) -> JsonResponse:
    return api_error("invalid_params", "A parameter is too large or holds a character that is not allowed.", 400)


def get_only(view: Callable[[HttpRequest], HttpResponse]) -> Callable[[HttpRequest], HttpResponse]:
    """A method other than GET is answered in the envelope too (405, ``Allow: GET``)."""

    @wraps(view)
    def checked(request: HttpRequest) -> HttpResponse:
        if request.method != "GET":
            refusal = api_error("invalid_params", "This endpoint takes GET.", 405)
            refusal["Allow"] = "GET"
            return refusal
        return view(request)

    return checked


def union_id_of(account_id: int) -> str:
    return salted_hmac("accountlink.union_id", str(account_id), algorithm="sha256").hexdigest()[:32]


def _bearer(request: HttpRequest) -> credentials.Bearer | JsonResponse:
    """The valid access token the request carries (``Authorization: Bearer …``), or the 401 that refuses it."""
    header = request.META.get("HTTP_AUTHORIZATION", "")
    value = header[7:].strip() if header.startswith("Bearer ") else ""
    if not value:
        return api_error("access_token_invalid", "A bearer access token is required in the Authorization header.", 401)
    found = credentials.bearer(value)
    if found is None:
        return api_error("access_token_invalid", "The access token is invalid, expired or revoked.", 401)
    return found


def _seconds_over_rate_limit(client_id: int) -> int:
    """Count this request against the app's minute; the seconds until the next minute when it is over.

    The count lives in the cache, never the database: a limit on reading a profile is not worth a
    write per request (SQLite's one writer). With Redis every process shares it; without, each web
    process counts its own minute."""
    now = int(timezone.now().timestamp())
    count = _one_more(f"user_info:{client_id}:{now // 60}")
    return 60 - now % 60 if count > settings.ACCOUNTLINK_USER_INFO_REQUESTS_PER_MINUTE else 0


def _one_more(minute: str) -> int:
    """The minute's count after this request: one cache operation once the minute has begun. The count
    lives two minutes, so it cannot expire within its minute."""
    cache = caches["default"]
    try:
        return int(cache.incr(minute))
    except ValueError:  # the minute's first request
        cache.add(minute, 0, 120)
    try:
        return int(cache.incr(minute))
    except ValueError:  # the cache dropped it meanwhile (culled for room)
        return 1


def _refusal_of_fields(asked: list[str], granted: list[str]) -> JsonResponse | None:
    """``fields`` is required; each one must be a field TikTok documents, under a scope the holder granted."""
    if not asked:
        return api_error("invalid_params", "The fields parameter is required, e.g. fields=open_id,display_name.", 400)
    unknown = [field for field in asked if field not in SCOPE_OF_FIELD]
    if unknown:
        return api_error("invalid_params", f"Unknown fields: {', '.join(unknown)}.", 400)
    missed = [field for field in asked if SCOPE_OF_FIELD[field] not in granted]
    if missed:
        scopes = sorted({SCOPE_OF_FIELD[field] for field in missed})
        message = f"These fields need scopes the user did not grant ({', '.join(scopes)}): {', '.join(missed)}."
        return api_error("scope_permission_missed", message, 401)
    return None


# The fields that need nothing but the token's row; the avatars and the profile link are pages (below).
_PLAIN_FIELDS: dict[str, Callable[[credentials.Bearer], Any]] = {
    "open_id": lambda holder: holder.open_id,
    "union_id": lambda holder: union_id_of(holder.account_id),
    "display_name": lambda holder: holder.display_name,
    "bio_description": lambda holder: "",  # Loop accounts have no bio
    "is_verified": lambda holder: False,  # Loop gives no verified badges
    "username": lambda holder: holder.handle,
}


_OPEN_ID_SLOT = "open-id-slot"


@functools.lru_cache(maxsize=16)
def _path_around_open_id(name: str, script_prefix: str) -> tuple[str, str]:
    """The path of the page ``name`` before and after its open_id, reversed once per script prefix:
    ``reverse()`` costs more than the rest of a field's value."""
    before, _slot, after = reverse(name, args=[_OPEN_ID_SLOT]).partition(_OPEN_ID_SLOT)
    return before, after


def page_url(request: HttpRequest, name: str, open_id: str) -> str:
    """The absolute URL of the avatar or profile page (``name``) of an open_id; what
    ``request.build_absolute_uri(reverse(name, args=[open_id]))`` gives."""
    before, after = _path_around_open_id(name, get_script_prefix())
    return request.build_absolute_uri(f"{before}{quote(open_id, safe='')}{after}")


def _field_values(request: HttpRequest, holder: credentials.Bearer, asked: list[str]) -> dict[str, Any]:
    """The value of each field asked for, and of no other."""
    values: dict[str, Any] = {}
    avatar = ""
    for field in asked:
        if field in AVATAR_SIZES:
            avatar = avatar or page_url(request, "oauth:avatar", holder.open_id)
            size = AVATAR_SIZES[field]
            values[field] = avatar if size == 96 else f"{avatar}?size={size}"
        elif field == "profile_deep_link":
            values[field] = page_url(request, "oauth:profile", holder.open_id)
        else:
            values[field] = _PLAIN_FIELDS[field](holder)
    return values


@csrf_exempt
@get_only
@refuse_unreadable(_unreadable)
def user_info(request: HttpRequest) -> HttpResponse:
    """``GET /v2/user/info/?fields=…`` with a bearer token: the fields asked for, or TikTok's error."""
    holder = _bearer(request)
    if isinstance(holder, JsonResponse):
        return holder
    wait = _seconds_over_rate_limit(holder.client_id)
    if wait:
        refusal = api_error("rate_limit_exceeded", "The API rate limit was exceeded. Please try again later.", 429)
        refusal["Retry-After"] = str(wait)
        return refusal
    asked = list(dict.fromkeys(part.strip() for part in request.GET.get("fields", "").split(",") if part.strip()))
    refused = _refusal_of_fields(asked, parse_scopes(holder.scope))
    if refused is not None:
        return refused
    return api_answer({"user": _field_values(request, holder, asked)})


# -- the pages user info links to ----------------------------------------------------------------

_AVATAR_COLOURS = ["#fe2c55", "#25f4ee", "#7a5cff", "#ff9f1c", "#2ec4b6", "#e71d36", "#3a86ff", "#8338ec"]


def _no_page(request: HttpRequest) -> HttpResponse:
    raise Http404


def _avatar_size(request: HttpRequest) -> int:
    size = request.GET.get("size", "")
    if size.isascii() and size.isdigit() and len(size) <= 4 and 16 <= int(size) <= 1080:
        return int(size)
    return 96


@require_GET
@refuse_unreadable(_no_page)
def avatar(request: HttpRequest, open_id: str) -> HttpResponse:
    """A generated avatar (initials on a colour) for the account behind an open_id, ``size`` pixels square."""
    row = get_object_or_404(ClientOpenId.objects.select_related("account"), value=open_id)
    name = row.account.display_name.strip() or row.account.handle
    initials = "".join(part[0] for part in name.split()[:2]).upper() or "?"
    colour = _AVATAR_COLOURS[int(hashlib.sha256(row.account.handle.encode()).hexdigest(), 16) % len(_AVATAR_COLOURS)]
    size = _avatar_size(request)
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{size}" height="{size}" viewBox="0 0 96 96">'
        f'<circle cx="48" cy="48" r="48" fill="{colour}"/>'
        '<text x="48" y="60" font-family="sans-serif" font-size="36" font-weight="700" '
        f'fill="#fff" text-anchor="middle">{escape(initials)}</text></svg>'
    )
    response = HttpResponse(svg, content_type="image/svg+xml")
    response["Cache-Control"] = "public, max-age=3600"
    return response


@require_GET
@refuse_unreadable(_no_page)
def profile(request: HttpRequest, open_id: str) -> HttpResponse:
    """``profile_deep_link``: the holder's public profile (name, username, avatar), there while the app
    that knows this open_id has the profile scope. Found by open_id, never by handle, so it tells no one
    which usernames exist."""
    row = get_object_or_404(ClientOpenId.objects.select_related("account"), value=open_id)
    permission = AppPermission.objects.filter(account=row.account, client_id=row.client_id).first()
    if permission is None or PROFILE not in permission.scope_list() or not row.account.is_active:
        raise Http404
    return render(request, "loop/public_profile.html", {"profile": row.account, "open_id": open_id})
