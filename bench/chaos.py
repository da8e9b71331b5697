"""A chaos run (issue 14 item 5; DESIGN §5 R1, R2, R8, R9): nothing is lost when any process dies.

Both platforms run on PostgreSQL (a fresh database each, dropped afterwards), each with a web server of
two processes, two task workers and a scheduler. People act at once over HTTP, as the pages post their
forms: Link Loop account, Unlink with a code, Remove access, Continue with Loop, and refreshes (a page
read after the access token expired). Meanwhile a random web process, worker or scheduler is killed
with SIGKILL every few seconds and started again, and once every database connection is dropped.

Afterwards the queues drain, the reconciliation runs, and every account is checked:

  agreement      R2: a business link ↔ an app permission at Loop ↔ a live grant (the link's token is
                 active, and it is the only live one); no link ↔ no permission ↔ every token inactive
  duplicates     R1: two links for one Loop account or one business account (SQL, both sides)
  notices        R8: each unlink audited on a platform sent its holder that platform's notice
  outbound       calls to the other platform still pending, and given up

    .venv/bin/python bench/chaos.py [--operations 400] [--kill-every 3] [--seed N] [--short]

Exits 1 unless agreement is 100 %, with no duplicate and no lost notice.
"""

from __future__ import annotations

import argparse
import os
import random
import shutil
import signal
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from accountlink.kit.notify import outbox
from tests.e2e.cluster import Cluster, children_of, running_cluster
from tests.e2e.http_flows import (
    Pair,
    _csrf,
    _log_in,
    authorize,
    business_link,
    confirm_unlink,
    create_people,
    link,
    send_unlink_code,
)
from tests.e2e.polling import wait_until

PG_URL = os.environ.get("PG_URL", "postgres://postgres@127.0.0.1:5432")
ACCESS_TOKEN_SECONDS = 5  # short, so that reading a page soon after refreshes the link's tokens
CHAOS_ENV = {
    "ACCOUNTLINK_SWEEP_SECONDS": "1",
    "ACCOUNTLINK_ACCESS_TOKEN_SECONDS": str(ACCESS_TOKEN_SECONDS),
}
RECENT_LOGIN_SECONDS = 8 * 60  # unlink and Remove access need a login of the last 10 minutes
CODE_GAP_SECONDS = 65  # a code to the same address no sooner than 60 s, five an hour


# The system


def create_databases(tag: str) -> dict[str, str]:
    names = {platform: f"chaos_{platform}_{tag}" for platform in ("consumer", "business")}
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        for name in names.values():
            connection.execute(f'CREATE DATABASE "{name}"')
    return names


def drop_databases(names: dict[str, str]) -> None:
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        for name in names.values():
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def drop_connections(names: dict[str, str]) -> int:
    """Terminate every connection to both databases, as a database restart or failover would."""
    with psycopg.connect(f"{PG_URL}/postgres", autocommit=True) as connection:
        rows = connection.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = ANY(%s) AND pid <> pg_backend_pid()",
            [list(names.values())],
        ).fetchall()
    return len(rows)


