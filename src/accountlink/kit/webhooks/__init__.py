"""Signed webhooks in TikTok's format (DESIGN §7): sign on one platform, verify on the other."""

from .signing import SIGNATURE_HEADER, TOLERANCE_SECONDS, sign, verify

__all__ = ["SIGNATURE_HEADER", "TOLERANCE_SECONDS", "sign", "verify"]
