"""TikTok-Signature: what one platform signs, the other verifies; anything else is refused."""

from __future__ import annotations

import random

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.retry import MAX_DELAY_SECONDS, next_delay
from accountlink.kit.webhooks import sign, verify

SECRET = "client-secret-of-the-app"
BODY = b'{"client_key":"k","event":"authorization.removed","create_time":1700000000,"user_openid":"o","content":"{\\"reason\\": 1}"}'


def refusal(body: bytes, header: str | None, *, secret: str = SECRET, now: float = 1_700_000_000) -> ErrorCode:
    with pytest.raises(CodedError) as caught:
        verify(secret, body, header, now=now)
    return caught.value.code


def test_a_signature_made_with_the_secret_verifies_and_gives_its_timestamp() -> None:
    header = sign(SECRET, BODY, timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,s=")
    assert verify(SECRET, BODY, header, now=1_700_000_100) == 1_700_000_000


def test_the_signature_is_hmac_sha256_of_timestamp_dot_raw_body() -> None:
    import hashlib
    import hmac

    expected = hmac.new(SECRET.encode(), b"1700000000." + BODY, hashlib.sha256).hexdigest()
    assert sign(SECRET, BODY, timestamp=1_700_000_000) == f"t=1700000000,s={expected}"


def test_a_changed_body_another_secret_or_no_header_is_a_bad_signature() -> None:
    header = sign(SECRET, BODY, timestamp=1_700_000_000)
    assert refusal(BODY.replace(b"1}", b"2}"), header) == ErrorCode.WEBHOOK_BAD_SIGNATURE
    assert refusal(BODY, header, secret="another-secret") == ErrorCode.WEBHOOK_BAD_SIGNATURE
    assert refusal(BODY, None) == ErrorCode.WEBHOOK_BAD_SIGNATURE
    assert refusal(BODY, "t=abc,s=00") == ErrorCode.WEBHOOK_BAD_SIGNATURE
    assert refusal(BODY, "s=" + header.split("s=")[1]) == ErrorCode.WEBHOOK_BAD_SIGNATURE
    assert refusal(BODY, header, secret="") == ErrorCode.WEBHOOK_BAD_SIGNATURE


def test_a_timestamp_more_than_five_minutes_off_either_way_is_refused() -> None:
    header = sign(SECRET, BODY, timestamp=1_700_000_000)
    assert verify(SECRET, BODY, header, now=1_700_000_300) == 1_700_000_000
    assert refusal(BODY, header, now=1_700_000_301) == ErrorCode.WEBHOOK_STALE_TIMESTAMP
    assert refusal(BODY, header, now=1_699_999_699) == ErrorCode.WEBHOOK_STALE_TIMESTAMP


@pytest.mark.parametrize("signature", ["\xff", "é" * 64, "０" * 64, "g" * 64, "ab", "", " " + "0" * 64])
def test_a_signature_that_is_not_64_hex_digits_is_a_bad_signature_not_a_crash(signature: str) -> None:
    """``hmac.compare_digest`` raises TypeError for non-ASCII text, so the form is checked first."""
    assert refusal(BODY, f"t=1700000000,s={signature}") == ErrorCode.WEBHOOK_BAD_SIGNATURE


@pytest.mark.parametrize(
    "stamp", ["١٧٠٠٠٠٠٠٠٠", "１７００００００００", "+1700000000", "1_700_000_000", "-1", "9" * 5000]
)
def test_a_timestamp_that_is_not_plain_ascii_digits_is_a_bad_signature(stamp: str) -> None:
    """int() reads all of these; none is what a signer writes, and 5000 digits overflow a float."""
    digest = sign(SECRET, BODY, timestamp=1_700_000_000).split(",s=")[1]
    assert refusal(BODY, f"t={stamp},s={digest}") == ErrorCode.WEBHOOK_BAD_SIGNATURE


def test_a_timestamp_too_long_for_the_clock_is_refused_even_when_signed() -> None:
    huge = 10**400
    assert refusal(BODY, sign(SECRET, BODY, timestamp=huge)) == ErrorCode.WEBHOOK_BAD_SIGNATURE
    far = 10**15 - 1  # still a number the clock can be compared with: only too far off
    assert refusal(BODY, sign(SECRET, BODY, timestamp=far)) == ErrorCode.WEBHOOK_STALE_TIMESTAMP


@given(st.binary(max_size=300), st.integers(min_value=0, max_value=2**40))
def test_any_body_round_trips(body: bytes, stamp: int) -> None:
    assert verify(SECRET, body, sign(SECRET, body, timestamp=stamp), now=stamp) == stamp


def test_retry_delays_grow_exponentially_with_jitter_up_to_an_hour() -> None:
    rng = random.Random(4)
    first = [next_delay(n, rng=rng).total_seconds() for n in range(1, 6)]
    for attempt, delay in enumerate(first, start=1):
        assert 2 ** (attempt - 1) * 0.5 <= delay < 2 ** (attempt - 1)
    assert all(next_delay(40, rng=rng).total_seconds() <= MAX_DELAY_SECONDS for _ in range(50))
    assert len({round(next_delay(10, rng=rng).total_seconds(), 3) for _ in range(20)}) > 1  # spread out
