"""Who may open each staff console page and press each staff button (DESIGN §8; issue 5).

Every console address and every POST action is tried by every kind of visitor: anonymous visitors
are sent to log in, account holders get 403, a staff session that never passed the sign-in code is
logged out and sent to log in, support agents and account managers reach only their own sections,
and a manager sees only the accounts they manage (any other is 404, as are unknown ids). A refused
request changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.test import Client as HttpClient
from django.urls import reverse
from django.utils import timezone

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact
from accountlink.kit.support import actions as support_actions
from accountlink.kit.support.models import CaseKind, CaseStatus, RecoveryLink, SupportCase
from tests.business.fake_loop import FakeLoop
from tests.business.pages import link_in_new_browser
from tests.staff_helpers import staff_client

pytestmark = pytest.mark.django_db

UNKNOWN_IDS = [987654, 10**22]  # the second is beyond the database's integers


@dataclass(frozen=True)
class Route:
    name: str
    method: str
    role: str  # "support" or "managed": the section, and so the role, it belongs to
    target: str | None = None  # what the id in the address is: "account", "case", "managed"

    def __str__(self) -> str:
        return f"{self.method} {self.name}"


ROUTES = [
    Route("staff_home", "GET", "support"),
    Route("staff_account", "GET", "support", "account"),
    Route("staff_case", "GET", "support", "case"),
    Route("staff_case_evidence", "POST", "support", "case"),
    Route("staff_case_approve", "POST", "support", "case"),
    Route("staff_case_decline", "POST", "support", "case"),
    Route("staff_managed", "GET", "managed"),
    Route("staff_managed_account", "GET", "managed", "managed"),
    Route("staff_managed_unlink", "POST", "managed", "managed"),
]
WITH_ID = [route for route in ROUTES if route.target]
MANAGED_ROUTES = [route for route in ROUTES if route.target == "managed"]


@dataclass
class World:
    agent: BusinessAccount
    manager: BusinessAccount
    holder: BusinessAccount
    managed: BusinessAccount  # managed by ``manager``, linked to a Loop account
    theirs: BusinessAccount  # managed by another manager, linked
    self_managed: BusinessAccount  # nobody's, linked
    case: SupportCase  # open, with evidence: approving it would work

    def ids(self, route: Route) -> list[Any]:
        if route.target == "case":
            return [self.case.pk]
        if route.target == "account":
            return [self.holder.pk]
        if route.target == "managed":
            return [self.managed.pk]
        return []

    def url(self, route: Route, *ids: Any) -> str:
        return reverse(f"business:{route.name}", args=list(ids) or self.ids(route))

    def data(self, route: Route) -> dict[str, str]:
        """What a staff member would send: enough for the action to succeed."""
        return {
            "staff_case_evidence": {"evidence": "Knows the invoice number"},
            "staff_case_approve": {"approve-account": str(self.holder.pk), "approve-reason": "Proven"},
            "staff_case_decline": {"decline-reason": "Not proven"},
            "staff_managed_unlink": {"reason": "The client asked"},
        }.get(route.name, {})

    def staff_for(self, route: Route) -> BusinessAccount:
        return self.agent if route.role == "support" else self.manager

    def other_role_for(self, route: Route) -> BusinessAccount:
        return self.manager if route.role == "support" else self.agent


@pytest.fixture
def world(make_business_account: Any, fake_loop: FakeLoop, agent: BusinessAccount, manager: BusinessAccount) -> World:
    other_manager = make_business_account(email="other.manager@example.com", is_account_manager=True)
    holder = make_business_account(email="holder@example.com", display_name="Hana Holder")
    managed = make_business_account(email="managed@example.com", account_manager=manager)
    theirs = make_business_account(email="theirs@example.com", account_manager=other_manager)
    self_managed = make_business_account(email="self@example.com")
    for account, handle in [(managed, "ren"), (theirs, "theirs"), (self_managed, "self")]:
        link_in_new_browser(account, fake_loop, fake_loop.person(handle))
    case = support_actions.do_open_case(
        kind=CaseKind.RECOVERY,
        account=holder,
        identifier="holder@example.com",
        requester_name="Hana Holder",
        reply_to=Contact(Channel.EMAIL, "hana.personal@example.net"),
        message="Locked out",
        language="en",
    )
    case = support_actions.do_record_evidence(case, actor=agent, evidence="Named the ad account")
    return World(agent, manager, holder, managed, theirs, self_managed, case)


def state(world: World) -> tuple[Any, ...]:
    """Everything a console action could change (sign-ins and sign-outs aside)."""
    case = SupportCase.objects.get(pk=world.case.pk)
    links = tuple(
        LoopLink.objects.filter(account__in=[world.managed, world.theirs, world.self_managed]).values_list(
            "account", flat=True
        )
    )
    events = AuditEvent.objects.exclude(kind__in=[EventKind.LOGIN, EventKind.LOGOUT]).count()
    return (case.status, case.evidence, links, events, RecoveryLink.objects.count(), LoopRevocation.objects.count())


def request(browser: HttpClient, world: World, route: Route, *ids: Any) -> Any:
    url = world.url(route, *ids)
    if route.method == "POST":
        return browser.post(url, world.data(route))
    return browser.get(url)


def assert_sent_to_log_in(response: Any, url: str) -> None:
    assert response.status_code == 302
    login, _, query = response["Location"].partition("?")
    assert login == reverse("business:login")
    assert unquote(query) == f"next={url}"


def assert_access_denied(response: Any) -> None:
    assert response.status_code == 403
    page = response.content.decode()
    assert "<title>Access denied · Loop for Business</title>" in page
    assert "<h1>Access denied</h1>" in page


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_anonymous_visitors_are_sent_to_log_in(client: HttpClient, world: World, route: Route) -> None:
    before = state(world)
    response = request(client, world, route)
    assert_sent_to_log_in(response, world.url(route))
    assert state(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_account_holders_are_refused(world: World, route: Route) -> None:
    browser = HttpClient()
    browser.force_login(world.holder)
    before = state(world)
    assert_access_denied(request(browser, world, route))
    assert state(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_a_staff_session_without_the_sign_in_code_is_logged_out(world: World, route: Route) -> None:
    browser = staff_client(world.staff_for(route), second_factor=False)
    before = state(world)
    response = request(browser, world, route)
    assert_sent_to_log_in(response, world.url(route))
    assert "_auth_user_id" not in browser.session
    assert state(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_an_expired_staff_session_is_logged_out(world: World, route: Route, time_machine: Any) -> None:
    browser = staff_client(world.staff_for(route))
    time_machine.move_to(timezone.now() + timedelta(seconds=settings.ACCOUNTLINK_STAFF_SESSION_SECONDS + 1))
    before = state(world)
    response = request(browser, world, route)
    assert response.status_code == 302 and response["Location"].startswith(reverse("business:login"))
    assert state(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_other_role_is_refused(world: World, route: Route) -> None:
    browser = staff_client(world.other_role_for(route))
    before = state(world)
    assert_access_denied(request(browser, world, route))
    assert state(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_the_right_role_gets_in(world: World, route: Route) -> None:
    browser = staff_client(world.staff_for(route))
    response = request(browser, world, route)
    if route.method == "GET":
        assert response.status_code == 200
    else:
        # The action was taken and the page after it is the one it belongs to.
        assert response.status_code == 302
        assert response["Location"] in {
            reverse("business:staff_case", args=[world.case.pk]),
            reverse("business:staff_managed_account", args=[world.managed.pk]),
        }
        assert browser.get(response["Location"]).status_code == 200


def test_a_person_with_both_roles_reaches_both_sections(world: World, make_business_account: Any) -> None:
    both = make_business_account(email="both@example.com", is_support_agent=True, is_account_manager=True)
    BusinessAccount.objects.filter(pk=world.managed.pk).update(account_manager=both)
    browser = staff_client(both)
    for route in ROUTES:
        if route.method == "GET":
            assert browser.get(world.url(route)).status_code == 200, route


@pytest.mark.parametrize("route", MANAGED_ROUTES, ids=str)
@pytest.mark.parametrize("whose", ["theirs", "self_managed", "holder", "manager"])
def test_a_manager_cannot_reach_accounts_they_do_not_manage(world: World, route: Route, whose: str) -> None:
    account = getattr(world, whose)
    browser = staff_client(world.manager)
    before = state(world)
    assert request(browser, world, route, account.pk).status_code == 404
    assert state(world) == before


def test_a_manager_who_is_also_an_agent_still_cannot_unlink_others_accounts(world: World) -> None:
    BusinessAccount.objects.filter(pk=world.manager.pk).update(is_support_agent=True)
    browser = staff_client(world.manager)
    before = state(world)
    url = reverse("business:staff_managed_unlink", args=[world.theirs.pk])
    assert browser.post(url, {"reason": "Because"}).status_code == 404
    assert state(world) == before
    # The agent's view of that account offers no unlink at all.
    page = browser.get(reverse("business:staff_account", args=[world.theirs.pk])).content.decode()
    assert "@theirs" in page and "<form" not in page[page.index("<main") : page.index("</main>")]


@pytest.mark.parametrize("unknown_id", UNKNOWN_IDS)
@pytest.mark.parametrize("route", WITH_ID, ids=str)
def test_unknown_ids_are_not_found(world: World, route: Route, unknown_id: int) -> None:
    browser = staff_client(world.staff_for(route))
    before = state(world)
    assert request(browser, world, route, unknown_id).status_code == 404
    assert state(world) == before


@pytest.mark.parametrize("route", ROUTES, ids=str)
def test_each_address_takes_only_its_own_method(world: World, route: Route) -> None:
    browser = staff_client(world.staff_for(route))
    before = state(world)
    url = world.url(route)
    wrong = browser.get(url) if route.method == "POST" else browser.post(url, {"reason": "x", "evidence": "x"})
    assert wrong.status_code == 405
    assert state(world) == before


def test_the_case_stays_open_through_every_refusal(world: World, client: HttpClient) -> None:
    """The refusals above really had something to refuse: the same requests from the agent work."""
    assert SupportCase.objects.get(pk=world.case.pk).status == CaseStatus.OPEN
    browser = staff_client(world.agent)
    route = next(route for route in ROUTES if route.name == "staff_case_approve")
    assert request(browser, world, route).status_code == 302
    assert SupportCase.objects.get(pk=world.case.pk).status == CaseStatus.APPROVED
