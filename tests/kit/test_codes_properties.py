"""Property-based test of verification codes: any sequence of requests, tries and waiting behaves
like a simple model of DESIGN §8 (Hypothesis state machine against the real database)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import transaction
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from accountlink.kit.codes.actions import issue_code, redeem_code
from accountlink.kit.codes.models import Channel, VerificationCode
from accountlink.kit.errors import CodedError, ErrorCode

pytestmark = pytest.mark.django_db(transaction=True)

DESTINATIONS = ["a@example.com", "b@example.com"]
PURPOSE = "property"


@dataclass
class ModelCode:
    destination: str
    code: str
    created: datetime
    attempts: int = 0
    used: bool = False
    void: bool = False


def test_codes_follow_the_rules_for_any_sequence(loop_account: Any) -> None:
    class Codes(RuleBasedStateMachine):
        def __init__(self) -> None:
            super().__init__()
            VerificationCode.objects.all().delete()
            self.clock = time_machine.travel(datetime(2026, 1, 1, 12, 0, tzinfo=None), tick=False)
            self.traveller = self.clock.start()
            self.now = datetime(2026, 1, 1, 12, 0)
            self.codes: list[ModelCode] = []

        def teardown(self) -> None:
            self.clock.stop()

        def active(self, destination: str) -> ModelCode | None:
            candidates = [c for c in self.codes if c.destination == destination and not c.used and not c.void]
            return candidates[-1] if candidates else None

        @rule(destination=st.sampled_from(DESTINATIONS))
        def ask_for_a_code(self, destination: str) -> None:
            hour_ago = self.now - timedelta(hours=1)
            same = [c for c in self.codes if c.destination == destination]
            expected: ErrorCode | None = None
            if same and self.now - same[-1].created < timedelta(seconds=60):
                expected = ErrorCode.CODE_RESEND_TOO_SOON
            elif sum(c.created >= hour_ago for c in self.codes) >= 10 or sum(c.created >= hour_ago for c in same) >= 5:
                expected = ErrorCode.CODE_RATE_LIMITED
            try:
                with transaction.atomic():
                    code = issue_code(loop_account, purpose=PURPOSE, channel=Channel.EMAIL, destination=destination)
            except CodedError as error:
                assert error.code == expected
                return
            assert expected is None
            for old in self.codes:
                if not old.used:
                    old.void = True
            self.codes.append(ModelCode(destination, code, self.now))

        @rule(destination=st.sampled_from(DESTINATIONS), right=st.booleans())
        def enter_a_code(self, destination: str, right: bool) -> None:
            current = self.active(destination)
            typed = (
                current.code
                if current and right
                else "000000"
                if not current
                else f"{(int(current.code) + 1) % 10**6:06d}"
            )
            expected: ErrorCode | None
            if current is None:
                expected = ErrorCode.CODE_INVALID
            elif self.now - current.created >= timedelta(minutes=10):
                expected = ErrorCode.CODE_EXPIRED
            elif current.attempts >= 5:
                expected = ErrorCode.CODE_TOO_MANY_ATTEMPTS
            elif right:
                expected = None
            else:
                current.attempts += 1
                current.void = current.attempts >= 5
                expected = ErrorCode.CODE_TOO_MANY_ATTEMPTS if current.void else ErrorCode.CODE_INVALID
            try:
                redeem_code(loop_account, purpose=PURPOSE, destination=destination, code=typed, then=lambda row: None)
            except CodedError as error:
                assert error.code == expected
                return
            assert expected is None and current is not None
            current.used = True

        @rule(seconds=st.sampled_from([5, 59, 61, 300, 601, 3601]))
        def wait(self, seconds: int) -> None:
            self.traveller.shift(timedelta(seconds=seconds))
            self.now += timedelta(seconds=seconds)

        @invariant()
        def at_most_one_usable_code_per_purpose(self) -> None:
            usable = VerificationCode.objects.filter(account=loop_account, consumed_at=None, voided_at=None)
            assert usable.count() <= 1
            assert all(row.attempts <= 5 for row in VerificationCode.objects.all())

    run_state_machine_as_test(
        Codes,
        settings=settings(
            max_examples=40, stateful_step_count=25, deadline=None, suppress_health_check=list(HealthCheck)
        ),
    )