@dataclass
class Chaos:
    """Kills a random part every ``every`` seconds, or ``max_kills`` times spread over the load (and starts
    it again); drops every database connection once, when the load is half done."""

    cluster: Cluster
    databases: dict[str, str]
    rng: random.Random
    every: float
    max_kills: int | None
    killed: Counter[str] = field(default_factory=Counter)
    died: Counter[str] = field(default_factory=Counter)  # parts found dead that we had not killed
    dropped: int | None = None
    stopping: threading.Event = field(default_factory=threading.Event)

    def run(self, progress: Callable[[], float]) -> None:
        next_kill = time.monotonic() + self.every
        while not self.stopping.wait(0.2):
            self.revive()
            if self.dropped is None and progress() >= 0.5:
                self.drop()
            if self.kill_is_due(progress(), next_kill):
                self.kill_one()
                next_kill = time.monotonic() + self.every

    def kill_is_due(self, done: float, next_kill: float) -> bool:
        """Every ``every`` seconds; with ``max_kills`` (the short run), spread evenly over the load's
        progress instead, so that a load that goes faster than usual still sees every kill."""
        if self.max_kills is None:
            return time.monotonic() >= next_kill
        return self.kills < self.max_kills and done >= (self.kills + 1) / (self.max_kills + 1)

    @property
    def kills(self) -> int:
        return sum(self.killed.values())

    def drop(self) -> None:
        self.dropped = drop_connections(self.databases)

    def kill_one(self) -> None:
        victims = [
            (platform, part) for platform in ("consumer", "business") for part in ("web process", *self.cluster.parts)
        ]
        self.rng.shuffle(victims)
        for platform, part in victims:
            if part == "web process":  # one gunicorn worker; its master starts another
                master = self.cluster.processes.get(f"{platform}-web")
                workers = children_of(master.pid) if master is not None and master.poll() is None else []
                if not workers:
                    continue
                os.kill(self.rng.choice(workers), signal.SIGKILL)
            else:  # the whole part (a gunicorn master takes its workers along)
                self.cluster.stop(platform, part, kill=True)
                self.cluster.start(platform, part, wait=False)
            self.killed[f"{platform} {part.split('-')[0]}"] += 1
            return

    def revive(self) -> None:
        for platform in ("consumer", "business"):
            for part in self.cluster.parts:
                process = self.cluster.processes.get(f"{platform}-{part}")
                if process is None or process.poll() is not None:
                    self.died[f"{platform} {part}"] += 1
                    self.cluster.start(platform, part, wait=False)


# The load


@dataclass
class Person:
    pair: Pair
    state: str = (
        "unlinked"  # "linked" (to their own business account), "linked_new" (to one made by Continue with Loop)
    )
    suspect: bool = False  # the last operation failed half-way: the Loop side may differ
    codes: list[float] = field(default_factory=list)
    tokens_at: float = 0.0
    logged_in_at: float = field(default_factory=time.monotonic)
    made: requests.Session | None = None  # logged in to the account Continue with Loop made
    history: list[str] = field(default_factory=list)  # what was done, when, and how it went


