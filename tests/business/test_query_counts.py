"""Every Loop for Business page costs the same number of database queries however many accounts
there are, and however many rows of what it lists its own account has (issue 18).

The pages (HTML pages a visitor, an account holder, an account manager or a support agent opens, and
the JSON API's GETs) come in groups, one per kind of person, whose pages can share one world. Each
test builds its group's small world once (the pages' own accounts and the staff), opens every page
once to settle what a first visit does (a session saved, a CSRF cookie set) and counts it; then a
crowd of other accounts moves in once (emails, phones, Loop links, logins and their sessions, audit
events, support cases, ad accounts, revocations at Loop, notices from Loop, managed accounts, help
votes), and every page is counted again. The pages that list things are also counted with a few of
them and with many, added once for the whole group. A query per account or per row is a finding,
kept in ``GROWS_WITH_CROWD`` or ``GROWS_WITH_ROWS`` with its counts (the test fails when a page
grows that is not a finding, and when a finding stops growing).
"""

from __future__ import annotations

import difflib
import itertools
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.adsmanager.actions import do_create_ad_account
from accountlink.business.linking.actions.unlink import do_end_link_by_staff
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.business.support_pages import support_pages
from accountlink.helpcenter.actions import do_vote
from accountlink.kit.accounts.actions import do_record_failed_login
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact
from accountlink.kit.outbound.actions import do_attempt_call, do_replay_call
from accountlink.kit.support import actions as support_actions
from accountlink.kit.support.models import CaseKind, SupportCase
from tests.business.fake_loop import FakeLoop, LoopPerson, deliver, notice
from tests.business.pages import (
    ADS_MANAGER,
    CHOOSE,
    CONFIRM,
    PASSWORD,
    PERSONAL,
    SIGNUP,
    UNLINK,
    authorize,
    link_in_new_browser,
    log_in,
    send_code,
    start_continue,
)
from tests.login_helpers import log_in_elsewhere

pytestmark = pytest.mark.django_db

CROWD = 30  # other business accounts
FEW, MANY = 2, 60  # rows of what a page lists, for its own account
ARTICLE = "unlink-loop-account"
STAFF_REASON = "The holder asked us to, by phone."


# -- the world a page is opened in -----------------------------------------------------------------


@dataclass
class Visit:
    """Who opens the page (a browser with its cookies), where, and what the page is about."""

    browser: HttpClient
    url: str
    subject: Any = None


