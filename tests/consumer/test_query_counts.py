"""Every Loop page a person, a visitor, a support agent or an app GETs costs a number of database
queries that does not grow with the number of accounts in the database, nor with the number of rows
of what the page lists beyond what its pagination shows (issue 18: every lookup indexed and constant
in queries).

Every page is asked twice in a small world (the first request of a signed-in browser writes its
address on its session row), its queries counted the second time; then a crowd of other accounts
arrives once, or every listing's account gets many rows of what it lists at once, and each page must
cost exactly as many queries again. The world and the crowd are built once for all the pages (once
per page took minutes).
"""

from __future__ import annotations

import re
import struct
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection, transaction
from django.test import Client as HttpClient
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accountlink.consumer.accounts.models import LoopAccount
from accountlink.consumer.developers.actions import do_create_app
from accountlink.consumer.developers.icons import Icon
from accountlink.consumer.oauth.actions import do_remove_app_access
from accountlink.consumer.oauth.models import ClientOpenId
from accountlink.consumer.oauth.registration import ClientSettings, RegisteredClient
from accountlink.consumer.support.actions import do_send_recovery_link
from accountlink.consumer.webhooks.actions import do_queue_authorization_removed, do_queue_test_webhook
from accountlink.consumer.webhooks.models import RemovalReason, WebhookDelivery
from accountlink.kit.accounts.actions import do_record_failed_login
from accountlink.kit.contacts import parse_contact
from accountlink.kit.outbound.actions import do_attempt_call, do_replay_call
from accountlink.kit.support.actions import do_open_case, do_record_evidence
from accountlink.kit.support.models import CaseKind, SupportCase
from tests.consumer.conftest import PASSWORD
from tests.consumer.oauth_helpers import (
    REDIRECT_URI,
    authorize_url,
    consent,
    exchange,
    grant_permission,
    register,
)
from tests.consumer.webhook_helpers import WEBHOOK_URL
from tests.login_helpers import log_in_elsewhere

pytestmark = pytest.mark.django_db

SCOPES = ["user.info.basic", "user.info.profile"]
CROWD = 30
REPLY = "requester@example.net"


def png() -> bytes:
    """A 2x2 red PNG, for an app's icon."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    pixels = zlib.compress(b"".join(b"\x00" + b"\xff\x00\x00" * 2 for _ in range(2)))
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")


def create_app(owner: LoopAccount, name: str) -> RegisteredClient:
    """An app ``owner`` made on Loop for Developers, with an icon and a webhook URL."""
    settings = ClientSettings(name=name, redirect_uris=[REDIRECT_URI], webhook_url=WEBHOOK_URL, scopes=SCOPES)
    return do_create_app(owner, settings, icon=Icon("image/png", png()))


def try_once(delivery: WebhookDelivery) -> None:
    """One attempt at the delivery; the app's endpoint is unreachable in tests, so it is a failed one."""
    do_attempt_call(delivery.call_id)


def queue_removal(account: LoopAccount, registered: RegisteredClient) -> WebhookDelivery:
    """``authorization.removed`` about ``account`` to the app (of an earlier grant), tried once."""
    with transaction.atomic():
        delivery = do_queue_authorization_removed(account, registered.client, RemovalReason.HOLDER_REMOVED_ACCESS)
    assert delivery is not None
    try_once(delivery)
    return delivery


def open_case(account: LoopAccount | None, kind: CaseKind, identifier: str) -> SupportCase:
    """What Contact support does for a requester who wrote about ``account``."""
    return do_open_case(
        kind=kind,
        account=account,
        identifier=identifier,
        requester_name="Requester",
        reply_to=parse_contact(REPLY),
        message="It is my account, please help.",
        language="en",
    )