class Load:
    def __init__(self, cluster: Cluster, pairs: list[Pair], rng: random.Random, operations: int) -> None:
        self.cluster = cluster
        self.people = [Person(pair) for pair in pairs]
        self.rng = rng
        self.operations = operations
        self.started = 0
        self.finished = 0
        self.outcomes: Counter[tuple[str, bool]] = Counter()
        self.errors: Counter[str] = Counter()
        self.busy: set[int] = set()
        self.lock = threading.Lock()

    def progress(self) -> float:
        return self.finished / self.operations

    def run(self, concurrency: int) -> None:
        with ThreadPoolExecutor(max_workers=concurrency) as pool:
            list(pool.map(lambda _: self.worker(), range(concurrency)))

    def worker(self) -> None:
        while (picked := self.pick()) is not None:
            index, name = picked
            person = self.people[index]
            ok, at = True, datetime.now(UTC).strftime("%H:%M:%S.%f")[:-3]
            try:
                getattr(self, f"do_{name}")(person)
                person.suspect = False
                person.history.append(f"{at} {name} ok")
            except Exception as error:  # under chaos an operation may fail; its effects are checked later
                ok = False
                problem = f"{type(error).__name__}: {' '.join(str(error).split())[:90]}"
                self.errors[f"{name}: {problem}"] += 1
                person.history.append(f"{at} {name} FAILED ({problem})")
                self.resync(person)
            with self.lock:
                self.outcomes[(name, ok)] += 1
                self.finished += 1
                self.busy.discard(index)

    def pick(self) -> tuple[int, str] | None:
        with self.lock:
            if self.started >= self.operations:
                return None
            idle = [index for index in range(len(self.people)) if index not in self.busy]
            self.rng.shuffle(idle)
            for index in idle:
                choices = self.choices(self.people[index])
                if choices:
                    names, weights = zip(*choices, strict=True)
                    self.started += 1
                    self.busy.add(index)
                    return index, self.rng.choices(names, weights)[0]
            return None

    def choices(self, person: Person) -> list[tuple[str, int]]:
        now = time.monotonic()
        expired = now - person.tokens_at > ACCESS_TOKEN_SECONDS + 1
        if person.state == "unlinked":
            return [("link", 4), ("continue_with_loop", 1)] + ([("remove_access", 2)] if person.suspect else [])
        if person.state == "linked_new":
            return [("remove_access", 3), ("continue_with_loop", 1)] + ([("refresh", 1)] if expired else [])
        recent = [moment for moment in person.codes if now - moment < 3600]
        code_allowed = len(recent) < 4 and (not recent or now - recent[-1] > CODE_GAP_SECONDS)
        return (
            [("remove_access", 3), ("continue_with_loop", 2)]
            + ([("unlink_with_code", 3)] if code_allowed else [])
            + ([("refresh", 3)] if expired else [])
        )

    def fresh_login(self, person: Person) -> None:
        if time.monotonic() - person.logged_in_at > RECENT_LOGIN_SECONDS:
            _log_in(person.pair.loop, self.cluster.consumer_url, "loop_csrftoken", person.pair.handle)
            _log_in(person.pair.business, self.cluster.business_url, "lfb_csrftoken", person.pair.business_email)
            person.logged_in_at = time.monotonic()

    def do_link(self, person: Person) -> None:
        link(self.cluster, person.pair)
        person.state, person.tokens_at = "linked", time.monotonic()

    def do_unlink_with_code(self, person: Person) -> None:
        self.fresh_login(person)
        person.codes.append(time.monotonic())
        code = send_unlink_code(self.cluster, person.pair)
        confirm_unlink(self.cluster, person.pair, code)
        person.state = "unlinked"

    def do_remove_access(self, person: Person) -> None:
        """Manage app permissions → Loop for Business → Remove access → confirm."""
        self.fresh_login(person)
        loop = person.pair.loop
        url = f"{self.cluster.consumer_url}/settings/security/apps/{self.cluster.client['client_key']}/remove/"
        answer = loop.post(
            url, data={"csrfmiddlewaretoken": _csrf(loop, "loop_csrftoken")}, allow_redirects=False, timeout=10
        )
        if answer.status_code != 302 or not answer.headers["Location"].endswith("/settings/security/apps/"):
            raise AssertionError(f"Remove access answered {answer.status_code} {answer.headers.get('Location')}")
        person.state, person.made = "unlinked", None

    def do_continue_with_loop(self, person: Person) -> None:
        """Continue with Loop on the business login page, in a browser not logged in there."""
        business, url = requests.Session(), self.cluster.business_url
        business.get(f"{url}/login/", timeout=10)
        start = business.post(
            f"{url}/login/loop/",
            data={"source": "login", "csrfmiddlewaretoken": _csrf(business, "lfb_csrftoken")},
            allow_redirects=False,
            timeout=10,
        )
        callback = authorize(person.pair.loop, start.headers["Location"])
        landed = urlsplit(business.get(callback, allow_redirects=False, timeout=10).headers.get("Location", "")).path
        if landed == "/login/loop/choose/":  # not linked: the person asks for a new business account
            chosen = business.post(
                f"{url}{landed}",
                data={"choice": "create", "csrfmiddlewaretoken": _csrf(business, "lfb_csrftoken")},
                allow_redirects=False,
                timeout=10,
            )
            landed = urlsplit(chosen.headers.get("Location", "")).path
        person.tokens_at = time.monotonic()
        if landed == "/settings/personal/":  # not linked: a new business account, linked, was made
            person.state, person.made = "linked_new", business
        elif landed == "/adsmanager/":  # the linked business account, logged in with fresh tokens
            if person.state == "unlinked":
                person.state, person.made = "linked_new", business
        else:
            raise AssertionError(f"Continue with Loop ended at {landed!r}")

    def do_refresh(self, person: Person) -> None:
        """A page read after the access token expired: the business platform refreshes at Loop."""
        session = person.made if person.state == "linked_new" and person.made else person.pair.business
        if self.rng.random() < 0.5:
            session.get(f"{self.cluster.business_url}/settings/personal/", timeout=10).raise_for_status()
        answer = session.get(f"{self.cluster.business_url}/api/v1/link", timeout=10)
        answer.raise_for_status()
        person.tokens_at = time.monotonic()
        if not answer.json()["linked"]:
            person.state, person.made = "unlinked", None

    def resync(self, person: Person) -> None:
        """After a failure: what does the business platform say now (waiting out a restart)?"""
        person.suspect = True
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if person.state == "linked_new" and person.made is not None:
                    answer = person.made.get(f"{self.cluster.business_url}/api/v1/link", timeout=10)
                    if answer.ok and not answer.json()["linked"]:
                        person.state, person.made = "unlinked", None
                    if answer.ok:
                        return
                else:
                    person.state = "linked" if business_link(self.cluster, person.pair)["linked"] else "unlinked"
                    return
            except (requests.RequestException, ValueError):
                pass
            time.sleep(0.5)


