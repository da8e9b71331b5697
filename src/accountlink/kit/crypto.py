"""Sealing secrets at rest (verification codes waiting in the task queue, OAuth tokens).

Fernet (AES-128-CBC + HMAC-SHA256) from ``cryptography``, with a MultiFernet so keys rotate: the
first key of ``ACCOUNTLINK_ENCRYPTION_KEYS`` seals, every key opens. In demo mode a key is derived
from the platform's secret key.
"""

from __future__ import annotations

import base64
import hashlib
from functools import cache, lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings

from accountlink.kit.conf import platform_settings

__all__ = ["InvalidToken", "digest_of_sealed", "open_sealed", "seal"]


@cache
def _fernet(keys: tuple[str, ...], secret_key: str) -> MultiFernet:
    if not keys:
        derived = base64.urlsafe_b64encode(hashlib.sha256(b"accountlink.crypto:" + secret_key.encode()).digest())
        keys = (derived.decode(),)
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(platform_settings.ENCRYPTION_KEYS), settings.SECRET_KEY)


def seal(plaintext: str) -> str:
    return _current().encrypt(plaintext.encode()).decode()


def open_sealed(token: str) -> str:
    return _current().decrypt(token.encode()).decode()


def digest_of_sealed(token: str) -> bytes:
    """The SHA-256 of the secret sealed in ``token`` (raises ``InvalidToken``), kept by the process: a
    secret checked on every request (an OAuth client's) is compared by digest, without opening it
    each time and without keeping it open."""
    return _digest_of_sealed(token, _current())


@lru_cache(maxsize=256)
def _digest_of_sealed(token: str, fernet: MultiFernet) -> bytes:
    return hashlib.sha256(fernet.decrypt(token.encode())).digest()
