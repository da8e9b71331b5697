"""Staff pages of the webhook delivery log: every delivery, every attempt, and **Replay**.

Support agents only (``kit.staff``): others get 403, anonymous visitors the login page.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from accountlink.kit.outbound.models import CallStatus
from accountlink.kit.staff import is_support_agent, staff_only

from . import actions
from .models import WebhookDelivery

PAGE_SIZE = 50


@staff_only(is_support_agent)
@require_GET
def delivery_list(request: HttpRequest) -> HttpResponse:
    deliveries = WebhookDelivery.objects.select_related("client", "call")
    status = request.GET.get("status", "")
    if status in CallStatus.values:
        deliveries = deliveries.filter(call__status=status)
    page = Paginator(deliveries, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "loop/staff_webhooks.html",
        {"page": page, "status": status, "statuses": CallStatus.choices},
    )


@staff_only(is_support_agent)
@require_GET
def delivery_detail(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("client", "call"), pk=delivery_id)
    return render(
        request,
        "loop/staff_webhook.html",
        {"delivery": delivery, "attempts": delivery.call.attempt_log.all()},
    )


@staff_only(is_support_agent)
@require_POST
def replay_delivery(request: HttpRequest, delivery_id: int) -> HttpResponse:
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("client", "call"), pk=delivery_id)
    actions.do_replay_delivery(delivery, actor=request.user)
    messages.success(request, _("The delivery was queued to be sent again."))
    return redirect("loop:staff_webhook", delivery_id=delivery.pk)