# What both sides hold afterwards (Python run in each platform's Django; prints one JSON value)

# Pending and given-up outbound calls: kit.outbound's OutboundCall once the platform's calls use it,
# else the older rows (revocations at Loop never give up; webhook deliveries fail after 72 hours).
OUTBOUND = """
import json
from django.apps import apps
from django.conf import settings
def outbound_counts():
    if apps.is_installed('accountlink.kit.outbound'):
        from accountlink.kit.outbound.models import OutboundCall
        if settings.ACCOUNTLINK_PLATFORM == 'business':
            from accountlink.business.linking.models import LoopRevocation as Old
            old_field = 'done_at'
        else:
            from accountlink.consumer.webhooks.models import WebhookDelivery as Old
            old_field = 'status'
        if OutboundCall.objects.exists() or old_field not in {f.name for f in Old._meta.get_fields()}:
            calls = OutboundCall.objects.all()
            return {'pending': calls.filter(status='pending').count(),
                    'given_up': calls.filter(status='given_up').count(), 'source': 'OutboundCall'}
    if settings.ACCOUNTLINK_PLATFORM == 'business':
        from accountlink.business.linking.models import LoopRevocation
        return {'pending': LoopRevocation.objects.filter(done_at=None).count(), 'given_up': 0,
                'source': 'LoopRevocation'}
    from accountlink.consumer.webhooks.models import WebhookDelivery
    return {'pending': WebhookDelivery.objects.filter(status='pending').count(),
            'given_up': WebhookDelivery.objects.filter(status='failed').count(), 'source': 'WebhookDelivery'}
from django_tasks_db.models import DBTaskResult
def backlog():
    return {**outbound_counts(), 'ready_tasks': DBTaskResult.objects.ready().count(),
            'running_tasks': sorted(DBTaskResult.objects.running().values_list('task_path', flat=True)),
            'failed_tasks': sorted(DBTaskResult.objects.failed().values_list('task_path', flat=True))}
def duplicates(model, *columns):
    from django.db import connection
    names = ', '.join(model._meta.get_field(c).column for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM (SELECT {names} FROM {model._meta.db_table} GROUP BY {names} '
                       'HAVING COUNT(*) > 1) AS d')
        return cursor.fetchone()[0]
def notices(accounts, kind, template, context):
    from accountlink.kit.notify.send import render
    found = {}
    for account in accounts.filter(audit_events__kind=kind).distinct():
        subject = ' '.join(render(template, account.language, {'name': account.display_name, **context},
                                  'subject.txt').split())
        for contact in account.contacts():
            if str(contact.channel) == 'email':
                found[contact.value] = {'expected': account.audit_events.filter(kind=kind).count(), 'subject': subject}
    return found
"""

