from __future__ import annotations

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from . import outbox


def outbox_page(request: HttpRequest) -> HttpResponse:
    """The development outbox (demo mode only): what this platform sent, newest first."""
    if not settings.ACCOUNTLINK_DEMO_MODE:
        raise Http404
    to = request.GET.get("to", "").strip() or None
    messages = outbox.read(settings.ACCOUNTLINK_OUTBOX_DIR, platform=settings.ACCOUNTLINK_PLATFORM, to=to)
    return render(request, "kit/outbox.html", {"outbox_messages": list(reversed(messages)), "to": to or ""})
