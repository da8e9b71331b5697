"""What the API reads and writes. These models are also the OpenAPI document's schemas."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from ninja import Field, Schema

# A contact is named by its channel: an account has at most one email address and one phone number.
ContactId = Literal["email", "sms"]
# Six digits, ASCII or full-width (as a Japanese keyboard types them), with any spaces around or between.
CODE_PATTERN = r"^\s*(?:[0-9\uff10-\uff19]\s*){6}$"


class Error(Schema):
    """Every refusal: a stable code (the contract) and a message in the request's language (for people)."""

    code: str = Field(examples=["code.invalid"])
    message: str = Field(examples=["That code isn't right. Check the code we sent you and try again."])
    help_url: str | None = Field(
        default=None,
        description="The help-center section that explains this refusal, in the request's language (when one does).",
        examples=["https://business.example/help/linking-errors/?lang=en#code-invalid"],
    )


class FieldError(Schema):
    loc: list[str | int] = Field(description="Where the problem is, e.g. ['body', 'payload', 'code'].")
    msg: str
    type: str


class InvalidRequest(Error):
    """``request.invalid`` for a body that does not match the operation's schema, field by field."""

    code: str = Field(examples=["request.invalid"])
    message: str = Field(examples=["Some of the information sent is missing or not valid."])
    errors: list[FieldError]


class Contact(Schema):
    id: ContactId = Field(description="What to send as `contact` to the unlink operations.")
    masked: str = Field(examples=["s****a@example.com"], description="Enough to recognise, never the full address.")


class LinkedAccount(Schema):
    username: str
    display_name: str
    avatar_url: str
    scopes: list[str]
    linked_at: datetime


class UnlinkState(Schema):
    allowed: bool = Field(description="Whether the holder may unlink now (a code can be sent).")
    refusal: Error | None = Field(description="Why not, when `allowed` is false.")
    contacts: list[Contact] = Field(description="Where a code can be sent; empty when `allowed` is false.")


class LinkState(Schema):
    linked: bool
    link: LinkedAccount | None
    unlink: UnlinkState


class SendCodeIn(Schema):
    contact: ContactId


class CodeSent(Schema):
    sent_to: str = Field(examples=["s****a@example.com"])


class UnlinkIn(Schema):
    contact: ContactId
    code: str = Field(
        max_length=12,
        examples=["123456"],
        description="The 6-digit code that was sent to `contact` (spaces and full-width digits are accepted).",
        # Declared for clients; checked by the page's own code form (translated message, not a try).
        json_schema_extra={"pattern": CODE_PATTERN},
    )


class Unlinked(Schema):
    unlinked: Literal[True]
    username: str