BACKLOG = OUTBOUND + "print(json.dumps(backlog()))"

BUSINESS_STATE = (
    OUTBOUND
    + """
from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.models import LoopLink, LoopRevocation
from accountlink.kit.audit.models import EventKind
links = [{'account': l.account_id, 'email': l.account.email or '', 'open_id': l.open_id, 'refresh': l.refresh_token,
          'linked_at': l.linked_at.strftime('%H:%M:%S.%f')[:-3]}
         for l in LoopLink.objects.select_related('account').order_by('pk')]
print(json.dumps({
    'links': links,
    'accounts': BusinessAccount.objects.count(),
    'duplicates': {'links of one Loop account': duplicates(LoopLink, 'open_id'),
                   'links of one business account': duplicates(LoopLink, 'account')},
    'notices': notices(BusinessAccount.objects.all(), EventKind.LOOP_UNLINKED, 'loop_unlinked', {}),
    'revoked_tokens': [[r.open_id, r.token] for r in LoopRevocation.objects.all()],
    'backlog': backlog(),
}))
"""
)

CONSUMER_STATE = (
    OUTBOUND
    + """
from django.utils import timezone
from oauth2_provider.models import get_access_token_model, get_refresh_token_model
from accountlink.consumer.accounts.models import LoopAccount
from accountlink.consumer.oauth.models import AppPermission, Client, ClientOpenId
from accountlink.kit.audit.models import EventKind
client = Client.objects.get(client_id=CLIENT_KEY)
refresh, access = get_refresh_token_model(), get_access_token_model()
accounts = {}
for row in ClientOpenId.objects.filter(client=client).select_related('account'):
    account = row.account
    accounts[row.value] = {
        'handle': account.handle,
        'permission': AppPermission.objects.filter(account=account, client=client).exists(),
        'live_refresh': refresh.objects.filter(user=account, application=client, revoked__isnull=True).count(),
        'live_access': access.objects.filter(user=account, application=client, expires__gt=timezone.now()).count(),
        'live_since': [t.created.strftime('%H:%M:%S.%f')[:-3] for t in
                       refresh.objects.filter(user=account, application=client, revoked__isnull=True).order_by('created')],
    }
print(json.dumps({
    'accounts': accounts,
    'duplicates': {'permissions of one account': duplicates(AppPermission, 'account', 'client'),
                   'open_ids of one account': duplicates(ClientOpenId, 'account', 'client')},
    'notices': notices(LoopAccount.objects.all(), EventKind.APP_ACCESS_REMOVED, 'app_access_removed',
                       {'app_name': client.name}),
    'backlog': backlog(),
}))
"""
)


def backlogs(cluster: Cluster) -> dict[str, dict[str, Any]]:
    return {platform: cluster.python(platform, BACKLOG) for platform in ("consumer", "business")}


# Once the load is over, every call still waiting for its time is one that a person walked away from:
# tokens held for a choice that was never made (up to ten minutes), or through a code exchange that
# never finished (two minutes). Their time is let pass at once, and what they were waiting for is done
# by the workers as it would be then: the hold ends, the call and its task fall due.
FAST_FORWARD = """
import json
from django.apps import apps
from django.conf import settings
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
now = timezone.now()
moved = 0
if apps.is_installed('accountlink.kit.outbound'):
    from accountlink.kit.outbound.models import OutboundCall
    moved = OutboundCall.objects.filter(status='pending', next_attempt_at__gt=now).update(next_attempt_at=now)
DBTaskResult.objects.filter(status='READY', run_after__gt=now).update(run_after=now)
if settings.ACCOUNTLINK_PLATFORM == 'business' and apps.is_installed('accountlink.business.linking'):
    from accountlink.business.linking import models
    if hasattr(models, 'HeldSignIn'):
        models.HeldSignIn.objects.filter(expires_at__gt=now).update(expires_at=now)
print(json.dumps(moved))
"""