class World:
    """The test's fixtures, asked for only by the pages that need them, and the crowd of others."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self.request = request
        self.serial = itertools.count(1)

    def fixture(self, name: str) -> Any:
        return self.request.getfixturevalue(name)

    def account(self, **overrides: Any) -> BusinessAccount:
        """Another verified account with an email and a phone (no password: hashing one is slow)."""
        number = next(self.serial)
        spec: dict[str, Any] = {
            "email": f"other{number}@example.com",
            "phone": f"+8190300{number:05d}",
            "display_name": f"Other {number}",
            "password": None,
        }
        spec.update(overrides)
        account: BusinessAccount = self.fixture("make_business_account")(**spec)
        return account

    def link(self, account: BusinessAccount) -> LoopLink:
        link: LoopLink = self.fixture("make_link")(account, f"loop{next(self.serial)}")
        return link

    def open_case(self, account: BusinessAccount | None, identifier: str = "someone@example.com") -> SupportCase:
        """What Contact support does when a requester sends the form."""
        return support_actions.do_open_case(
            kind=CaseKind.RECOVERY,
            account=account,
            identifier=identifier,
            requester_name="Someone Else",
            reply_to=Contact(Channel.EMAIL, f"reply{next(self.serial)}@example.net"),
            message="I can't log in any more.",
            language="en",
        )

    def add_crowd(self) -> None:
        """``CROWD`` other accounts, each with an email and a phone, a login (a session), audit events,
        a support case and ad accounts; two in three linked to Loop, some of those links since ended
        by staff (a revocation at Loop) or by a notice from Loop; a quarter managed by another manager;
        some cases approved (a recovery link); a help vote each."""
        their_manager = self.account(is_account_manager=True)
        their_agent = self.account(is_support_agent=True)
        for number in range(CROWD):
            account = self.account(account_manager=their_manager if number % 4 == 0 else None)
            HttpClient(REMOTE_ADDR=f"198.51.100.{number + 1}").force_login(account)
            log_in_elsewhere(account)
            do_record_failed_login(account)
            for shop in range(2):
                do_create_ad_account(account, name=f"Shop {number}.{shop}", currency="USD", time_zone="Asia/Tokyo")
            case = self.open_case(account, identifier=account.email or "")
            if number % 5 == 0:
                support_actions.do_record_evidence(case, actor=their_agent, evidence="Named the last invoice.")
                support_actions.do_approve_recovery(
                    case,
                    actor=their_agent,
                    reason="Evidence matches",
                    account=account,
                    link_url=support_pages.recovery_link_url,
                )
            if number % 3 != 0:
                link = self.link(account)
                if number % 6 == 1:
                    do_end_link_by_staff(account, actor=their_agent, reason=STAFF_REASON)
                elif number % 6 == 2:
                    assert deliver(notice(link.open_id, reason=1)).status_code == 200
            do_vote(ARTICLE, visitor=f"visitor{number}", network=f"network{number}", helpful=number % 2 == 0)


@pytest.fixture
def world(request: pytest.FixtureRequest, clock: Any, settings: Any) -> World:
    """Time stands still (``clock``), so "Last active" and other time-driven writes happen the same way
    at every visit."""
    # Every new browser (each of Loop's notices comes from one) builds the middleware again, and
    # WhiteNoise's would list every static file each time: a second per 50 browsers. With autorefresh
    # it looks a file up only when one is asked for, and no page here is one.
    settings.WHITENOISE_AUTOREFRESH = True
    return World(request)


# -- counting --------------------------------------------------------------------------------------


@dataclass
class Answer:
    queries: list[str]  # the SQL the page ran
    content: bytes


def get(visit: Visit) -> Answer:
    """One GET of the page, which must answer 200 (a redirect proves nothing), and its queries."""
    with CaptureQueriesContext(connection) as captured:
        response = visit.browser.get(visit.url)
    assert response.status_code == 200, (visit.url, response.status_code, response.get("Location"))
    return Answer([query["sql"] for query in captured.captured_queries], response.content)


def growth(what: str, before: Answer, after: Answer) -> str:
    """The counts, and the queries that came or went (numbers blurred, so ids and rows line up)."""
    blurred = [[re.sub(r"\d+", "N", sql) for sql in answer.queries] for answer in (before, after)]
    changed = [line for line in difflib.unified_diff(*blurred, lineterm="", n=0) if line[:1] in "+-"][2:14]
    return f"{len(before.queries)} queries, then {len(after.queries)} with {what}:\n" + "\n".join(changed)


# -- the pages -------------------------------------------------------------------------------------

Opener = Callable[[World], Visit]
Rows = Callable[[World, Visit, int], None]


@dataclass(frozen=True)
class Page:
    name: str
    open: Opener
    # Adds ``n`` rows of what the page lists for its own subject (None: it lists nothing).
    rows: Rows | None = None


def as_visitor(url: str) -> Opener:
    return lambda world: Visit(HttpClient(), url)


def as_holder(url: str) -> Opener:
    """The ``business_account`` (email, phone and password), logged in through the login page."""
    return lambda world: Visit(world.fixture("signed_in"), url, world.fixture("business_account"))


def as_linked_holder(url: str) -> Opener:
    """The same account after it linked @sakura through Link Loop account (the same browser)."""
    return lambda world: Visit(world.fixture("linked_browser"), url, world.fixture("business_account"))


def as_managed_holder(url: str) -> Opener:
    """The holder of an account linked to Loop and managed by ``manager``."""

    def open(world: World) -> Visit:
        account = world.account(account_manager=world.fixture("manager"))
        world.link(account)
        browser = HttpClient()
        browser.force_login(account)
        return Visit(browser, url, account)

    return open


def as_locked_out_holder(url: str) -> Opener:
    """The holder of an account made with Continue with Loop: no email, phone or password."""

    def open(world: World) -> Visit:
        account = world.fixture("locked_out")
        browser = HttpClient()
        browser.force_login(account)
        return Visit(browser, url, account)

    return open


def as_agent(url: str) -> Opener:
    return lambda world: Visit(world.fixture("agent_browser"), url, world.fixture("agent"))


def as_manager(url: str) -> Opener:
    return lambda world: Visit(world.fixture("manager_browser"), url, world.fixture("manager"))


# Pages reached through a form or a flow: the form is sent first, then the page it leads to is opened.
# A holder's form is sent from a browser of its own, so the group's shared browser stays as it was.


def holder_browser(world: World) -> HttpClient:
    """A new browser logged in to the ``business_account`` through the login page, as ``signed_in``."""
    browser = HttpClient()
    assert log_in(browser, world.fixture("business_account").email).status_code == 302
    return browser


def signup_code_page(world: World) -> Visit:
    browser = HttpClient()
    answer = browser.post(SIGNUP, {"contact": "new.biz@example.com", "display_name": "New", "password": PASSWORD})
    assert answer.status_code == 302, answer.content.decode()[:500]
    return Visit(browser, answer["Location"])


def staff_code_page(world: World) -> Visit:
    browser = HttpClient()
    answer = log_in(browser, world.fixture("agent").email)
    assert answer["Location"] == reverse("business:staff_login_verify")
    return Visit(browser, answer["Location"])


def password_reset_page(world: World) -> Visit:
    browser = HttpClient()
    answer = browser.post(reverse("business:forgot_password"), {"identifier": world.fixture("business_account").email})
    assert answer["Location"] == reverse("business:password_reset")
    return Visit(browser, answer["Location"])


def case_sent_page(world: World) -> Visit:
    browser = HttpClient()
    answer = browser.post(
        reverse("business:contact_support"),
        {
            "kind": "recovery",
            "requester_name": "Sakura Tanaka",
            "identifier": world.fixture("business_account").email,
            "reply_to": "sakura.personal@example.net",
            "message": "I can't log in any more.",
        },
    )
    assert answer["Location"] == reverse("business:support_case_sent")
    return Visit(browser, answer["Location"])


def recovery_link_page(world: World) -> Visit:
    """An approved case's recovery link, opened: the page asks for the email or phone to add."""
    account, agent = world.fixture("business_account"), world.fixture("agent")
    case = world.open_case(account, identifier=account.email)
    support_actions.do_record_evidence(case, actor=agent, evidence="Named the last invoice.")
    tokens: list[str] = []

    def link_url(token: str) -> str:
        tokens.append(token)
        return support_pages.recovery_link_url(token)

    support_actions.do_approve_recovery(
        case, actor=agent, reason="Evidence matches", account=account, link_url=link_url
    )
    browser = HttpClient()
    answer = browser.get(reverse("business:recover", args=[tokens[0]]))
    assert answer["Location"] == reverse("business:recover_contact")
    return Visit(browser, answer["Location"], account)


