"""Who may use Loop's support console (DESIGN §8; issue 5): every page and every action is for
support agents whose session passed the staff sign-in code; nobody else gets in or changes anything."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client as HttpClient
from django.urls import reverse

from accountlink.consumer.accounts import actions as account_actions
from accountlink.consumer.accounts.models import AccountStatus
from accountlink.kit.audit.models import AuditEvent
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact
from accountlink.kit.support.actions import do_open_case
from accountlink.kit.support.models import CaseKind, CaseStatus, SupportCase
from tests.staff_helpers import staff_client

pytestmark = pytest.mark.django_db

PAGES = ["loop:staff_home", "loop:staff_account", "loop:staff_case"]
ACCOUNT_ACTIONS = ["loop:staff_account_suspend", "loop:staff_account_restore"]
CASE_ACTIONS = ["loop:staff_case_evidence", "loop:staff_case_restore", "loop:staff_case_decline"]
RECOVERY_ACTIONS = ["loop:staff_case_approve"]
ACTIONS = ACCOUNT_ACTIONS + CASE_ACTIONS + RECOVERY_ACTIONS
POSTED = {"reason": "Because I can", "evidence": "Trust me", "account": "@target"}


class World:
    """An account to act on, with an open appeal and an open recovery case about it."""

    def __init__(self, make_loop_account: Any) -> None:
        self.target = make_loop_account(handle="target", email="target@example.com")
        account_actions.do_suspend_account(self.target, reason="Spam")
        self.appeal = self._case(CaseKind.APPEAL)
        self.recovery = self._case(CaseKind.RECOVERY)
        self.events = AuditEvent.objects.count()

    def _case(self, kind: CaseKind) -> SupportCase:
        return do_open_case(
            kind=kind,
            account=self.target,
            identifier="target",
            requester_name="Tara Get",
            reply_to=Contact(Channel.EMAIL, "tara@example.net"),
            message="Please help.",
            language="en",
        )

    def url(self, name: str) -> str:
        if name == "loop:staff_home":
            return reverse(name)
        if name.startswith("loop:staff_account"):
            return reverse(name, args=[self.target.pk])
        if name in RECOVERY_ACTIONS:
            return reverse(name, args=[self.recovery.pk])
        return reverse(name, args=[self.appeal.pk])

    def assert_unchanged(self) -> None:
        self.target.refresh_from_db()
        assert self.target.status == AccountStatus.SUSPENDED
        assert {case.status for case in SupportCase.objects.all()} == {CaseStatus.OPEN}
        assert {case.evidence for case in SupportCase.objects.all()} == {""}
        assert AuditEvent.objects.count() == self.events


@pytest.fixture
def world(make_loop_account: Any) -> World:
    return World(make_loop_account)


def request(browser: HttpClient, world: World, name: str) -> Any:
    if name in ACTIONS:
        return browser.post(world.url(name), POSTED)
    return browser.get(world.url(name))


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_anonymous_visitors_are_asked_to_log_in(client: HttpClient, world: World, name: str) -> None:
    response = request(client, world, name)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('loop:login')}?next={world.url(name)}"
    world.assert_unchanged()


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_account_holders_are_refused(browser: HttpClient, world: World, name: str) -> None:
    response = request(browser, world, name)
    assert response.status_code == 403
    assert "This page is for support staff only." in response.content.decode()
    world.assert_unchanged()


@pytest.mark.parametrize("name", PAGES + ACTIONS)
def test_a_staff_session_that_did_not_pass_the_code_is_logged_out(agent: Any, world: World, name: str) -> None:
    browser = staff_client(agent, second_factor=False)
    response = request(browser, world, name)
    assert response.status_code == 302 and response["Location"].startswith(reverse("loop:login"))
    assert "_auth_user_id" not in browser.session
    world.assert_unchanged()


@pytest.mark.parametrize("name", PAGES)
def test_support_agents_open_every_page(agent: Any, world: World, name: str) -> None:
    response = staff_client(agent).get(world.url(name))
    assert response.status_code == 200
    assert 'class="topbar staff-bar"' in response.content.decode()


@pytest.mark.parametrize("name", ACTIONS)
def test_support_agents_can_use_every_action(agent: Any, world: World, name: str) -> None:
    if name == "loop:staff_account_suspend":
        account_actions.do_restore_account(world.target, reason="So it can be suspended")
    if name == "loop:staff_case_approve":
        staff_client(agent).post(reverse("loop:staff_case_evidence", args=[world.recovery.pk]), {"evidence": "ID"})
    response = staff_client(agent).post(world.url(name), POSTED)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert AuditEvent.objects.filter(actor=agent).exists()


@pytest.mark.parametrize("name", ACTIONS)
def test_actions_are_posts_with_the_csrf_token(agent: Any, world: World, name: str) -> None:
    browser = staff_client(agent, csrf=True)
    assert browser.get(world.url(name)).status_code == 405
    assert browser.post(world.url(name), POSTED).status_code == 403
    world.assert_unchanged()


def test_the_pages_carry_the_csrf_token_in_every_form(agent: Any, world: World) -> None:
    browser = staff_client(agent, csrf=True)
    for url in (
        world.url("loop:staff_account"),
        world.url("loop:staff_case"),
        reverse("loop:staff_case", args=[world.recovery.pk]),
    ):
        page = browser.get(url).content.decode()
        forms = re.findall(r'<form method="post"[^>]*>(.*?)</form>', page, re.S)
        assert forms and all('name="csrfmiddlewaretoken"' in form for form in forms)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
    assert token is not None
    response = browser.post(
        reverse("loop:staff_case_evidence", args=[world.recovery.pk]), {**POSTED, "csrfmiddlewaretoken": token.group(1)}
    )
    assert response.status_code == 302


@pytest.mark.parametrize("name", [name for name in PAGES + ACTIONS if name != "loop:staff_home"])
def test_unknown_ids_are_not_found(agent: Any, world: World, name: str) -> None:
    missing = SupportCase.objects.order_by("-pk")[0].pk + world.target.pk + 1000
    url = reverse(name, args=[missing])
    browser = staff_client(agent)
    response = browser.post(url, POSTED) if name in ACTIONS else browser.get(url)
    assert response.status_code == 404
    world.assert_unchanged()


def test_a_case_form_of_the_other_kind_is_not_found(agent: Any, world: World) -> None:
    browser = staff_client(agent)
    assert browser.post(reverse("loop:staff_case_restore", args=[world.recovery.pk]), POSTED).status_code == 404
    assert browser.post(reverse("loop:staff_case_approve", args=[world.appeal.pk]), POSTED).status_code == 404
    world.assert_unchanged()