@dataclass
class World:
    """Sakura (``loop_account``) signed in, with an app of her own on Loop for Developers that she also
    let in (tokens issued), a webhook delivery about her, and an open support case about her; Ana,
    a support agent, signed in to the console."""

    account: LoopAccount
    agent: LoopAccount
    app: RegisteredClient
    access_token: str
    open_id: str
    delivery: WebhookDelivery
    case: SupportCase
    browser: HttpClient
    agent_browser: HttpClient
    make_account: Callable[..., LoopAccount]
    outbox: Any
    run_tasks: Callable[[], None]
    # Another browser, for everyone else: each new test client loads the whole middleware stack
    # (WhiteNoise reads every static file), which made a crowd take seconds.
    spare: HttpClient

    def sign_in(self, account: LoopAccount) -> HttpClient:
        """A new signed-in session of ``account``, in the spare browser (the previous one stays signed in)."""
        self.spare.cookies.clear()
        self.spare.force_login(account)
        return self.spare

    def issue_tokens(self, account: LoopAccount) -> str:
        """``account`` signs in, lets the app in on the consent screen, and the app redeems the code."""
        auth, query = consent(self.sign_in(account), self.app)
        self.spare.cookies.clear()
        response = exchange(self.spare, self.app, query["code"], auth.verifier)
        assert response.status_code == 200, response.content
        return str(response.json()["access_token"])


@pytest.fixture
def world(
    loop_account: LoopAccount,
    agent: LoopAccount,
    browser: HttpClient,
    agent_browser: HttpClient,
    make_loop_account: Callable[..., LoopAccount],
    outbox: Any,
    run_tasks: Callable[[], None],
) -> World:
    app = create_app(loop_account, "Partner App")
    auth, query = consent(browser, app)
    spare = HttpClient()
    tokens = exchange(spare, app, query["code"], auth.verifier).json()
    return World(
        account=loop_account,
        agent=agent,
        app=app,
        access_token=tokens["access_token"],
        open_id=ClientOpenId.objects.get(account=loop_account, client=app.client).value,
        delivery=queue_removal(loop_account, app),
        case=open_case(loop_account, CaseKind.RECOVERY, "sakura"),
        browser=browser,
        agent_browser=agent_browser,
        make_account=make_loop_account,
        outbox=outbox,
        run_tasks=run_tasks,
        spare=spare,
    )


def add_crowd(world: World) -> None:
    """30 other Loop accounts, each with an email and a phone, signed in, with access to Sakura's app
    (every third one through the consent screen and with tokens; every other one has since removed
    its access: a webhook delivery, tried once), a support case, a login and a failed login on its
    security activity; every fifth owns an app."""
    for n in range(CROWD):
        person = world.make_account(
            handle=f"crowd{n}",
            display_name=f"Crowd Member {n}",
            email=f"crowd{n}@example.net",
            phone=f"+8170{n:08d}",
            password=None,
        )
        if n % 3 == 0:
            world.issue_tokens(person)  # through the consent screen and the token endpoint
        else:
            grant_permission(person, world.app, SCOPES)  # the same, without the requests (faster)
        world.sign_in(person)
        log_in_elsewhere(person)
        do_record_failed_login(person)
        open_case(person, CaseKind.APPEAL if n % 2 else CaseKind.RECOVERY, f"crowd{n}")
        if n % 2 == 0:
            assert do_remove_app_access(person, world.app.client, actor=person)
        if n % 5 == 0:
            create_app(person, f"Crowd App {n}")
    for delivery in WebhookDelivery.objects.filter(call__attempts=0):
        try_once(delivery)


# -- what a page lists, many times over, on the page's own account ------------------------------


def many_app_permissions(world: World) -> None:
    """20 more apps that Sakura let in."""
    for n in range(20):
        grant_permission(world.account, register(name=f"Other App {n}"), SCOPES)


def many_events(world: World) -> None:
    """60 more events on Sakura's security activity."""
    for _ in range(30):
        log_in_elsewhere(world.account)
        do_record_failed_login(world.account)


def many_sessions(world: World) -> None:
    """30 more browsers signed in to Sakura's account."""
    for _ in range(30):
        world.sign_in(world.account)


def many_owned_apps(world: World) -> None:
    """20 more apps of Sakura's own on Loop for Developers, each with an icon."""
    for n in range(20):
        create_app(world.account, f"Sakura App {n}")


def many_test_deliveries(world: World) -> None:
    """30 more deliveries to Sakura's app (test webhooks), each tried once: more than a page of them."""
    for _ in range(30):
        delivery = do_queue_test_webhook(world.app.client, actor=world.account)
        assert delivery is not None
        try_once(delivery)


