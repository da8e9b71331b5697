"""The linking and unlinking flows driven over plain HTTP (``requests``), as a browser would post the
forms: for fault tests and the propagation benchmark, where many people act at once.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

from accountlink.kit.notify import outbox
from tests.e2e.cluster import Cluster
from tests.e2e.polling import eventually

PASSWORD = "Harbor-Lantern-7391"


@dataclass
class Pair:
    """A Loop account and a business account of one person, each with its own logged-in session."""

    handle: str
    loop_email: str
    business_email: str
    loop: requests.Session
    business: requests.Session


def _csrf(session: requests.Session, cookie: str) -> str:
    return session.cookies.get(cookie) or ""


def _log_in(session: requests.Session, url: str, cookie: str, identifier: str) -> None:
    session.get(f"{url}/login/", timeout=10)
    answer = session.post(
        f"{url}/login/",
        data={"identifier": identifier, "password": PASSWORD, "csrfmiddlewaretoken": _csrf(session, cookie)},
        allow_redirects=False,
        timeout=10,
    )
    if answer.status_code != 302:
        raise AssertionError(f"could not log in as {identifier} at {url} ({answer.status_code})")


def create_people(cluster: Cluster, count: int) -> list[Pair]:
    """``count`` people, each with an adult Loop account and a business account with email and password."""
    tag = uuid.uuid4().hex[:6]
    people = [
        {"handle": f"p{tag}{n}", "loop": f"p{tag}{n}@loop.example", "business": f"p{tag}{n}@business.example"}
        for n in range(count)
    ]
    cluster.python(
        "consumer",
        "import json, datetime\n"
        "from accountlink.consumer.accounts.actions import do_create_account\n"
        f"for p in {people!r}:\n"
        "    do_create_account(handle=p['handle'], display_name=p['handle'].title(), email=p['loop'],"
        f" birth_date=datetime.date(1990, 5, 20), password={PASSWORD!r})\n"
        "print(json.dumps(True))",
    )
    cluster.python(
        "business",
        "import json\n"
        "from accountlink.business.accounts.actions import do_create_account\n"
        f"for p in {people!r}:\n"
        f"    do_create_account(email=p['business'], password={PASSWORD!r}, display_name=p['handle'])\n"
        "print(json.dumps(True))",
    )
    pairs = []
    for person in people:
        pair = Pair(person["handle"], person["loop"], person["business"], requests.Session(), requests.Session())
        _log_in(pair.loop, cluster.consumer_url, "loop_csrftoken", pair.handle)
        _log_in(pair.business, cluster.business_url, "lfb_csrftoken", pair.business_email)
        pairs.append(pair)
    return pairs


def link(cluster: Cluster, pair: Pair) -> None:
    """Link Loop account → consent on Loop → Authorize → back on Personal information."""
    business, loop = pair.business, pair.loop
    business.get(f"{cluster.business_url}/settings/personal/", timeout=10)
    start = business.post(
        f"{cluster.business_url}/settings/personal/link-loop/",
        data={"csrfmiddlewaretoken": _csrf(business, "lfb_csrftoken")},
        allow_redirects=False,
        timeout=10,
    )
    callback = authorize(loop, start.headers["Location"])
    done = business.get(callback, allow_redirects=False, timeout=10)
    assert done.headers.get("Location", "").endswith("/settings/personal/"), done.headers.get("Location")
    if not business_link(cluster, pair)["linked"]:
        raise AssertionError(f"@{pair.handle} is not linked after the link flow")


def authorize(loop: requests.Session, authorize_url: str) -> str:
    """On Loop's consent screen, **Authorize** (skipped when access was given before); returns the
    business platform's callback URL that Loop sends the browser to."""
    consent = loop.get(authorize_url, allow_redirects=False, timeout=10)
    if consent.status_code == 200:
        consent = loop.post(
            authorize_url,
            data={"authorize": "1", "csrfmiddlewaretoken": _csrf(loop, "loop_csrftoken")},
            allow_redirects=False,
            timeout=10,
        )
    callback: str = consent.headers["Location"]
    assert urlsplit(callback).path == "/oauth/loop/callback/", callback
    return callback


def business_link(cluster: Cluster, pair: Pair) -> dict[str, Any]:
    """``GET /api/v1/link`` as the business account holder."""
    answer = pair.business.get(f"{cluster.business_url}/api/v1/link", timeout=10)
    answer.raise_for_status()
    result: dict[str, Any] = answer.json()
    return result


def remove_access(cluster: Cluster, pair: Pair) -> None:
    """Manage app permissions → Loop for Business → Remove access → confirm, as the Loop holder."""
    url = f"{cluster.consumer_url}/settings/security/apps/{cluster.client['client_key']}/remove/"
    answer = pair.loop.post(
        url, data={"csrfmiddlewaretoken": _csrf(pair.loop, "loop_csrftoken")}, allow_redirects=False, timeout=10
    )
    if answer.status_code != 302:
        raise AssertionError(f"Remove access answered {answer.status_code}")


def tokens_of(cluster: Cluster, pairs: list[Pair]) -> dict[str, tuple[str, str]]:
    """What the business platform holds for each pair's link: business email → (access, refresh) token."""
    emails = [pair.business_email for pair in pairs]
    found: dict[str, list[str]] = cluster.python(
        "business",
        "import json\n"
        "from accountlink.business.linking.models import LoopLink\n"
        f"links = LoopLink.objects.filter(account__email__in={emails!r}).select_related('account')\n"
        "print(json.dumps({l.account.email: [l.access_token, l.refresh_token] for l in links}))",
    )
    return {email: (tokens[0], tokens[1]) for email, tokens in found.items()}


def api_post(cluster: Cluster, pair: Pair, path: str, body: dict[str, Any]) -> requests.Response:
    session = pair.business
    return session.post(
        f"{cluster.business_url}/api/v1/{path}",
        data=json.dumps(body),
        headers={
            "Content-Type": "application/json",
            "X-CSRFToken": _csrf(session, "lfb_csrftoken"),
            "Referer": f"{cluster.business_url}/",
        },
        timeout=10,
    )


def next_code(data_dir: Path, to: str, seen: int, timeout: float = 20) -> str:
    """The 6-digit code of the first message to ``to`` after the ``seen`` already there.

    Counting messages, not comparing times: a sign-up code sent a moment earlier must not be taken
    for the code just asked for when the worker has not written that one yet."""

    def code() -> str | None:
        for message in outbox.read(data_dir / "outbox", to=to)[seen:]:
            # The code message's subject carries the code; other notices (linked, say) have none.
            match = re.search(r"(?<!\d)(\d{6})(?!\d)", message.subject)
            if match:
                return match.group(1)
        return None

    return eventually(code, timeout=timeout, interval=0.05, failure=f"no code reached {to} within {timeout} s")


def send_unlink_code(cluster: Cluster, pair: Pair) -> str:
    """Send code (to the account's email) through the JSON API and read it from the outbox."""
    seen = len(outbox.read(cluster.data_dir / "outbox", to=pair.business_email))
    answer = api_post(cluster, pair, "link/unlink-code", {"contact": "email"})
    if answer.status_code != 202:
        raise AssertionError(f"unlink-code answered {answer.status_code}: {answer.text}")
    return next_code(cluster.data_dir, pair.business_email, seen)


def confirm_unlink(cluster: Cluster, pair: Pair, code: str) -> None:
    answer = api_post(cluster, pair, "link/unlink", {"contact": "email", "code": code})
    if answer.status_code != 200:
        raise AssertionError(f"unlink answered {answer.status_code}: {answer.text}")
