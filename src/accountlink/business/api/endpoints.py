"""The holder's link to Loop, and **Unlink Loop account** (DESIGN §4.1) as JSON.

One flow, many doors (STYLE rule 5): these endpoints call the same actions as the Personal
information page; every refusal is the action's ``CodedError`` (see ``errors.py`` for the statuses).
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.urls import reverse
from ninja import Router, Status
from ninja.errors import ValidationError

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.refresh import do_queue_refresh_if_stale
from accountlink.business.linking.actions.unlink import check_can_unlink, do_send_unlink_code, do_unlink_loop_account
from accountlink.business.linking.queries import link_overview
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact
from accountlink.kit.errors import CodedError, ErrorCode
from accountlink.kit.forms import CodeForm
from accountlink.kit.sessions.reauth import reauthentication_url
from accountlink.kit.throttle.guard import guarded_code
from accountlink.kit.views import recently_authenticated

from . import schemas
from .errors import error_response
from .schemas import Error, InvalidRequest

router = Router(tags=["Loop account link"])

# What the session auth, the CSRF check and the body's schema answer, besides each operation's own.
SAFE = {401: Error}
UNSAFE = {**SAFE, 403: Error, 422: InvalidRequest}


def _account(request: HttpRequest) -> BusinessAccount:
    account = request.auth  # type: ignore[attr-defined]  # set by the session auth
    assert isinstance(account, BusinessAccount)
    return account


def _contact(account: BusinessAccount, contact_id: str) -> Contact:
    """The account's address on that channel. A channel it has no address on names no contact of the
    account, so the action refuses it (``unlink.unknown_contact``) after its own state checks.
    """
    channel = Channel(contact_id)
    return Contact(channel, account.contact_for(channel) or "")


def _reauthentication_required(request: HttpRequest, account: BusinessAccount) -> HttpResponse | None:
    """Unlinking needs a recent authentication (DESIGN §8). Without one: 401
    ``auth.reauthentication_required`` and ``reauthenticate_url``, the "Confirm it's you" page to
    open in the browser (it comes back to Personal information). Refusals of the link's state come
    first: there is no point confirming for an unlink that cannot happen."""
    check_can_unlink(account)
    if recently_authenticated(request):
        return None
    page = reauthentication_url("business:reauthenticate", reverse("business:personal_information"))
    return error_response(
        CodedError(ErrorCode.REAUTH_REQUIRED), status=401, reauthenticate_url=request.build_absolute_uri(page)
    )


def _link_state(account: BusinessAccount) -> schemas.LinkState:
    overview = link_overview(account)
    do_queue_refresh_if_stale(overview.link)  # answered as stored; a worker refreshes a stale link
    link, refusal = overview.link, overview.unlink_refusal
    linked = None
    if link is not None:
        linked = schemas.LinkedAccount(
            username=link.username,
            display_name=link.display_name,
            avatar_url=link.avatar_url,
            scopes=[scope.strip() for scope in link.scopes.split(",") if scope.strip()],
            linked_at=link.linked_at,
        )
    unlink = schemas.UnlinkState(
        allowed=refusal is None,
        refusal=Error(**refusal.as_json()) if refusal is not None else None,
        contacts=[schemas.Contact(id=str(c.channel), masked=c.masked) for c in overview.unlink_contacts],  # type: ignore[arg-type]
    )
    return schemas.LinkState(linked=linked is not None, link=linked, unlink=unlink)


@router.get(
    "/link",
    response={200: schemas.LinkState, **SAFE},
    summary="The linked Loop account and whether it can be unlinked",
    operation_id="get_link",
)
def get_link(request: HttpRequest) -> schemas.LinkState:
    """The Loop account linked to the logged-in business account (or none), and what **Unlink Loop
    account** would do now: allowed (and where a code can be sent, masked) or refused with a code.

    Also sets the CSRF cookie, whose value the unlink operations need in the `X-CSRFToken` header.
    """
    get_token(request)
    return _link_state(_account(request))


@router.post(
    "/link/unlink-code",
    response={202: schemas.CodeSent, 400: Error, 409: Error, 429: Error, **UNSAFE},
    summary="Send a verification code for unlinking",
    operation_id="send_unlink_code",
)
def send_unlink_code(request: HttpRequest, payload: schemas.SendCodeIn) -> Status | HttpResponse:
    """**Send code** in the Unlink dialog: a 6-digit code to one of the account's own addresses,
    valid 10 minutes. A new code voids the previous one.

    Refusals: 409 `unlink.not_linked`, `unlink.managed_account`, `unlink.no_contact`,
    `unlink.last_login_method`; 401 `auth.reauthentication_required` (with `reauthenticate_url`)
    when the session has not logged in or confirmed it's the holder in the last 10 minutes;
    400 `unlink.unknown_contact`; 429 `code.resend_too_soon`, `code.rate_limited` (with `Retry-After`).
    """
    account = _account(request)
    if (refusal := _reauthentication_required(request, account)) is not None:
        return refusal
    contact = _contact(account, payload.contact)
    do_send_unlink_code(account, contact)
    return Status(202, schemas.CodeSent(sent_to=contact.masked))


@router.post(
    "/link/unlink",
    response={200: schemas.Unlinked, 400: Error, 409: Error, 429: Error, **UNSAFE},
    summary="Unlink the Loop account with the code that was sent",
    operation_id="unlink",
)
def unlink(request: HttpRequest, payload: schemas.UnlinkIn) -> schemas.Unlinked | HttpResponse:
    """**Confirm** in the Unlink dialog: with the right code the link ends at once; Loop is told
    (the grant is revoked) and the holder is notified on both platforms.

    Refusals: 409 and 401 as for sending a code; 400 `unlink.unknown_contact`, `code.invalid`,
    `code.expired`, `code.too_many_attempts`; 422 `request.invalid` for a code that is not 6 digits
    (not counted as a try); 429 `auth.throttled` after many wrong codes in a row, with `Retry-After`.
    """
    account = _account(request)
    form = CodeForm({"code": payload.code})  # the same check as the page's form
    if not form.is_valid():
        raise ValidationError(
            [{"loc": ["body", "payload", "code"], "msg": str(form.errors["code"][0]), "type": "code_format"}]
        )
    if (refusal := _reauthentication_required(request, account)) is not None:
        return refusal
    contact, code = _contact(account, payload.contact), form.cleaned_data["code"]
    link = guarded_code(request, account, contact.value, lambda: do_unlink_loop_account(account, contact, code))
    return schemas.Unlinked(unlinked=True, username=link.username)