def recovery_code_page(world: World) -> Visit:
    visit = recovery_link_page(world)
    answer = visit.browser.post(visit.url, {"value": "+819055556666"})
    assert answer["Location"] == reverse("business:recover_verify")
    return Visit(visit.browser, answer["Location"], visit.subject)


def loop_choice_page(world: World, person: LoopPerson | None = None) -> Visit:
    """Continue with Loop for @ren (or ``person``), whom no business account knows: the choice page.
    Not @kenji: the visitors' world also has his account, for the page below."""
    fake_loop: FakeLoop = world.fixture("fake_loop")
    person = person or fake_loop.person("ren", "Ren Mori")
    browser = HttpClient()
    answer = authorize(browser, fake_loop, start_continue(browser), person, follow=False)
    assert answer["Location"] == CHOOSE
    return Visit(browser, CHOOSE)


def loop_choice_page_offering_to_link_again(world: World) -> Visit:
    """Continue with Loop for @kenji after Loop ended his link to the account he made with it, which
    has no other way in: the choice page offers to link it again."""
    account = world.fixture("locked_out")
    assert deliver(notice("open-kenji", reason=1)).status_code == 200
    visit = loop_choice_page(world, world.fixture("kenji"))
    assert 'value="link_again"' in visit.browser.get(CHOOSE).content.decode()
    return Visit(visit.browser, CHOOSE, account)


