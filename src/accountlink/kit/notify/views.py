from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from accountlink.kit.conf import platform_settings

from . import outbox


def outbox_page(request: HttpRequest) -> HttpResponse:
    """The development outbox (demo mode only): what this platform sent, newest first."""
    if not platform_settings.DEMO_MODE:
        raise Http404
    to = request.GET.get("to", "").strip() or None
    messages = outbox.read(platform_settings.OUTBOX_DIR, platform=platform_settings.PLATFORM, to=to)
    return render(request, "kit/outbox.html", {"outbox_messages": list(reversed(messages)), "to": to or ""})
