"""Steps of the support tests (DESIGN §4.6, issue 5): labels in any language looked up in the
compiled-from catalogs, staff sign-in with a password and a code, and small page helpers."""

from __future__ import annotations

import functools
import re
import secrets
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import phonenumbers
import polib
from playwright.sync_api import Locator, Page, expect

from tests.e2e.steps import DEMO_PASSWORD, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

LOCALE_DIR = Path(__file__).resolve().parents[2] / "src" / "accountlink" / "locale"
BROWSER_LOCALES = {"en": "en-US", "ja": "ja-JP", "es": "es-ES"}
BRAND = "Loop"
BUSINESS_BRAND = "Loop for Business"


# Labels


@functools.cache
def catalog(language: str) -> dict[tuple[str | None, str], str]:
    """msgid (with its context) → translation, for the entries a person would see translated."""
    po = polib.pofile(str(LOCALE_DIR / language / "LC_MESSAGES" / "django.po"))
    return {
        (entry.msgctxt, entry.msgid): entry.msgstr
        for entry in po
        if entry.msgstr and not entry.fuzzy and not entry.obsolete
    }


def label(language: str, msgid: str, context: str | None = None, **params: str) -> str:
    """What a person reading ``language`` sees for ``msgid``: the English text itself, or its
    translation from the catalog, which must be there and must not be the English text."""
    if language == "en":
        text = msgid
    else:
        text = catalog(language).get((context, msgid), "")
        assert text, f"the {language} catalog has no translation of {msgid!r}"
        assert text != msgid, f"the {language} translation of {msgid!r} is the English text"
    return text % params if params else text.replace("%%", "%")


class Labels:
    """``labels("Log in")``: the label in this language, ready for ``get_by_role(..., exact=True)``."""

    def __init__(self, language: str) -> None:
        self.language = language

    def __call__(self, msgid: str, context: str | None = None, **params: str) -> str:
        return label(self.language, msgid, context, **params)


# People and addresses


def new_reply_address(purpose: str) -> str:
    return f"e2e-{purpose}-{uuid.uuid4().hex[:10]}@reply.example"


def new_japanese_mobile() -> tuple[str, str]:
    """A mobile number no one has yet: as a person types it, and in E.164 (the outbox's address).

    Drawn until the phone-number metadata the pages check with calls it valid: some 090 blocks
    (090-0xxx, say) are not allocated, and the page rightly refuses them."""
    while True:
        digits = f"{secrets.randbelow(10**8):08d}"
        if phonenumbers.is_valid_number(phonenumbers.parse(f"+8190{digits}")):
            return f"+81 90 {digits[:4]} {digits[4:]}", f"+8190{digits}"


def masked_email(email: str) -> str:
    """How the pages show an email address: first and last letter of the name, the domain."""
    name, domain = email.split("@")
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}@{domain}"


def make_suspended_loop_account(system: RunningSystem, language: str, reason: str) -> dict[str, str]:
    """A fresh Loop account, suspended with ``reason`` the way the demo suspends @yuki."""
    tag = uuid.uuid4().hex[:8]
    person = {"handle": f"s{tag}", "email": f"s{tag}@loop.example", "name": "Suspended Tester"}
    system.python(
        "consumer",
        "import datetime, json\n"
        "from accountlink.consumer.accounts import actions\n"
        f"a = actions.do_create_account(handle={person['handle']!r}, display_name={person['name']!r},"
        f" email={person['email']!r}, birth_date=datetime.date(1992, 11, 11), password={DEMO_PASSWORD!r},"
        f" language={language!r})\n"
        f"actions.do_suspend_account(a, reason={reason!r})\n"
        "print(json.dumps(True))",
    )
    return person


# Steps


def reference_on(page: Page) -> str:
    """The case reference (``#000123``) the case received page shows."""
    text = page.locator("main").inner_text()
    match = re.search(r"#\d{6,}", text)
    assert match, f"no case reference on the page: {text!r}"
    return match.group(0)


def log_in(page: Page, url: str, labels: Labels, identifier_label: str, identifier: str, password: str) -> None:
    page.goto(f"{url}/login/")
    page.get_by_label(labels(identifier_label), exact=True).fill(identifier)
    page.get_by_label(labels("Password"), exact=True).fill(password)
    page.get_by_role("button", name=labels("Log in"), exact=True).click()


def staff_sign_in(page: Page, system: RunningSystem, platform: str, email: str) -> None:
    """The password, then the code sent to the staff account's email (DESIGN §8), in English."""
    consumer = platform == "consumer"
    url = system.consumer_url if consumer else system.business_url
    identifier_label = "Username, email or phone" if consumer else "Email or phone number"
    sent_after = system.now()
    log_in(page, url, Labels("en"), identifier_label, email, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name="Enter your staff sign-in code", exact=True)).to_be_visible()
    page.get_by_label("Verification code", exact=True).fill(system.last_code(email, after=sent_after))
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page).not_to_have_url(re.compile(r"/login/"))


def region(page: Page, name: str) -> Locator:
    """A section of a console page, by its heading."""
    return page.get_by_role("region", name=name, exact=True)


def form_with_button(page: Page, button: str) -> Locator:
    """The form whose submit button says ``button`` (console pages have several "Reason" fields)."""
    return page.locator("form").filter(has=page.get_by_role("button", name=button, exact=True))


def open_manage_app_permissions(page: Page, system: RunningSystem) -> None:
    """Loop, in English: Profile → Menu → Settings and privacy → Security and login → Manage app permissions."""
    page.goto(f"{system.consumer_url}/")
    page.get_by_role("navigation").get_by_role("link", name="Profile", exact=True).click()
    page.get_by_role("button", name="Menu", exact=True).click()
    page.get_by_role("link", name="Settings and privacy", exact=True).click()
    page.get_by_role("link", name="Security and login", exact=True).click()
    page.get_by_role("link", name="Manage app permissions", exact=True).click()
    expect(page.get_by_role("heading", name="Manage app permissions", exact=True)).to_be_visible()


def open_personal_information(page: Page) -> None:
    """Loop for Business, in English: Profile menu → User settings → Personal information."""
    page.get_by_role("button", name="Profile menu", exact=True).click()
    page.get_by_role("link", name="User settings", exact=True).click()
    page.get_by_role("link", name="Personal information", exact=True).click()
    expect(page).to_have_url(path_is("/settings/personal/"))
