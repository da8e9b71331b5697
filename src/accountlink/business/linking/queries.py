"""What the pages and the API read about links. Read from the database only: nothing here calls Loop
or changes anything (a page that wants a stale link refreshed asks ``actions.refresh``)."""

from __future__ import annotations

from dataclasses import dataclass

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.codes.models import Channel
from accountlink.kit.contacts import Contact, mask
from accountlink.kit.errors import CodedError

from .actions.unlink import check_can_unlink
from .models import LoopLink


def current_link(account: BusinessAccount) -> LoopLink | None:
    """The account's link, as stored (the handle, name and avatar Loop gave last)."""
    return LoopLink.objects.filter(account=account).first()


def has_link(account: BusinessAccount) -> bool:
    return LoopLink.objects.filter(account_id=account.pk).exists()


@dataclass(frozen=True)
class LinkOverview:
    """An account's link as Personal information, the Unlink dialog and ``GET /api/v1/link`` show it,
    built in one place so the three never disagree."""

    link: LoopLink | None
    # Why **Unlink Loop account** would be refused now (R3), or None when the holder may unlink.
    unlink_refusal: CodedError | None
    # Where an unlink code can be sent (shown masked); empty when unlinking is refused.
    unlink_contacts: list[Contact]
    # The account's email and phone, masked ("email", "phone"; None when not added): the page
    # behind the Unlink dialog never shows an address in full.
    masked_addresses: dict[str, str | None]


def link_overview(account: BusinessAccount) -> LinkOverview:
    try:
        link: LoopLink | None = check_can_unlink(account)
    except CodedError as refusal:
        # Refused: the link (if there is one) is still shown, and why it cannot be unlinked now.
        return _overview(account, current_link(account), refusal, [])
    return _overview(account, link, None, account.contacts())


def _overview(
    account: BusinessAccount, link: LoopLink | None, refusal: CodedError | None, contacts: list[Contact]
) -> LinkOverview:
    return LinkOverview(
        link=link,
        unlink_refusal=refusal,
        unlink_contacts=contacts,
        masked_addresses={
            "email": mask(Channel.EMAIL, account.email) if account.email else None,
            "phone": mask(Channel.SMS, account.phone) if account.phone else None,
        },
    )