def fast_forward(cluster: Cluster) -> int:
    """Let the time of every waiting call pass (see ``FAST_FORWARD``); returns how many there were."""
    return sum(int(cluster.python(platform, FAST_FORWARD)) for platform in ("consumer", "business"))


def settle(cluster: Cluster, timeout: float) -> dict[str, dict[str, Any]]:
    """Poll until no outbound call is pending and no task is due on either platform (or ``timeout``)."""
    found: dict[str, dict[str, Any]] = {}

    def drained() -> bool:
        found.update(backlogs(cluster))
        return all(state["pending"] == 0 and state["ready_tasks"] == 0 for state in found.values())

    try:
        wait_until(drained, timeout=timeout, interval=1)
    except AssertionError:
        print(f"the queues did not drain within {timeout:.0f} s: {found}", flush=True)
    return found


@dataclass
class Verdict:
    lines: list[str]
    figures: dict[str, Any]

    @property
    def passed(self) -> bool:
        figures = self.figures
        return figures["agreement"] == 1.0 and figures["duplicates"] == 0 and figures["lost_notices"] == 0


def agreement(cluster: Cluster, business: dict[str, Any], consumer: dict[str, Any]) -> tuple[int, list[str]]:
    """R2 for every Loop account the business platform knows an open_id of: (accounts agreeing, problems).

    Besides the link and the app permission, every token the business platform ever sent to be revoked
    (a link ended, a grant replaced or refused) must introspect inactive, unless it is a link's own."""
    links = {row["open_id"]: row for row in business["links"]}
    current = {row["refresh"] for row in links.values()}
    revoked_active = Counter(
        open_id for open_id, token in business["revoked_tokens"] if token not in current and cluster.introspect(token)
    )
    problems = []
    agreeing = 0
    for open_id in sorted(set(consumer["accounts"]) | set(links)):
        loop = consumer["accounts"].get(open_id)
        held = links.get(open_id)
        if loop is None:
            problems.append(f"business account #{held['account']} is linked to an open_id Loop does not know")
            continue
        if revoked_active[open_id]:
            problems.append(f"@{loop['handle']}: {revoked_active[open_id]} tokens revoked by business still active")
            continue
        if held is not None:
            active = cluster.introspect(held["refresh"])
            ok = loop["permission"] and active and loop["live_refresh"] == 1
            says = (
                f"linked (since {held['linked_at']} UTC) to business #{held['account']} {held['email']}, "
                f"its refresh token {'active' if active else 'INACTIVE'}"
            )
        else:
            ok = not loop["permission"] and loop["live_refresh"] == 0 and loop["live_access"] == 0
            says = "no link"
        if ok:
            agreeing += 1
        else:
            problems.append(
                f"@{loop['handle']}: business: {says}; Loop: {'an' if loop['permission'] else 'no'} app permission, "
                f"{loop['live_refresh']} live refresh tokens (issued {', '.join(loop['live_since']) or '-'} UTC) "
                f"and {loop['live_access']} live access tokens"
            )
    return agreeing, problems


def count_notices(data_dir: Path, platform: str, expected: dict[str, dict[str, Any]]) -> tuple[int, int, int]:
    """(notices expected, sent, lost) of one platform's unlink notice, address by address."""
    sent: Counter[tuple[str, str]] = Counter()
    for message in outbox.read(data_dir / "outbox", platform=platform):
        sent[(outbox.normalise_address(message.to), " ".join(message.subject.split()))] += 1
    total = got = lost = 0
    for address, want in expected.items():
        count = sent[(outbox.normalise_address(address), want["subject"])]
        total, got, lost = total + want["expected"], got + count, lost + max(0, want["expected"] - count)
    return total, got, lost