def contact_code_page(world: World) -> Visit:
    browser = holder_browser(world)
    answer = browser.post(
        reverse("business:change_contact", kwargs={"kind": "email"}),
        {"value": "sakura.new@example.com", "current_password": PASSWORD},
    )
    assert answer["Location"] == reverse("business:verify_contact", kwargs={"kind": "email"})
    return Visit(browser, answer["Location"], world.fixture("business_account"))


def unlink_code_page(world: World) -> Visit:
    world.fixture("linked_browser")  # the account links @sakura, in the group's browser
    browser = holder_browser(world)
    assert send_code(browser, "email")["Location"] == CONFIRM
    return Visit(browser, CONFIRM, world.fixture("business_account"))


def staff_account_page(world: World) -> Visit:
    account = world.fixture("linked_account")
    return Visit(world.fixture("agent_browser"), reverse("business:staff_account", args=[account.pk]), account)


def staff_managed_account_page_in_agent_console(world: World) -> Visit:
    account = world.account(account_manager=world.fixture("manager"))
    world.link(account)
    return Visit(world.fixture("agent_browser"), reverse("business:staff_account", args=[account.pk]), account)


def staff_open_case_page(world: World) -> Visit:
    account = world.fixture("linked_account")
    case = world.open_case(account, identifier="@sakura")
    return Visit(world.fixture("agent_browser"), reverse("business:staff_case", args=[case.pk]), case)


def staff_declined_case_page(world: World) -> Visit:
    visit = staff_open_case_page(world)
    support_actions.do_decline_case(visit.subject, actor=world.fixture("agent"), reason="Nothing matches.")
    return visit


def staff_revocation_page(world: World) -> Visit:
    """A staff unlink's revocation at Loop, whose first attempt failed: Loop was down. The account
    linked @hana through Link Loop account (@sakura's stays linked for the other support pages)."""
    account, fake_loop = world.account(), world.fixture("fake_loop")
    link_in_new_browser(account, fake_loop, fake_loop.person("hana", "Hana Sato"))
    do_end_link_by_staff(account, actor=world.fixture("agent"), reason=STAFF_REASON)
    revocation = LoopRevocation.objects.select_related("call").get(open_id="open-hana")
    fake_loop.down = True
    do_attempt_call(revocation.call_id)
    fake_loop.down = False
    url = reverse("business:staff_revocation", args=[account.pk, revocation.pk])
    return Visit(world.fixture("agent_browser"), url, revocation)


def managed_account_page(world: World) -> Visit:
    account = world.account(account_manager=world.fixture("manager"))
    world.link(account)
    url = reverse("business:staff_managed_account", args=[account.pk])
    return Visit(world.fixture("manager_browser"), url, account)


def help_article_for_agent(world: World) -> Visit:
    """A support agent in a staff session sees the article's votes."""
    return Visit(world.fixture("agent_browser"), reverse("help:article", args=[ARTICLE]), ARTICLE)


# Many rows of what a page lists, for its own subject.


def ad_accounts(world: World, visit: Visit, n: int) -> None:
    for _ in range(n):
        do_create_ad_account(visit.subject, name=f"Shop {next(world.serial)}", currency="JPY", time_zone="Asia/Tokyo")


def security_events(world: World, visit: Visit, n: int) -> None:
    """Logins, failed logins, ad accounts and support cases: each adds at least one event."""
    account = visit.subject
    steps = itertools.cycle(
        [
            lambda: log_in_elsewhere(account),
            lambda: do_record_failed_login(account),
            lambda: do_create_ad_account(account, name="Shop", currency="JPY", time_zone="Asia/Tokyo"),
            lambda: world.open_case(account, identifier=account.email or ""),
        ]
    )
    for step in itertools.islice(steps, n):
        step()


def sessions(world: World, visit: Visit, n: int) -> None:
    for _ in range(n):
        HttpClient().force_login(visit.subject)


def open_cases(world: World, visit: Visit, n: int) -> None:
    """Open cases about different accounts (or none), some with evidence."""
    agent = world.fixture("agent")
    for number in range(n):
        case = world.open_case(world.account() if number % 3 else None)
        if number % 2:
            support_actions.do_record_evidence(case, actor=agent, evidence="Named the last invoice.")


