"""``TikTok-Signature: t=<ts>,s=<hex HMAC-SHA256 of "<ts>.<raw body>">`` keyed by the client secret.

The signature covers the raw body bytes exactly as sent, so the receiver verifies before parsing.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import time

from accountlink.kit.errors import CodedError, ErrorCode

SIGNATURE_HEADER = "TikTok-Signature"
TOLERANCE_SECONDS = 5 * 60
# Seconds since the epoch in ASCII digits (int() would also read "١٢٣" or " 12", which is not what
# was signed), few enough to be exact as a float: comparing with the clock neither overflows nor rounds.
_TIMESTAMP = re.compile(r"[0-9]{1,15}")
_HEX_DIGEST = re.compile(r"[0-9a-fA-F]{64}")


def _digest(secret: str, timestamp: int, body: bytes) -> str:
    return hmac.new(secret.encode(), str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def sign(secret: str, body: bytes, timestamp: int | None = None) -> str:
    """The header value for ``body`` sent at ``timestamp`` (now by default)."""
    stamp = int(time.time()) if timestamp is None else timestamp
    return f"t={stamp},s={_digest(secret, stamp, body)}"


def verify(secret: str, body: bytes, header: str | None, *, now: float | None = None) -> int:
    """Check the header against the body; return its timestamp.

    Raises ``webhook.bad_signature`` (missing, unreadable or wrong; compared in constant time) or
    ``webhook.stale_timestamp`` (more than five minutes from ``now``, either way).
    """
    parts: dict[str, str] = {}
    for item in (header or "").split(","):
        key, _sep, value = item.strip().partition("=")
        if key and value:
            parts.setdefault(key, value)
    stamp, signature = parts.get("t", ""), parts.get("s", "")
    # Checked before comparing: compare_digest refuses non-ASCII text with a TypeError.
    if not (_TIMESTAMP.fullmatch(stamp) and _HEX_DIGEST.fullmatch(signature)):
        raise CodedError(ErrorCode.WEBHOOK_BAD_SIGNATURE)
    if not secret or not hmac.compare_digest(_digest(secret, int(stamp), body), signature.lower()):
        raise CodedError(ErrorCode.WEBHOOK_BAD_SIGNATURE)
    if abs((time.time() if now is None else now) - int(stamp)) > TOLERANCE_SECONDS:
        raise CodedError(ErrorCode.WEBHOOK_STALE_TIMESTAMP)
    return int(stamp)
