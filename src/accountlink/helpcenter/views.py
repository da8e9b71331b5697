"""The help center pages (issue 6): index, categories, search, article with breadcrumbs, and Was this
helpful?"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accountlink.helpcontent import articles
from accountlink.kit.i18n.views import remember_language
from accountlink.kit.staff import is_staff_session, is_support_agent
from accountlink.kit.throttle.guard import client_key

from . import actions

VISITOR_COOKIE = "help_visitor"
VISITOR_MAX_AGE = 60 * 60 * 24 * 365


def in_requested_language(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """``?lang=ja``: links from error messages (also from Loop, another site) name the reader's
    language. It is kept in the language cookie and dropped from the address, so the language
    switcher works afterwards; the browser keeps the ``#section`` across the redirect."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: object, **kwargs: object) -> HttpResponse:
        if "lang" not in request.GET:
            return view(request, *args, **kwargs)
        rest = urlencode([(key, value) for key, value in request.GET.items() if key != "lang"])
        response = redirect(request.path + (f"?{rest}" if rest else ""))
        remember_language(response, request.GET["lang"])
        return response

    return wrapper


def _article(slug: str) -> articles.Article:
    article = articles.find(slug)
    if article is None or article.platform != "business":
        raise Http404
    return article


@require_GET
@in_requested_language
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "helpcenter/index.html", {"shelves": articles.shelves()})


@require_GET
@in_requested_language
def category(request: HttpRequest, slug: str) -> HttpResponse:
    shown = articles.find_category(slug)
    if shown is None:
        raise Http404
    return render(
        request,
        "helpcenter/category.html",
        {"category": shown, "trail": articles.trail(shown)[:-1], "shelves": articles.shelves(shown)},
    )


@require_GET
@in_requested_language
def search(request: HttpRequest) -> HttpResponse:
    query = request.GET.get("q", "").strip()[:200]
    return render(request, "helpcenter/search.html", {"query": query, "results": articles.search(query)})


@require_GET
@in_requested_language
def article(request: HttpRequest, slug: str) -> HttpResponse:
    shown = _article(slug)
    related = [
        found for found in map(articles.find, shown.related) if found is not None and found.platform == "business"
    ]
    counts = None
    if is_support_agent(request.user) and is_staff_session(request):
        counts = actions.vote_counts(shown.slug)
    return render(
        request,
        "helpcenter/article.html",
        {
            "article": shown,
            "trail": articles.trail(articles.all_categories()[shown.category]),
            "sections": articles.shown_sections(shown),
            "related": related,
            "counts": counts,
        },
    )


def voter_network(request: HttpRequest) -> str:
    """Today's keyed hash of the client's network (its IPv4 address or IPv6 /64, behind the trusted
    proxies, as the throttle counts clients). The day is in the hash, so votes cannot be linked
    across days, and the address itself is never stored."""
    day = timezone.now().date().isoformat()
    network = client_key(request).value
    return salted_hmac("accountlink.helpcenter.vote-network", f"{day} {network}", algorithm="sha256").hexdigest()


@require_POST
def vote(request: HttpRequest, slug: str) -> HttpResponse:
    shown = _article(slug)
    answer = request.POST.get("helpful")
    response = redirect(reverse("help:article", args=[shown.slug]) + "#feedback")
    if answer not in ("yes", "no"):
        return response
    visitor = request.get_signed_cookie(VISITOR_COOKIE, default="", salt="helpcenter") or secrets.token_urlsafe(16)
    # A vote over the network's daily share is thanked like any other, and not counted.
    actions.do_vote(shown.slug, visitor=visitor, network=voter_network(request), helpful=answer == "yes")
    messages.success(request, _("Thank you for your feedback."))
    response.set_signed_cookie(
        VISITOR_COOKIE,
        visitor,
        salt="helpcenter",
        max_age=VISITOR_MAX_AGE,
        secure=settings.SESSION_COOKIE_SECURE,  # SECURE_COOKIES, like the session cookie
        httponly=True,
        samesite="Lax",
    )
    return response