def account_history(world: World, visit: Visit, n: int) -> None:
    """What the support console shows of one account: ``n`` times a support case, a login, an unlink
    by a staff member (a revocation at Loop), Loop's late notice about it, and a new link."""
    account, staff = visit.subject, [world.fixture("agent"), world.fixture("manager")]
    for number in range(n):
        world.open_case(account, identifier=account.email or "")
        log_in_elsewhere(account)
        ended = do_end_link_by_staff(account, actor=staff[number % 2], reason=STAFF_REASON)
        assert deliver(notice(ended.open_id, reason=1)).status_code == 200
        world.link(account)


def attempts(world: World, visit: Visit, n: int) -> None:
    """Staff replay the revocation while Loop is down: one failed attempt each."""
    fake_loop: FakeLoop = world.fixture("fake_loop")
    call = visit.subject.call
    fake_loop.down = True
    for _ in range(n):
        do_replay_call(call, actor=world.fixture("agent"), revocation=visit.subject.pk)
        do_attempt_call(call.pk)
    fake_loop.down = False


def managed_accounts(world: World, visit: Visit, n: int) -> None:
    for number in range(n):
        account = world.account(account_manager=visit.subject)
        if number % 2:
            world.link(account)


def votes(world: World, visit: Visit, n: int) -> None:
    for _ in range(n):
        number = next(world.serial)
        do_vote(ARTICLE, visitor=f"voter{number}", network=f"net{number}", helpful=number % 3 != 0)


# The groups, each opened in one world: a page's own account (or Loop account) is in no other page's
# way. The holder's pages see the ``business_account`` unlinked; the linked holders' see it linked to
# @sakura, beside the accounts managed by ``manager`` and the one made with Continue with Loop.
PAGES: dict[str, list[Page]] = {
    "visitor": [
        Page("login", as_visitor("/login/")),
        Page("signup", as_visitor(SIGNUP)),
        Page("signup code", signup_code_page),
        Page("staff sign-in code", staff_code_page),
        Page("forgot password", as_visitor("/password/forgot/")),
        Page("password reset code", password_reset_page),
        Page("contact support", as_visitor("/support/contact/")),
        Page("support case sent", case_sent_page),
        Page("recovery add contact", recovery_link_page),
        Page("recovery code", recovery_code_page),
        Page("continue with loop choice", loop_choice_page),
        Page("continue with loop choice offering link again", loop_choice_page_offering_to_link_again),
        Page("help index", as_visitor("/help/")),
        Page("help search", as_visitor("/help/search/?q=unlink")),
        Page("help category", as_visitor("/help/categories/loop-accounts/")),
        Page("help article", as_visitor(f"/help/{ARTICLE}/")),
        Page("api docs", as_visitor("/api/v1/docs")),
        Page("api openapi json", as_visitor("/api/v1/openapi.json")),
        Page("development outbox", as_visitor("/dev/outbox/")),
    ],
    "holder": [
        Page("ads manager", as_holder(ADS_MANAGER), ad_accounts),
        Page("create ad account", as_holder("/adsmanager/ad-accounts/new/")),
        Page("user settings", as_holder("/settings/")),
        Page("personal information", as_holder(PERSONAL)),
        Page("change email", as_holder("/settings/personal/email/")),
        Page("change phone", as_holder("/settings/personal/phone/")),
        Page("new email code", contact_code_page),
        Page("change password", as_holder("/settings/password/")),
        Page("security activity", as_holder("/settings/security/"), security_events),
        Page("sessions", as_holder("/settings/sessions/"), sessions),
        Page("confirm its you", as_holder("/reauthenticate/")),
        Page("api link", as_holder("/api/v1/link")),
    ],
    "linked holder": [
        Page("personal information linked", as_linked_holder(PERSONAL)),
        Page("personal information managed", as_managed_holder(PERSONAL)),
        Page("personal information made with loop", as_locked_out_holder(PERSONAL)),
        Page("confirm its you linked", as_linked_holder("/reauthenticate/")),
        Page("unlink dialog", as_linked_holder(UNLINK)),
        Page("unlink dialog code", unlink_code_page),
        Page("unlink dialog refused managed", as_managed_holder(UNLINK)),
        Page("unlink dialog refused last way in", as_locked_out_holder(UNLINK)),
        Page("api link linked", as_linked_holder("/api/v1/link")),
        Page("api link managed", as_managed_holder("/api/v1/link")),
    ],
    "manager": [
        Page("managed accounts", as_manager("/staff/managed/"), managed_accounts),
        Page("managed account", managed_account_page),
    ],
    "agent": [
        Page("staff home", as_agent("/staff/"), open_cases),
        Page("staff search by email", as_agent("/staff/?q=Sakura.Biz@Example.com"), open_cases),
        Page("staff search by loop username", as_agent("/staff/?q=@sakura"), open_cases),
        Page("staff account", staff_account_page, account_history),
        Page("staff account managed", staff_managed_account_page_in_agent_console),
        Page("staff case open", staff_open_case_page),
        Page("staff case declined", staff_declined_case_page),
        Page("staff revocation", staff_revocation_page, attempts),
        Page("help article for agent", help_article_for_agent, votes),
    ],
}
LISTING_GROUPS = [group for group, pages in PAGES.items() if any(page.rows for page in pages)]