def many_deliveries_about_the_account(world: World) -> None:
    """60 more deliveries about Sakura, each tried once: more than a page of the staff list."""
    for _ in range(60):
        queue_removal(world.account, world.app)


def many_open_cases(world: World) -> None:
    """30 more open support cases about Sakura."""
    for n in range(30):
        open_case(world.account, CaseKind.APPEAL if n % 2 else CaseKind.RECOVERY, "sakura")


def many_attempts(world: World) -> None:
    """10 more attempts at the delivery about Sakura, each a replay by the agent."""
    for _ in range(10):
        do_replay_call(world.delivery.call, actor=world.agent)
        try_once(world.delivery)


def many_namesakes(world: World) -> None:
    """30 more accounts whose name contains "Tanaka", as Sakura Tanaka's does."""
    for n in range(30):
        world.make_account(handle=f"tanaka{n}", display_name=f"Kenji Tanaka {n}", password=None)


Pile = Callable[[World], None]

# What the agent's page about Sakura lists: apps, cases, deliveries and events, many of each.
EVERYTHING_ABOUT_THE_ACCOUNT: tuple[Pile, ...] = (
    many_app_permissions,
    many_open_cases,
    many_deliveries_about_the_account,
    many_events,
)


def pile_up(piles: list[Pile], world: World) -> None:
    """Each pile once, however many pages list its rows."""
    for pile in dict.fromkeys(piles):
        pile(world)


# -- the doors before some pages: what a visitor did to get there ---------------------------------


def started_signup(world: World, visitor: HttpClient) -> None:
    signup = {
        "display_name": "Aiko Mori",
        "handle": "aiko_m",
        "contact": "aiko@example.com",
        "birth_date": "1999-07-07",
        "password": "a-long-and-unusual-password",
    }
    assert visitor.post(reverse("loop:signup"), signup)["Location"] == reverse("loop:signup_verify")


def entered_the_staff_password(world: World, visitor: HttpClient) -> None:
    response = visitor.post(reverse("loop:login"), {"identifier": "agent", "password": PASSWORD})
    assert response["Location"] == reverse("loop:staff_login_verify")


def asked_for_a_reset_code(world: World, visitor: HttpClient) -> None:
    response = visitor.post(reverse("loop:forgot_password"), {"identifier": "sakura"})
    assert response["Location"] == reverse("loop:password_reset")


def contacted_support(world: World, visitor: HttpClient) -> None:
    data = {
        "kind": "recovery",
        "requester_name": "Yuki Ito",
        "identifier": "@sakura",
        "reply_to": REPLY,
        "message": "I lost my phone.",
    }
    response = visitor.post(reverse("loop:contact_support"), data)
    assert response["Location"] == reverse("loop:support_case_sent")


def opened_a_recovery_link(world: World, visitor: HttpClient) -> None:
    """The agent approved a recovery case about Sakura; the requester opened the link the message holds.
    A case of its own for each visitor: a case is approved once, and ``world.case`` stays open for the
    agent's page about it."""
    case = open_case(world.account, CaseKind.RECOVERY, "sakura")
    do_record_evidence(case, actor=world.agent, evidence="Showed the original receipt.")
    do_send_recovery_link(case, actor=world.agent, reason="Receipt matches", account=world.account)
    world.run_tasks()
    link = re.search(r"(https?://\S+)", world.outbox.last(REPLY).body)
    assert link is not None
    response = visitor.get(urlsplit(link.group(1)).path)
    assert response["Location"] == reverse("loop:recover_contact")


def asked_for_a_recovery_code(world: World, visitor: HttpClient) -> None:
    opened_a_recovery_link(world, visitor)
    response = visitor.post(reverse("loop:recover_contact"), {"value": "+81 90-5555-6666"})
    assert response["Location"] == reverse("loop:recover_verify")


# -- the pages ----------------------------------------------------------------------------------

VISITOR, ACCOUNT, AGENT, APP = "visitor", "account", "agent", "app"


