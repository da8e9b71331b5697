"""``POST /webhooks/loop/``: Loop's signed notices (DESIGN §7).

The signature and its timestamp are checked on the raw body before anything is parsed; refusals
are JSON ``{"code", "message"}`` (401 for the signature, 400 for the content). Only database work
happens here, so Loop gets its answer at once; notifications go out through the task queue.
"""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from accountlink.business.conf import business_settings
from accountlink.kit.errors import CodedError
from accountlink.kit.webhooks import SIGNATURE_HEADER, verify

from .actions import do_receive_notice
from .notices import check_client, parse_notice


@csrf_exempt  # authenticated by its signature, not by a browser session
@require_POST
def loop_webhook(request: HttpRequest) -> JsonResponse:
    body = request.body
    try:
        verify(business_settings.LOOP_CLIENT_SECRET, body, request.headers.get(SIGNATURE_HEADER))
    except CodedError as error:
        return JsonResponse(error.as_json(), status=401)
    try:
        notice = parse_notice(body)
        check_client(notice)
    except CodedError as error:
        return JsonResponse(error.as_json(), status=400)
    return JsonResponse({"status": do_receive_notice(notice)})
