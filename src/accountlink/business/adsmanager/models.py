from __future__ import annotations

import zoneinfo

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

CURRENCIES = [
    ("USD", _("US dollar (USD)")),
    ("EUR", _("Euro (EUR)")),
    ("JPY", _("Japanese yen (JPY)")),
    ("GBP", _("British pound (GBP)")),
    ("MXN", _("Mexican peso (MXN)")),
]

TIME_ZONES = sorted(
    zone
    for zone in zoneinfo.available_timezones()
    if "/" in zone and not zone.startswith(("Etc/", "SystemV/", "posix/", "right/"))
)


class AdAccount(models.Model):
    """An ad account owned by a business account. It stays with the business account whatever happens to links."""

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="ad_accounts")
    name = models.CharField(_("ad account name"), max_length=100)
    currency = models.CharField(_("currency"), max_length=3, choices=CURRENCIES)
    time_zone = models.CharField(_("time zone"), max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.name