@dataclass(frozen=True)
class Page:
    name: str
    door: str  # who asks: a visitor, Sakura's browser, the agent's, or her app with its access token
    url: Callable[[World], str]
    before: Callable[[World, HttpClient], None] | None = None  # a visitor's steps to reach the page
    pile: tuple[Pile, ...] = ()  # many rows of what the page lists

    def browser(self, world: World) -> HttpClient:
        if self.door == ACCOUNT:
            return world.browser
        if self.door == AGENT:
            return world.agent_browser
        if self.door == APP:
            return HttpClient(HTTP_AUTHORIZATION=f"Bearer {world.access_token}")
        visitor = HttpClient()
        if self.before is not None:
            self.before(world, visitor)
        return visitor


def url(name: str, *args: Callable[[World], Any]) -> Callable[[World], str]:
    return lambda world: reverse(name, args=[arg(world) for arg in args])


def app_id(world: World) -> int:
    return int(world.app.client.pk)


def client_key(world: World) -> str:
    return str(world.app.client.client_id)


def consent_url(world: World) -> str:
    """The consent screen for Sakura's app, shown even though she let it in (Login Kit's ``disable_auto_auth``)."""
    return authorize_url(client_key(world), disable_auto_auth="1").url


PAGES = [
    # A visitor
    Page("loop:home(visitor)", VISITOR, url("loop:home")),
    Page("loop:signup", VISITOR, url("loop:signup")),
    Page("loop:signup_verify", VISITOR, url("loop:signup_verify"), before=started_signup),
    Page("loop:login", VISITOR, url("loop:login")),
    Page(
        "loop:login(to-consent)",
        VISITOR,
        lambda world: reverse("loop:login") + "?next=" + quote(consent_url(world)),
    ),
    Page("loop:staff_login_verify", VISITOR, url("loop:staff_login_verify"), before=entered_the_staff_password),
    Page("loop:forgot_password", VISITOR, url("loop:forgot_password")),
    Page("loop:password_reset", VISITOR, url("loop:password_reset"), before=asked_for_a_reset_code),
    Page("loop:help_article", VISITOR, lambda world: reverse("loop:help_article", args=["manage-app-permissions"])),
    Page("loop:contact_support", VISITOR, url("loop:contact_support")),
    Page("loop:support_case_sent", VISITOR, url("loop:support_case_sent"), before=contacted_support),
    Page("loop:recover_contact", VISITOR, url("loop:recover_contact"), before=opened_a_recovery_link),
    Page("loop:recover_verify", VISITOR, url("loop:recover_verify"), before=asked_for_a_recovery_code),
    Page("oauth:profile", VISITOR, url("oauth:profile", lambda world: world.open_id)),
    Page("oauth:avatar", VISITOR, url("oauth:avatar", lambda world: world.open_id)),
    # Sakura, signed in
    Page("loop:home", ACCOUNT, url("loop:home"), pile=(many_app_permissions,)),
    Page("loop:profile", ACCOUNT, url("loop:profile")),
    Page("loop:settings", ACCOUNT, url("loop:settings")),
    Page("loop:settings_account", ACCOUNT, url("loop:settings_account")),
    Page("loop:settings_security", ACCOUNT, url("loop:settings_security")),
    Page("loop:change_password", ACCOUNT, url("loop:change_password")),
    Page("loop:sessions", ACCOUNT, url("loop:sessions"), pile=(many_sessions,)),
    Page("loop:reauthenticate", ACCOUNT, url("loop:reauthenticate")),
    Page("loop:security_activity", ACCOUNT, url("loop:security_activity"), pile=(many_events,)),
    Page("loop:app_permissions", ACCOUNT, url("loop:app_permissions"), pile=(many_app_permissions,)),
    Page("loop:app_permission", ACCOUNT, url("loop:app_permission", client_key)),
    Page("loop:remove_app_access", ACCOUNT, url("loop:remove_app_access", client_key)),
    Page("oauth:authorize", ACCOUNT, consent_url),
    Page("loop:developers", ACCOUNT, url("loop:developers"), pile=(many_owned_apps,)),
    Page("loop:developer_app_create", ACCOUNT, url("loop:developer_app_create")),
    Page("loop:developer_app", ACCOUNT, url("loop:developer_app", app_id)),
    Page("loop:developer_app_edit", ACCOUNT, url("loop:developer_app_edit", app_id)),
    Page("loop:developer_app_icon", ACCOUNT, url("loop:developer_app_icon", app_id)),
    Page("loop:developer_app_rotate", ACCOUNT, url("loop:developer_app_rotate", app_id)),
    Page(
        "loop:developer_app_webhooks", ACCOUNT, url("loop:developer_app_webhooks", app_id), pile=(many_test_deliveries,)
    ),
    # Ana, the support agent
    Page("loop:staff_home", AGENT, url("loop:staff_home"), pile=(many_open_cases,)),
    Page(
        "loop:staff_home(search)",
        AGENT,
        lambda world: reverse("loop:staff_home") + "?q=Tanaka",
        pile=(many_namesakes,),
    ),
    Page(
        "loop:staff_account",
        AGENT,
        url("loop:staff_account", lambda world: world.account.pk),
        pile=EVERYTHING_ABOUT_THE_ACCOUNT,
    ),
    Page("loop:staff_case", AGENT, url("loop:staff_case", lambda world: world.case.pk)),
    Page("loop:staff_webhooks", AGENT, url("loop:staff_webhooks"), pile=(many_deliveries_about_the_account,)),
    Page(
        "loop:staff_webhooks(pending)",
        AGENT,
        lambda world: reverse("loop:staff_webhooks") + "?status=pending",
        pile=(many_deliveries_about_the_account,),
    ),
    Page(
        "loop:staff_webhook", AGENT, url("loop:staff_webhook", lambda world: world.delivery.pk), pile=(many_attempts,)
    ),
    # Sakura's app, with her access token
    Page(
        "oauth:user_info",
        APP,
        lambda world: (
            reverse("oauth:user_info") + "?fields=open_id,union_id,avatar_url,display_name,username,profile_deep_link"
        ),
    ),
]

