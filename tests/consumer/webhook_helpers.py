"""A fake webhook endpoint of the app (with ``responses``), and what Loop sent to it."""

from __future__ import annotations

import json
from typing import Any

import responses

from accountlink.kit.webhooks import SIGNATURE_HEADER, verify

# The webhook URL ``oauth_helpers.register`` gives the app.
WEBHOOK_URL = "https://business.example/webhooks/loop/"


class WebhookEndpoint:
    """The app's endpoint. Answers 200 until told otherwise."""

    def __init__(self, mock: responses.RequestsMock) -> None:
        self.mock = mock
        mock.add(responses.POST, WEBHOOK_URL, status=200)

    def answer(self, status: int) -> None:
        self.mock.replace(responses.POST, WEBHOOK_URL, status=status)

    def fail_with(self, error: BaseException) -> None:
        self.mock.replace(responses.POST, WEBHOOK_URL, body=error)

    @property
    def requests(self) -> list[Any]:
        return [call.request for call in self.mock.calls if call.request.url == WEBHOOK_URL]

    def payloads(self) -> list[dict[str, Any]]:
        return [json.loads(request.body) for request in self.requests]

    def verified_payload(self, request: Any, secret: str) -> dict[str, Any]:
        """The JSON of one request, after checking its signature as a receiver would."""
        verify(secret, request.body, request.headers.get(SIGNATURE_HEADER))
        payload: dict[str, Any] = json.loads(request.body)
        return payload


def reason_of(payload: dict[str, Any]) -> int:
    reason: int = json.loads(payload["content"])["reason"]
    return reason
