"""An app's webhook endpoint, written from TikTok's "Webhooks overview" docs, not from Loop's code.

TikTok sends ``TikTok-Signature: t=<timestamp>,s=<signature>``. To verify it: split the header on
``,`` and each part on ``=``; the signed payload is ``f"{t}.{raw body}"``; compute HMAC-SHA256 of it
keyed by the app's client secret, as hex; compare in constant time; and reject a timestamp too far
from now (5 minutes here).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOLERANCE_SECONDS = 5 * 60


def signature_is_valid(header: str, raw_body: bytes, client_secret: str, now: float | None = None) -> bool:
    """TikTok's check of ``TikTok-Signature`` for a request body, step by step as documented."""
    parts = {}
    for element in header.split(","):
        key, separator, value = element.strip().partition("=")
        if not separator:
            return False
        parts[key] = value
    timestamp, signature = parts.get("t", ""), parts.get("s", "")
    if not timestamp.isdigit() or not signature:
        return False
    if abs((time.time() if now is None else now) - int(timestamp)) > TOLERANCE_SECONDS:
        return False
    signed_payload = f"{timestamp}.".encode() + raw_body
    expected = hmac.new(client_secret.encode(), signed_payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


@dataclass
class Delivery:
    path: str
    signature: str
    body: bytes
    verified: bool


@dataclass
class WebhookReceiver:
    """Records every POST; answers 200 to a verified one and 401 to any other."""

    url: str
    client_secret: str = ""
    deliveries: list[Delivery] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def received(self, delivery: Delivery) -> None:
        with self.lock:
            self.deliveries.append(delivery)

    def all(self) -> list[Delivery]:
        with self.lock:
            return list(self.deliveries)

    def about(self, open_id: str) -> list[tuple[Delivery, dict[str, Any]]]:
        """(delivery, parsed body) of every webhook about the person ``open_id`` received, in order."""
        found = []
        for delivery in self.all():
            body = json.loads(delivery.body)
            if body.get("user_openid") == open_id:
                found.append((delivery, body))
        return found


def handler_for(receiver: WebhookReceiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            signature = self.headers.get("TikTok-Signature", "")
            verified = bool(receiver.client_secret) and signature_is_valid(signature, body, receiver.client_secret)
            receiver.received(Delivery(self.path, signature, body, verified))
            self.send_response(200 if verified else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:  # quiet: the test reports what it got
            pass

    return Handler


@contextmanager
def running_receiver(path: str = "/webhooks/tiktok/") -> Iterator[WebhookReceiver]:
    """A receiver on a free 127.0.0.1 port, serving in a thread until the block ends. Its
    ``client_secret`` is set once the app is registered (the URL is needed to register it)."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)
    receiver = WebhookReceiver(url=f"http://127.0.0.1:{server.server_address[1]}{path}")
    server.RequestHandlerClass = handler_for(receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
