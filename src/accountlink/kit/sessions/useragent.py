"""What a person recognises a browser by: "Chrome on Android", from its User-Agent header.

A small parser of our own: the handful of browsers and systems people use, tested against real
User-Agent strings. Anything else reads as an unknown browser or device; the page also shows the
IP address, so nothing depends on guessing right.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils.translation import gettext as _

# Checked in order: many browsers also name the ones they are built on (Edge says "Chrome" and
# "Safari"; Chrome on iOS says "Safari").
BROWSERS: list[tuple[str, str]] = [
    (r"\bEdg(?:e|A|iOS)?/", "Edge"),
    (r"\bOPR/|\bOPT/|\bOpera\b", "Opera"),
    (r"\bSamsungBrowser/", "Samsung Internet"),
    (r"\bYaBrowser/", "Yandex Browser"),
    (r"\bVivaldi/", "Vivaldi"),
    (r"\bFirefox/|\bFxiOS/", "Firefox"),
    (r"\bCriOS/|\b(?:Headless)?Chrome/|\bChromium/", "Chrome"),
    (r"\bVersion/[\d.]+.*\bSafari/", "Safari"),
    (r"\bcurl/", "curl"),
]
SYSTEMS: list[tuple[str, str]] = [
    (r"\biPhone\b", "iPhone"),
    (r"\biPad\b", "iPad"),
    (r"\bAndroid\b", "Android"),
    (r"\bCrOS\b", "ChromeOS"),
    (r"\bWindows (?:NT|Phone)\b", "Windows"),
    (r"\bMac OS X\b|\bMacintosh\b", "macOS"),
    (r"\bLinux\b|\bX11\b", "Linux"),
]


@dataclass(frozen=True)
class Device:
    browser: str  # "" when not recognised
    system: str  # "" when not recognised

    def __str__(self) -> str:
        """In the active language: "Chrome on Android", "Chrome", "A browser on Android", "Unknown device"."""
        if self.browser and self.system:
            return _("%(browser)s on %(system)s") % {"browser": self.browser, "system": self.system}
        if self.browser:
            return self.browser
        if self.system:
            return _("A browser on %(system)s") % {"system": self.system}
        return _("Unknown device")


def _first(patterns: list[tuple[str, str]], text: str) -> str:
    for pattern, name in patterns:
        if re.search(pattern, text):
            return name
    return ""


def parse(user_agent: str) -> Device:
    text = (user_agent or "")[:300]
    return Device(browser=_first(BROWSERS, text), system=_first(SYSTEMS, text))


def describe(user_agent: str) -> str:
    return str(parse(user_agent))