# Pages whose query count is known to grow; each one says what grows and why.
GROWS_WITH_CROWD: dict[str, str] = {}
# Pages whose count grows, each with why (a strict xfail of its own until fixed). Loop for Developers'
# list of apps did, one icon query per app (5 queries with 1 app, 25 with 21), until icons were read at once.
GROWS_WITH_ROWS: dict[str, str] = {}


@dataclass(frozen=True)
class Cost:
    statuses: tuple[int, int]  # of the GET not counted, then of the counted one
    location: str | None  # where the page sent the browser instead, if it did
    queries: list[str]

    def __len__(self) -> int:
        return len(self.queries)

    def compared_with(self, other: Cost) -> str:
        """What the page asked more of the database this time, with the values left out."""
        extra = Counter(map(shape, self.queries)) - Counter(map(shape, other.queries))
        more = "\n".join(f"{count} x {sql}" for sql, count in extra.most_common(5))
        return f"{len(other)} queries, then {len(self)}; the ones added:\n{more}"


def shape(sql: str) -> str:
    """A query without its values (SQLite's captured SQL has them written in)."""
    return re.sub(r"'[^']*'|\b\d+\b", "?", sql)


Visits = list[tuple[Page, HttpClient]]


def visits_to(pages: list[Page], world: World) -> Visits:
    """Each page with the browser that asks for it; every visitor takes its steps to its page before
    any page is counted, so that no step lands between a page's two counts."""
    return [(page, page.browser(world)) for page in pages]


def cost_of(page: Page, world: World, browser: HttpClient) -> Cost:
    """The queries of one GET of the page, after one GET that is not counted."""
    address = page.url(world)
    first = browser.get(address)
    with CaptureQueriesContext(connection) as captured:
        response = browser.get(address)
    return Cost(
        statuses=(first.status_code, response.status_code),
        location=response.get("Location") or first.get("Location"),
        queries=[query["sql"] for query in captured.captured_queries],
    )


def costs_of(visits: Visits, world: World) -> dict[str, Cost]:
    return {page.name: cost_of(page, world, browser) for page, browser in visits}


def assert_answered(costs: dict[str, Cost], when: str) -> None:
    refused = [
        f"{name}: {cost.statuses} {cost.location or ''}" for name, cost in costs.items() if cost.statuses != (200, 200)
    ]
    assert not refused, f"Pages that did not answer 200 to both GETs {when}:\n" + "\n".join(refused)


