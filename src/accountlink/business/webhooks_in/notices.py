"""Reading a notice from Loop (DESIGN §7), after its signature was checked.

``{"client_key", "event", "create_time", "user_openid", "content"}`` where ``content`` is itself a
JSON string; for ``authorization.removed`` it is ``{"reason": N}``. Anything else is
``webhook.malformed``; a notice for another app's key is ``webhook.unknown_client``.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from django.utils.crypto import constant_time_compare

from accountlink.business.conf import business_settings
from accountlink.kit.errors import CodedError, ErrorCode

AUTHORIZATION_REMOVED = "authorization.removed"
# Bounds that keep a well-formed but absurd notice out of the database columns and the date maths.
MAX_CREATE_TIME = 253402300799  # 9999-12-31T23:59:59Z
MAX_REASON = 2**31 - 1
MAX_TEXT = 64


@dataclass(frozen=True)
class Notice:
    body_sha256: str
    client_key: str
    event: str
    create_time: int
    open_id: str
    reason: int | None  # for authorization.removed


def _whole_number(value: Any, highest: int) -> int:
    """A JSON integer from 0 to ``highest`` (not a bool, a float or a string of digits)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= highest:
        raise CodedError(ErrorCode.WEBHOOK_MALFORMED)
    return value


def _storable(value: str) -> bool:
    """Text a database can hold and compare: no NUL (PostgreSQL refuses it) and no lone surrogate
    (JSON can escape one, ``"\\ud800"``, but it has no UTF-8 form)."""
    if "\x00" in value:
        return False
    try:
        value.encode()
    except UnicodeEncodeError:
        return False
    return True


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value or len(value) > MAX_TEXT or not _storable(value):
        raise CodedError(ErrorCode.WEBHOOK_MALFORMED)
    return value


def parse_notice(body: bytes) -> Notice:
    """The notice in ``body``, or ``webhook.malformed``."""
    try:
        data = json.loads(body)
    except (UnicodeDecodeError, ValueError):
        raise CodedError(ErrorCode.WEBHOOK_MALFORMED) from None
    if not isinstance(data, dict):
        raise CodedError(ErrorCode.WEBHOOK_MALFORMED)
    create_time = _whole_number(data.get("create_time"), MAX_CREATE_TIME)
    event = _text(data, "event")
    content = data.get("content")
    if not isinstance(content, str):
        raise CodedError(ErrorCode.WEBHOOK_MALFORMED)
    reason = None
    if event == AUTHORIZATION_REMOVED:
        try:
            details = json.loads(content)
        except ValueError:
            raise CodedError(ErrorCode.WEBHOOK_MALFORMED) from None
        reason = _whole_number(details.get("reason") if isinstance(details, dict) else None, MAX_REASON)
    return Notice(
        body_sha256=hashlib.sha256(body).hexdigest(),
        client_key=_text(data, "client_key"),
        event=event,
        create_time=create_time,
        open_id=_text(data, "user_openid"),
        reason=reason,
    )


def check_client(notice: Notice) -> None:
    """The notice is about our grants: it names our client key."""
    ours = business_settings.LOOP_CLIENT_KEY
    if not ours or not constant_time_compare(notice.client_key, ours):
        raise CodedError(ErrorCode.WEBHOOK_UNKNOWN_CLIENT)
