"""Send a verification code: issue it, queue the message and audit it, in the caller's transaction."""

from __future__ import annotations

from typing import Any

from accountlink.kit.audit.models import EventKind
from accountlink.kit.audit.record import record
from accountlink.kit.codes.actions import issue_code
from accountlink.kit.contacts import Contact
from accountlink.kit.notify.send import notify

# The code message has one wording for both kinds of contact change.
MESSAGE_PURPOSE = {
    "change_email": "change_contact",
    "change_phone": "change_contact",
    "recovery_contact": "change_contact",
}


def send_code(account: Any, *, purpose: str, contact: Contact, language: str) -> None:
    code = issue_code(account, purpose=purpose, channel=contact.channel, destination=contact.value)
    notify(
        channel=contact.channel,
        to=contact.value,
        template="code",
        language=language,
        context={"code": code, "purpose": MESSAGE_PURPOSE.get(purpose, purpose)},
    )
    # The channel and the masked address, never the code.
    record(EventKind.CODE_SENT, account=account, purpose=purpose, channel=str(contact.channel), to=contact.masked)