def assert_same_costs(small: dict[str, Cost], grown: dict[str, Cost], grown_by: str) -> None:
    """Every page answered 200 both times, and costs as many queries ``grown_by`` as in the small world."""
    assert_answered(small, "in the small world")
    assert_answered(grown, grown_by)
    changed = [
        f"{name}: {grown[name].compared_with(cost)}" for name, cost in small.items() if len(grown[name]) != len(cost)
    ]
    assert not changed, f"Pages whose query count changed {grown_by}:\n\n" + "\n\n".join(changed)


def test_every_page_costs_the_same_queries_with_a_crowd_of_other_accounts(world: World) -> None:
    visits = visits_to([page for page in PAGES if page.name not in GROWS_WITH_CROWD], world)
    small = costs_of(visits, world)
    add_crowd(world)
    crowded = costs_of(visits, world)
    free = [page.name for page, _ in visits if len(small[page.name]) == 0 and page.door != VISITOR]
    assert not free, f"Pages of a signed-in browser, an agent or an app that asked nothing of the database: {free}"
    assert_same_costs(small, crowded, f"with a crowd of {CROWD} other accounts")


def test_every_listing_costs_the_same_queries_however_many_rows_it_has(world: World) -> None:
    listings = [page for page in PAGES if page.pile and page.name not in GROWS_WITH_ROWS]
    visits = visits_to(listings, world)
    small = costs_of(visits, world)
    pile_up([pile for page in listings for pile in page.pile], world)
    piled = costs_of(visits, world)
    assert_same_costs(small, piled, "with many rows of what each page lists")


def known_growths() -> list[Any]:
    """Each page known to grow, with what makes it grow, expected to fail until it is fixed."""

    def case(page: Page, grow: Pile, what: str, reason: str) -> Any:
        return pytest.param(page, grow, id=f"{page.name}-{what}", marks=pytest.mark.xfail(strict=True, reason=reason))

    def its_rows(page: Page) -> Pile:
        return lambda world: pile_up(list(page.pile), world)

    by_name = {page.name: page for page in PAGES}
    return [case(by_name[name], add_crowd, "crowd", reason) for name, reason in GROWS_WITH_CROWD.items()] + [
        case(by_name[name], its_rows(by_name[name]), "rows", reason) for name, reason in GROWS_WITH_ROWS.items()
    ]


@pytest.mark.parametrize(("page", "grow"), known_growths())
def test_a_page_known_to_grow_costs_the_same_queries(world: World, page: Page, grow: Pile) -> None:
    visits = visits_to([page], world)
    small = costs_of(visits, world)
    grow(world)
    assert_same_costs(small, costs_of(visits, world), "once it has grown")


def test_every_page_that_answers_get_is_counted() -> None:
    """A new page in Loop's URL conf must join the list above, or be named here with the reason."""
    from django.urls import get_resolver
    from django.urls.resolvers import URLPattern, URLResolver

    not_pages = {
        # POST only: buttons and forms
        "loop:logout", "loop:set_language", "loop:sessions_logout_others", "loop:session_logout",
        "loop:developer_app_secret", "loop:developer_app_test_webhook", "loop:developer_app_replay",
        "loop:staff_webhook_replay", "loop:staff_account_suspend", "loop:staff_account_restore",
        "loop:staff_case_evidence", "loop:staff_case_restore", "loop:staff_case_approve", "loop:staff_case_decline",
        "oauth:token", "oauth:revoke", "oauth:introspect", "oauth:grant_endings",
        # A redirect by design: the recovery link moves its token into the session (loop:recover_contact)
        "loop:recover",
        # Not Loop pages: the development outbox (files), the favicon, health checks and metrics
        "outbox", "favicon", "healthz", "readyz", "metrics",
    }  # fmt: skip

    def names(patterns: list[Any], namespace: str = "") -> list[str]:
        found = []
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                found += names(pattern.url_patterns, pattern.namespace or namespace)
            elif isinstance(pattern, URLPattern) and pattern.name:
                found.append(f"{namespace}:{pattern.name}" if namespace else pattern.name)
        return found

    counted = {page.name.split("(")[0] for page in PAGES}
    assert set(names(get_resolver().url_patterns)) - not_pages == counted
