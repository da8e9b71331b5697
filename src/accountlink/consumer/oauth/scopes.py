"""The scopes Loop grants, with the plain words the consent screen shows for each.

Scope names and the fields each one unlocks follow TikTok Login Kit v2 (DESIGN §7).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

BASIC = "user.info.basic"
PROFILE = "user.info.profile"

SCOPES: dict[str, Promise] = {
    BASIC: _("Your name and profile photo"),
    PROFILE: _("Your username"),
}

FIELDS_BY_SCOPE: dict[str, tuple[str, ...]] = {
    BASIC: ("open_id", "union_id", "avatar_url", "display_name"),
    PROFILE: ("username",),
}


def parse_scopes(value: str) -> list[str]:
    """Scopes come comma-separated on Loop's wire (spaces are tolerated); keep the order, drop repeats."""
    seen: list[str] = []
    for part in value.replace(",", " ").split():
        if part not in seen:
            seen.append(part)
    return seen


def format_scopes(scopes: list[str] | str) -> str:
    if isinstance(scopes, str):
        scopes = parse_scopes(scopes)
    return ",".join(scopes)