def check(cluster: Cluster, reconciled: str, history: dict[str, list[str]]) -> Verdict:
    business = cluster.python("business", BUSINESS_STATE)
    consumer = cluster.python("consumer", f"CLIENT_KEY = {cluster.client['client_key']!r}\n" + CONSUMER_STATE)
    agreeing, problems = agreement(cluster, business, consumer)
    checked = agreeing + len(problems)
    duplicates = {**business["duplicates"], **consumer["duplicates"]}
    notices = {
        platform: count_notices(cluster.data_dir, platform, state["notices"])
        for platform, state in (("business", business), ("consumer", consumer))
    }
    lost = sum(figures[2] for figures in notices.values())
    lines = [
        f"reconciliation: {reconciled.strip().splitlines()[-1] if reconciled.strip() else '-'}",
        f"accounts checked (Loop accounts with an open_id for {cluster.client.get('client_key', '')[:6]}…): {checked}",
        f"both sides agree (R2): {agreeing}/{checked} = {100 * agreeing / max(checked, 1):.1f} %",
        f"links at the end: {len(business['links'])}; business accounts: {business['accounts']}",
        f"tokens sent to be revoked, introspected: {len(business['revoked_tokens'])}",
        "duplicate links (R1): " + ", ".join(f"{name} {count}" for name, count in duplicates.items()),
    ]
    for platform, (expected, sent, missing) in notices.items():
        lines.append(
            f"unlink notices on {platform}: {expected} unlinks audited, {sent} notices sent "
            f"({sent / max(expected, 1):.2f} per unlink), {missing} lost"
        )
    for platform, state in (("consumer", consumer), ("business", business)):
        backlog = state["backlog"]
        lines.append(
            f"outbound calls on {platform} ({backlog['source']}): {backlog['pending']} pending, "
            f"{backlog['given_up']} given up; tasks left running by a killed worker: {len(backlog['running_tasks'])} "
            f"{dict(Counter(backlog['running_tasks'])) or ''}, failed tasks: {len(backlog['failed_tasks'])}"
        )
    for problem in problems:
        lines.append(f"  DISAGREES: {problem}")
        handle = problem.split(":")[0].removeprefix("@")
        lines += [f"    {step}" for step in history.get(handle, [])]
    return Verdict(
        lines,
        {
            "checked": checked,
            "agreement": agreeing / checked if checked else 1.0,
            "duplicates": sum(duplicates.values()),
            "lost_notices": lost,
            "unlinks": {platform: figures[0] for platform, figures in notices.items()},
            "given_up": sum(state["backlog"]["given_up"] for state in (business, consumer)),
            "pending": sum(state["backlog"]["pending"] for state in (business, consumer)),
            "problems": problems,
        },
    )


# The run


@dataclass
class Settings:
    operations: int
    kill_every: float
    seed: int
    max_kills: int | None = None
    people: int = 0
    concurrency: int = 4
    # Tokens and codes held for a flow that failed are revoked 2 minutes later (unlinking.md): wait longer.
    drain_timeout: float = 300
    log: Path | None = None  # where to keep the servers' log


