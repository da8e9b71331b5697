from __future__ import annotations

import hashlib
from typing import Any

import pytest
from cryptography.fernet import Fernet
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from accountlink.kit import crypto
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact, mask, parse_contact


@pytest.mark.parametrize(
    ("typed", "language", "expected"),
    [
        ("Sakura@Example.com ", "en", Contact(Channel.EMAIL, "sakura@example.com")),
        ("+81 90-1234-5678", "en", Contact(Channel.SMS, "+819012345678")),
        ("090-1234-5678", "ja", Contact(Channel.SMS, "+819012345678")),
        ("612 34 56 78", "es", Contact(Channel.SMS, "+34612345678")),
    ],
)
def test_parse_contact(typed: str, language: str, expected: Contact) -> None:
    assert parse_contact(typed, language) == expected


@pytest.mark.parametrize("typed", ["", "@", "a@b", "12", "+999 123", "not a phone"])
def test_parse_contact_refuses_nonsense(typed: str) -> None:
    with pytest.raises(ValidationError):
        parse_contact(typed)


def test_masking_hides_most_of_the_address() -> None:
    assert mask(Channel.EMAIL, "sakura@example.com") == "s****a@example.com"
    assert mask(Channel.EMAIL, "a@example.com") == "a*@example.com"
    assert mask(Channel.SMS, "+819012345678") == "+81 ******5678"


@given(st.text(min_size=0, max_size=200))
def test_sealing_round_trips_any_text(text: str) -> None:
    assert crypto.open_sealed(crypto.seal(text)) == text


def test_keys_rotate(settings: Any) -> None:
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ACCOUNTLINK_ENCRYPTION_KEYS = [old]
    sealed_with_old = crypto.seal("token")
    settings.ACCOUNTLINK_ENCRYPTION_KEYS = [new, old]
    assert crypto.open_sealed(sealed_with_old) == "token"
    settings.ACCOUNTLINK_ENCRYPTION_KEYS = [new]
    with pytest.raises(crypto.InvalidToken):
        crypto.open_sealed(sealed_with_old)


def test_a_sealed_secret_is_checked_by_its_digest_under_the_keys_in_force(settings: Any) -> None:
    """``digest_of_sealed`` (how client secrets are compared) keeps a digest per process, never past a
    change of keys: a value sealed with a key taken out of the list no longer opens."""
    old, new = Fernet.generate_key().decode(), Fernet.generate_key().decode()
    settings.ACCOUNTLINK_ENCRYPTION_KEYS = [old]
    sealed = crypto.seal("client-secret")
    assert crypto.digest_of_sealed(sealed) == hashlib.sha256(b"client-secret").digest()
    settings.ACCOUNTLINK_ENCRYPTION_KEYS = [new, old]
    assert crypto.digest_of_sealed(sealed) == hashlib.sha256(b"client-secret").digest()
    settings.ACCOUNTLINK_ENCRYPTION_KEYS = [new]
    with pytest.raises(crypto.InvalidToken):
        crypto.digest_of_sealed(sealed)
    with pytest.raises(crypto.InvalidToken):
        crypto.digest_of_sealed("not sealed at all")
