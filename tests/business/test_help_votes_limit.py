"""Was this helpful? cannot be stuffed by dropping the cookie: new visitors count against their
network (IPv4 address, IPv6 /64) per article and day, and no address is stored."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client as HttpClient
from django.urls import reverse

from accountlink.helpcenter.actions import VOTES_PER_NETWORK_PER_DAY, vote_counts
from accountlink.helpcenter.models import ArticleVote

pytestmark = pytest.mark.django_db

ARTICLE = "unlink-loop-account"


def vote(address: str, answer: str = "yes", client: HttpClient | None = None, article: str = ARTICLE) -> Any:
    """A vote from ``address``; without ``client``, from a browser that keeps no cookie."""
    browser = client or HttpClient()
    return browser.post(reverse("help:vote", args=[article]), {"helpful": answer}, REMOTE_ADDR=address, follow=True)


def test_fifty_votes_from_a_client_that_drops_the_cookie_count_at_most_the_daily_share() -> None:
    for _ in range(50):
        response = vote("203.0.113.7")
        assert "Thank you for your feedback." in response.content.decode()  # said to every vote alike
    assert vote_counts(ARTICLE) == (VOTES_PER_NETWORK_PER_DAY, 0)
    assert ArticleVote.objects.count() == VOTES_PER_NETWORK_PER_DAY


def test_an_ipv6_network_counts_by_its_64() -> None:
    for host in range(20):
        vote(f"2001:db8:1:2::{host + 1:x}")
    for host in range(20):
        vote(f"2001:db8:1:2:ffff:{host:x}::1")
    assert vote_counts(ARTICLE) == (VOTES_PER_NETWORK_PER_DAY, 0)
    vote("2001:db8:1:3::1")  # the next /64
    assert vote_counts(ARTICLE) == (VOTES_PER_NETWORK_PER_DAY + 1, 0)


def test_other_networks_other_articles_and_the_next_day_count_again() -> None:
    with time_machine.travel(datetime(2026, 3, 1, 10, tzinfo=UTC), tick=False) as traveller:
        for _ in range(10):
            vote("198.51.100.1")
            vote("198.51.100.2", "no")
            vote("198.51.100.1", article="link-existing-account")
        assert vote_counts(ARTICLE) == (VOTES_PER_NETWORK_PER_DAY, VOTES_PER_NETWORK_PER_DAY)
        assert vote_counts("link-existing-account") == (VOTES_PER_NETWORK_PER_DAY, 0)
        traveller.shift(timedelta(days=1))
        vote("198.51.100.1")
        assert vote_counts(ARTICLE) == (VOTES_PER_NETWORK_PER_DAY + 1, VOTES_PER_NETWORK_PER_DAY)


def test_a_visitor_who_keeps_the_cookie_still_changes_their_vote_when_the_share_is_used() -> None:
    keeper = HttpClient()
    vote("192.0.2.9", "yes", client=keeper)
    for _ in range(10):
        vote("192.0.2.9", "yes")
    vote("192.0.2.9", "no", client=keeper)
    assert vote_counts(ARTICLE) == (VOTES_PER_NETWORK_PER_DAY - 1, 1)


def test_no_address_is_stored() -> None:
    vote("203.0.113.200")
    vote("2001:db8:aa:bb::1")
    for row in ArticleVote.objects.values():
        stored = " ".join(str(value) for value in row.values())
        assert "203.0.113" not in stored and "2001:db8" not in stored
        assert len(row["network"]) == 64


def test_the_visitor_cookie_is_http_only_same_site_lax_and_secure_with_secure_cookies(settings: Any) -> None:
    cookie = vote("192.0.2.1").client.cookies["help_visitor"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and not cookie["secure"]
    settings.SESSION_COOKIE_SECURE = True  # SECURE_COOKIES=1
    cookie = vote("192.0.2.1").client.cookies["help_visitor"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["secure"]