# Findings: a page whose queries grow (page name → what grows and why, with the counts).
GROWS_WITH_CROWD: dict[str, str] = {}
GROWS_WITH_ROWS: dict[str, str] = {}


def open_pages(world: World, pages: list[Page]) -> dict[str, Visit]:
    return {page.name: page.open(world) for page in pages}


def add_rows(world: World, pages: list[Page], visits: dict[str, Visit], n: int) -> None:
    """``n`` rows of what each listing page lists, once for pages that list the same (the support
    console's home and its searches list the same open cases)."""
    added: set[tuple[Rows, Any]] = set()
    for page in pages:
        visit = visits[page.name]
        if page.rows is not None and (page.rows, visit.subject) not in added:
            page.rows(world, visit, n)
            added.add((page.rows, visit.subject))


def count(visits: dict[str, Visit], *, warm_up: bool) -> dict[str, Answer]:
    answers: dict[str, Answer] = {}
    for name, visit in visits.items():
        if warm_up:
            get(visit)  # a first visit may save a session or set a cookie, once
        answers[name] = get(visit)
    return answers


def assert_same_counts(
    before: dict[str, Answer], after: dict[str, Answer], what: str, findings: dict[str, str]
) -> None:
    """Every page that is not a finding ran as many queries after as before; every finding still grows."""
    grew = {name for name in before if len(after[name].queries) != len(before[name].queries)}
    report = [f"{name}: {growth(what, before[name], after[name])}" for name in before if name in grew - set(findings)]
    report += [
        f"{name}: no longer grows with {what}, not a finding any more" for name in set(findings) & set(before) - grew
    ]
    assert not report, "\n\n".join(report)


@pytest.mark.parametrize("group", list(PAGES))
def test_pages_cost_the_same_queries_whatever_the_number_of_other_accounts(group: str, world: World) -> None:
    pages = PAGES[group]
    visits = open_pages(world, pages)
    add_rows(world, pages, visits, FEW)  # a page that lists things lists a few already: the crowd adds none
    small = count(visits, warm_up=True)

    world.add_crowd()

    crowd = count(visits, warm_up=False)
    assert_same_counts(small, crowd, f"{CROWD} other accounts", GROWS_WITH_CROWD)


@pytest.mark.parametrize("group", LISTING_GROUPS)
def test_listing_pages_cost_the_same_queries_whatever_the_number_of_rows_they_list(group: str, world: World) -> None:
    pages = [page for page in PAGES[group] if page.rows]
    visits = open_pages(world, pages)
    add_rows(world, pages, visits, FEW)
    few = count(visits, warm_up=True)

    add_rows(world, pages, visits, MANY - FEW)

    many = count(visits, warm_up=False)
    empty = [name for name in visits if len(many[name].content) <= len(few[name].content)]
    assert not empty, f"pages that do not show the rows they were given: {empty}"
    assert_same_counts(few, many, f"{MANY} rows instead of {FEW}", GROWS_WITH_ROWS)
