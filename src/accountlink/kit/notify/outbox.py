"""The development outbox: every email and SMS of the demo, one JSON file per message.

Files live in ``<data dir>/outbox/<platform>/``, so the web page, the CLI and the tests read the
same thing without a database, and several workers can write at once (each write is a rename).
"""

from __future__ import annotations

import json
import time
import uuid
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

PLATFORMS = ("consumer", "business")


@dataclass(frozen=True)
class OutboxMessage:
    platform: str
    channel: str
    to: str
    subject: str
    body: str
    sent_at: str
    html: str = ""

    def as_json(self) -> dict[str, str]:
        data = asdict(self)
        data.pop("html")
        return data


def write(outbox_dir: Path, message: OutboxMessage) -> Path:
    folder = Path(outbox_dir) / message.platform
    folder.mkdir(parents=True, exist_ok=True)
    name = f"{time.time_ns():020d}-{uuid.uuid4().hex}.json"
    temporary = folder / f".{name}.tmp"
    temporary.write_text(json.dumps(asdict(message), ensure_ascii=False))
    temporary.replace(folder / name)
    return folder / name


def new_message(platform: str, channel: str, to: str, subject: str, body: str, html: str = "") -> OutboxMessage:
    sent_at = datetime.now(UTC).isoformat(timespec="milliseconds")
    return OutboxMessage(
        platform=platform, channel=channel, to=to, subject=subject, body=body, sent_at=sent_at, html=html
    )


def read(outbox_dir: Path, *, platform: str | None = None, to: str | None = None) -> list[OutboxMessage]:
    """Messages oldest first, optionally only one platform's or one address's."""
    found: list[tuple[str, OutboxMessage]] = []
    for name in [platform] if platform else list(PLATFORMS):
        folder = Path(outbox_dir) / name
        if not folder.is_dir():
            continue
        for path in folder.glob("*.json"):
            try:
                message = OutboxMessage(**json.loads(path.read_text()))
            except (OSError, ValueError, TypeError):
                continue  # a file being replaced or not ours
            if to is None or normalise_address(message.to) == normalise_address(to):
                found.append((path.name, message))
    found.sort(key=lambda item: (item[1].sent_at, item[0]))
    return [message for _, message in found]


def normalise_address(address: str) -> str:
    return "".join(address.split()).lower()