def options(argv: list[str] | None = None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--operations", type=int, default=400, help="operations to drive (default 400)")
    parser.add_argument("--kill-every", type=float, default=3.0, help="seconds between two kills (default 3)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: a new one, printed)")
    parser.add_argument("--short", action="store_true", help="a few dozen operations and 4 kills (make test)")
    parser.add_argument("--log", type=Path, default=None, help="keep the servers' log in this file")
    args = parser.parse_args(argv)
    seed = args.seed if args.seed is not None else random.randrange(1_000_000)
    if args.short:
        return Settings(36, 2.0, seed, max_kills=4, people=12, concurrency=3, drain_timeout=200, log=args.log)
    return Settings(args.operations, args.kill_every, seed, people=max(16, args.operations // 5), log=args.log)


def run(settings: Settings, say: Callable[[str], None] = print) -> tuple[Verdict, dict[str, Any]]:
    """The whole chaos run; returns the verdict and the run's own figures (operations, kills)."""
    rng = random.Random(settings.seed)
    started = time.monotonic()
    databases = create_databases(uuid.uuid4().hex[:8])
    try:
        with tempfile.TemporaryDirectory(prefix="accountlink-chaos-") as temporary:
            try:
                return drive(Path(temporary), databases, settings, rng, say, started)
            except BaseException:
                log = Path(temporary) / "cluster.log"
                if log.exists():
                    print(
                        "--- the end of the servers' log ---\n" + log.read_text(errors="replace")[-6000:],
                        file=sys.stderr,
                    )
                raise
    finally:
        drop_databases(databases)


def drive(
    directory: Path,
    databases: dict[str, str],
    settings: Settings,
    rng: random.Random,
    say: Callable[[str], None],
    started: float,
) -> tuple[Verdict, dict[str, Any]]:
    platform_env = {platform: {"DATABASE_URL": f"{PG_URL}/{name}"} for platform, name in databases.items()}
    say(f"seed {settings.seed}; PostgreSQL databases {', '.join(databases.values())}")
    with running_cluster(directory, CHAOS_ENV, web_workers=2, platform_env=platform_env, worker_count=2) as cluster:
        say(f"system up in {time.monotonic() - started:.0f} s; creating {settings.people} people …")
        load = Load(cluster, create_people(cluster, settings.people), rng, settings.operations)
        chaos = Chaos(cluster, databases, random.Random(settings.seed + 1), settings.kill_every, settings.max_kills)
        monkey = threading.Thread(target=chaos.run, args=(load.progress,), daemon=True)
        load_started = time.monotonic()
        say(
            f"driving {settings.operations} operations, {settings.concurrency} at a time, a kill every {settings.kill_every:g} s …"
        )
        monkey.start()
        load.run(settings.concurrency)
        chaos.stopping.set()
        monkey.join()
        load_seconds = time.monotonic() - load_started
        if chaos.dropped is None:
            chaos.drop()
        chaos.revive()
        for platform in ("consumer", "business"):
            cluster.wait_until_up(platform)
        waiting = fast_forward(cluster)
        say(f"load done in {load_seconds:.0f} s; {waiting} calls waiting for their time; letting the queues drain …")
        settle(cluster, settings.drain_timeout)
        reconciled = cluster.manage("business", "reconcile")
        settle(cluster, settings.drain_timeout)
        verdict = check(cluster, reconciled, {person.pair.handle: person.history for person in load.people})
        if settings.log:
            shutil.copyfile(directory / "cluster.log", settings.log)
    ok = sum(count for (_name, success), count in load.outcomes.items() if success)
    by_kind = Counter[str]()
    for (name, success), count in load.outcomes.items():
        by_kind[f"{name} {'ok' if success else 'failed'}"] += count
    run_figures = {
        "operations": load.finished,
        "succeeded": ok,
        "kills": chaos.kills,
        "killed": dict(chaos.killed),
        "died": dict(chaos.died),
        "dropped": chaos.dropped,
        "seconds": time.monotonic() - started,
    }
    lines = [
        f"operations done: {load.finished} ({ok} succeeded, {load.finished - ok} failed under chaos) in {load_seconds:.0f} s",
        "  " + ", ".join(f"{name} {count}" for name, count in sorted(by_kind.items())),
        f"processes killed: {chaos.kills} ({', '.join(f'{name} {n}' for name, n in sorted(chaos.killed.items()))})",
        f"processes that died without being killed (restarted): {sum(chaos.died.values())} {dict(chaos.died) or ''}",
        f"database connections dropped once: {chaos.dropped}",
        f"calls that were waiting for their time when the load ended (let pass at once): {waiting}",
    ]
    lines += [f"  failure: {count} × {error}" for error, count in load.errors.most_common(8)]
    verdict.lines[:0] = lines
    verdict.lines.append(f"total time: {run_figures['seconds']:.0f} s")
    return verdict, run_figures


def main() -> int:
    settings = options()
    verdict, _figures = run(settings, say=lambda line: print(line, flush=True))
    print("\n".join(verdict.lines))
    print("target met: 100 % agreement, 0 duplicates, 0 lost notices" if verdict.passed else "TARGET MISSED")
    return 0 if verdict.passed else 1


if __name__ == "__main__":
    raise SystemExit(main())
