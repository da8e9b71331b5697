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

# TikTok's third user scope. Loop has no followers, likes or videos, so it never grants it, and asking
# for its fields always answers ``scope_permission_missed``.
STATS = "user.info.stats"

# Get User Info: every field TikTok documents, under the scope that unlocks it.
FIELDS_BY_SCOPE: dict[str, tuple[str, ...]] = {
    BASIC: ("open_id", "union_id", "avatar_url", "avatar_url_100", "avatar_large_url", "display_name"),
    PROFILE: ("bio_description", "profile_deep_link", "is_verified", "username"),
    STATS: ("follower_count", "following_count", "likes_count", "video_count"),
}
SCOPE_OF_FIELD: dict[str, str] = {field: scope for scope, fields in FIELDS_BY_SCOPE.items() for field in fields}


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
