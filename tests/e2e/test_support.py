"""Support in a real browser (DESIGN §4.6, issue 5): a business account holder with no way to log in
gets back in through Contact support, a suspended Loop account appeals in Japanese and is restored,
an account manager unlinks a managed account, and the Contact support pages in Spanish.

Requesters and staff each have their own browser context. Staff sign in with their password and the
code sent to their email. Every label is the one a person reads; Japanese and Spanish labels come
from the catalogs, so a missing translation fails the test. Console pages are captured at phone and
desktop size and must not scroll sideways.

Demo accounts changed here are used by no other end-to-end test: the business account made with
Continue with Loop for @kenji (given a phone and a password), managed@example.com and @ren (unlinked).
The appeal is made by a fresh suspended account, since test_loop.py expects @yuki to stay suspended.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Page, expect

from tests.e2e.polling import wait_until
from tests.e2e.steps import DEMO_PASSWORD, capture_at_each_size, log_in_to_business, log_in_to_loop, path_is
from tests.e2e.support_steps import (
    BRAND,
    BROWSER_LOCALES,
    BUSINESS_BRAND,
    Labels,
    form_with_button,
    log_in,
    make_suspended_loop_account,
    masked_email,
    new_japanese_mobile,
    new_reply_address,
    open_manage_app_permissions,
    open_personal_information,
    reference_on,
    region,
    staff_sign_in,
)

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

NEW_PASSWORD = "Quiet-Orchard-5827"
BUSINESS_IDENTIFIER = "The account's email or phone number, or the @username of its linked %(brand)s account"
LOOP_IDENTIFIER = "The account's username, email or phone number"
RECOVERY_LINK = re.compile(r"https?://\S+/support/recover/[\w-]+/")


def test_business_recovery_end_to_end(open_page: Callable[..., Page], system: RunningSystem) -> None:
    # The holder of the account made with Continue with Loop for @kenji has no email, phone or password.
    holder = open_page()
    reply_to = new_reply_address("kenji")
    holder.goto(f"{system.business_url}/login/")
    holder.get_by_role("link", name="Contact support", exact=True).click()
    expect(holder.get_by_role("heading", name="Contact support", exact=True)).to_be_visible()
    assert capture_at_each_size(holder, "support-business-contact") == []
    holder.get_by_label("Your name", exact=True).fill("Kenji Sato")
    holder.get_by_label(BUSINESS_IDENTIFIER % {"brand": BRAND}, exact=True).fill("@kenji")
    holder.get_by_label("Where can we reach you?", exact=True).fill(reply_to)
    holder.get_by_label("What happened?", exact=True).fill(
        "I made this account with Continue with Loop and never added an email or phone. "
        "Loop now logs me out on this laptop, so I can't get in. My ad account is Kenji Coffee."
    )
    holder.get_by_role("button", name="Send request", exact=True).click()

    expect(holder.get_by_role("heading", name="Request received", exact=True)).to_be_visible()
    reference = reference_on(holder)
    expect(holder.locator("main")).to_contain_text(
        f"Your request {reference} is with our support team. We'll write to you at {masked_email(reply_to)}."
    )
    assert capture_at_each_size(holder, "support-business-case-received") == []

    # A support agent signs in (password and code), finds the case among the open ones and decides it.
    agent = open_page()
    staff_sign_in(agent, system, "business", "support@example.com")
    agent.get_by_role("link", name="Staff console", exact=True).first.click()
    expect(agent.get_by_role("heading", name="Accounts and cases", exact=True)).to_be_visible()
    assert capture_at_each_size(agent, "support-business-staff-home") == []
    agent.get_by_role("link", name=reference, exact=True).click()
    expect(agent.get_by_role("heading", name=f"Case {reference}", exact=True)).to_be_visible()
    expect(agent.locator("[data-reply-to]")).to_have_text(reply_to)
    expect(agent.locator("[data-case-account]")).to_contain_text("Kenji Sato")
    assert capture_at_each_size(agent, "support-business-staff-case") == []

    evidence = "Video call 10:30 JST: showed the Kenji Coffee ad account's invoices and his Loop profile @kenji."
    agent.get_by_label("Evidence", exact=True).fill(evidence)
    agent.get_by_role("button", name="Record evidence", exact=True).click()
    expect(agent.get_by_role("status")).to_have_text("The evidence was recorded.")
    expect(agent.locator("[data-evidence]")).to_have_text(evidence)

    approve = region(agent, "Approve and send link")
    approve.get_by_label("Reason", exact=True).fill("Ownership confirmed on the video call.")
    approved_at = system.now()
    approve.get_by_role("button", name="Approve and send link", exact=True).click()
    expect(agent.get_by_role("status")).to_have_text(
        f"The case is approved. A link to add an email or phone was sent to {reply_to}."
    )
    expect(agent.locator("[data-status]")).to_have_text("Approved")
    expect(agent.locator("[data-decision]")).to_contain_text("Ownership confirmed on the video call.")
    assert capture_at_each_size(agent, "support-business-staff-case-approved") == []

    # The link arrives at the reply address; the holder adds a phone number with it.
    message = system.last_message(reply_to, after=approved_at)
    match = RECOVERY_LINK.search(message["body"])
    assert match, f"no recovery link in {message['body']!r}"
    link = match.group(0)
    assert link.startswith(system.business_url), link
    assert reference in message["body"]

    typed_phone, phone = new_japanese_mobile()
    holder.goto(link)
    expect(holder).to_have_url(path_is("/support/recover/"))  # the token leaves the address at once
    expect(holder.get_by_role("heading", name="Add an email or phone", exact=True)).to_be_visible()
    assert capture_at_each_size(holder, "support-business-recover-contact") == []
    holder.get_by_label("Email or phone number", exact=True).fill(typed_phone)
    sent_after = system.now()
    holder.get_by_role("button", name="Send code", exact=True).click()
    expect(holder.get_by_role("heading", name="Enter the verification code", exact=True)).to_be_visible()
    holder.get_by_label("Verification code", exact=True).fill(system.last_code(phone, after=sent_after))
    holder.get_by_role("button", name="Confirm", exact=True).click()

    # Forgot password now works with the phone.
    expect(holder).to_have_url(path_is("/password/forgot/"))
    expect(holder.get_by_role("status")).to_contain_text("is now on your account. Reset your password to log in again.")
    holder.get_by_label("Email or phone number", exact=True).fill(typed_phone)
    sent_after = system.now()
    holder.get_by_role("button", name="Send code", exact=True).click()
    expect(holder).to_have_url(path_is("/password/reset/"))
    holder.get_by_label("Verification code", exact=True).fill(system.last_code(phone, after=sent_after))
    holder.get_by_label("New password", exact=True).fill(NEW_PASSWORD)
    holder.get_by_role("button", name="Reset password", exact=True).click()
    expect(holder).to_have_url(path_is("/login/"))
    expect(holder.get_by_role("status")).to_have_text("Your password has been reset. Log in with your new password.")
    log_in_to_business(holder, system.business_url, typed_phone, NEW_PASSWORD)
    expect(holder).to_have_url(path_is("/adsmanager/"))

    # The link worked once.
    other = open_page()
    other.goto(link)
    expect(other.get_by_role("heading", name="Recover your account", exact=True)).to_be_visible()
    expect(other.get_by_role("alert")).to_have_text(
        "This link has already been used. Each link works only once. Learn more about this"
    )
    expect(other.get_by_role("button", name="Send code", exact=True)).to_have_count(0)


def test_loop_appeal_and_restore_in_japanese(open_page: Callable[..., Page], system: RunningSystem) -> None:
    ja = Labels("ja")
    reason = "Demo: suspended for review"
    person = make_suspended_loop_account(system, "ja", reason)
    reply_to = new_reply_address("appeal")

    # Logging in shows why the account is suspended, and how to appeal.
    holder = open_page(locale=BROWSER_LOCALES["ja"])
    log_in(holder, system.consumer_url, ja, "Username, email or phone", f"@{person['handle']}", DEMO_PASSWORD)
    suspended = holder.get_by_test_id("suspended")
    expect(suspended).to_contain_text(ja("Reason: %(reason)s", reason=reason))
    expect(suspended).to_contain_text(ja("If you think this is a mistake, you can appeal."))
    suspended.get_by_role("link", name=ja("Contact support"), exact=True).click()

    expect(holder.get_by_role("heading", name=ja("Contact support"), exact=True)).to_be_visible()
    expect(holder.get_by_label(ja(LOOP_IDENTIFIER), exact=True)).to_have_value(f"@{person['handle']}")
    assert capture_at_each_size(holder, "support-loop-appeal-ja") == []
    holder.get_by_label(ja("Your name"), exact=True).fill("伊藤 ゆき")
    holder.get_by_label(ja("Where can we reach you?"), exact=True).fill(reply_to)
    holder.get_by_label(ja("What happened?"), exact=True).fill("心当たりがありません。確認をお願いします。")
    holder.get_by_role("button", name=ja("Send appeal"), exact=True).click()

    expect(holder.get_by_role("heading", name=ja("Request received"), exact=True)).to_be_visible()
    reference = reference_on(holder)
    expect(holder.locator("main")).to_contain_text(
        ja(
            "Your request %(reference)s is with our support team. We'll write to you at %(to)s.",
            reference=reference,
            to=masked_email(reply_to),
        )
    )
    expect(holder.locator("main")).to_contain_text(
        ja("We'll tell you there whether the account is restored. You don't need to send the appeal again.")
    )
    assert capture_at_each_size(holder, "support-loop-appeal-received-ja") == []

    # A support agent (in English) finds the account from Settings and privacy → Support console.
    agent = open_page()
    staff_sign_in(agent, system, "consumer", "support@example.com")
    agent.get_by_role("navigation").get_by_role("link", name="Profile", exact=True).click()
    agent.get_by_role("button", name="Menu", exact=True).click()
    agent.get_by_role("link", name="Settings and privacy", exact=True).click()
    agent.get_by_role("link", name="Support console", exact=True).click()
    expect(agent.get_by_role("heading", name="Support console", exact=True)).to_be_visible()
    expect(agent.locator(f"tr:has(a:text-is('{reference}'))")).to_contain_text(f"@{person['handle']}")
    agent.get_by_role("searchbox", name="Find an account").fill(f"@{person['handle']}")
    agent.get_by_role("button", name="Search", exact=True).click()
    expect(agent.get_by_role("heading", name=f"Accounts matching “@{person['handle']}”")).to_be_visible()
    assert capture_at_each_size(agent, "support-loop-staff-home") == []

    agent.get_by_role("link", name=re.compile(f"@{person['handle']}")).click()
    expect(agent.get_by_role("heading", name=f"@{person['handle']}", exact=True)).to_be_visible()
    expect(agent.locator("dd[data-status]")).to_contain_text(reason)
    assert capture_at_each_size(agent, "support-loop-staff-account") == []
    agent.get_by_role("link", name=re.compile(re.escape(reference))).click()
    expect(agent.get_by_role("heading", name=f"Case {reference}", exact=True)).to_be_visible()
    expect(agent.locator("[data-reply-to]")).to_contain_text(reply_to)
    assert capture_at_each_size(agent, "support-loop-staff-case") == []

    restore = form_with_button(agent, "Restore account")
    restore.get_by_label("Reason", exact=True).fill("Reviewed: the report was a mistake.")
    decided_at = system.now()
    restore.get_by_role("button", name="Restore account", exact=True).click()
    expect(agent.get_by_role("status")).to_have_text("The account is restored and the requester was told.")
    expect(agent.locator("[data-decision-reason]")).to_have_text("Reviewed: the report was a mistake.")
    assert capture_at_each_size(agent, "support-loop-staff-case-restored") == []

    # The answer reaches the reply address in Japanese; the holder logs in again.
    answer = system.last_message(reply_to, after=decided_at)
    assert answer["subject"] == ja("Your appeal %(reference)s was accepted", reference=reference)
    assert "Reviewed: the report was a mistake." in answer["body"]
    log_in(holder, system.consumer_url, ja, "Username, email or phone", f"@{person['handle']}", DEMO_PASSWORD)
    expect(holder).to_have_url(path_is("/"))
    expect(holder.get_by_role("navigation").get_by_role("link", name=ja("Profile"), exact=True)).to_be_visible()


def test_account_manager_unlinks_a_managed_account(open_page: Callable[..., Page], system: RunningSystem) -> None:
    # The holder of managed@example.com can't unlink it, and is told whom to ask.
    holder = open_page()
    log_in_to_business(holder, system.business_url, "managed@example.com")
    open_personal_information(holder)
    expect(holder.locator("#loop-account")).to_contain_text("@ren")
    holder.get_by_role("button", name=f"Unlink {BRAND} account", exact=True).click()
    dialog = holder.get_by_role("dialog", name=f"Unlink {BRAND} account", exact=True)
    expect(dialog.get_by_role("alert")).to_have_text(
        "This account is managed. Contact your account manager, Mina Manager (manager@example.com), to unlink it."
        " Learn more about this"
    )
    expect(dialog.get_by_role("link", name="manager@example.com", exact=True)).to_be_visible()
    tokens: list[str] = system.python(
        "business",
        "import json\n"
        "from accountlink.business.linking.models import LoopLink\n"
        "link = LoopLink.objects.get(account__email='managed@example.com')\n"
        "print(json.dumps([link.access_token, link.refresh_token]))",
    )

    # The account manager signs in (password and code) and unlinks it with a reason.
    manager = open_page()
    staff_sign_in(manager, system, "business", "manager@example.com")
    manager.get_by_role("link", name="Staff console", exact=True).first.click()
    expect(manager.get_by_role("heading", name="Managed accounts", exact=True)).to_be_visible()
    assert capture_at_each_size(manager, "support-business-managed-accounts") == []
    manager.get_by_role("link", name="Ren Kato (managed)", exact=True).click()
    expect(manager.get_by_role("heading", name="Ren Kato (managed)", exact=True)).to_be_visible()
    expect(manager.locator("#loop-account")).to_contain_text("@ren")
    assert capture_at_each_size(manager, "support-business-managed-account") == []
    manager.get_by_label("Reason", exact=True).fill("Ren moved to another team; the studio account stays with us.")
    unlinked_at = system.now()
    manager.get_by_role("button", name=f"Unlink {BRAND} account", exact=True).click()
    expect(manager.get_by_role("status")).to_have_text(
        "The Loop account @ren is no longer linked to Ren Kato (managed). The account holder has been notified."
    )
    expect(manager.locator("[data-not-linked]")).to_have_text(f"Not linked to a {BRAND} account.")
    assert capture_at_each_size(manager, "support-business-managed-account-unlinked") == []

    # Both sides agree: the holder is told and may link again; Loop no longer lists the app for @ren.
    assert system.last_message("managed@example.com", after=unlinked_at)
    holder.reload()
    expect(
        holder.locator("#loop-account").get_by_role("button", name=f"Link {BRAND} account", exact=True)
    ).to_be_visible()
    expect(holder.locator("#loop-account")).not_to_contain_text("@ren")
    wait_until(lambda: not any(system.introspect(token) for token in tokens), timeout=10, interval=0.2)
    ren = open_page()
    log_in_to_loop(ren, system.consumer_url, "@ren")
    expect(ren).to_have_url(path_is("/"))
    open_manage_app_permissions(ren, system)
    expect(ren.get_by_role("link", name=BUSINESS_BRAND)).to_have_count(0)


def test_contact_support_in_spanish(open_page: Callable[..., Page], system: RunningSystem) -> None:
    es = Labels("es")
    reply_to = new_reply_address("maria")
    page = open_page(locale=BROWSER_LOCALES["es"])
    page.goto(f"{system.business_url}/login/")
    page.get_by_role("link", name=es("Contact support"), exact=True).click()

    expect(page.get_by_role("heading", name=es("Contact support"), exact=True)).to_be_visible()
    expect(page.locator("main")).to_contain_text(
        es(
            "Can't log in, and can't reset your password because the account has no email or phone you can use? "
            "Tell us about it. We'll check that the account is yours, then send you a link to add an email or phone."
        )
    )
    assert capture_at_each_size(page, "support-business-contact-es") == []
    page.get_by_label(es("Your name"), exact=True).fill("María García")
    page.get_by_label(es(BUSINESS_IDENTIFIER, brand=BRAND), exact=True).fill("maria.biz@example.com")
    page.get_by_label(es("Where can we reach you?"), exact=True).fill(reply_to)
    page.get_by_label(es("What happened?"), exact=True).fill("Perdí el acceso a mi correo de trabajo.")
    page.get_by_role("button", name=es("Send request"), exact=True).click()

    expect(page.get_by_role("heading", name=es("Request received"), exact=True)).to_be_visible()
    reference = reference_on(page)
    expect(page.locator("main")).to_contain_text(
        es(
            "Your request %(reference)s is with our support team. We'll write to you at %(to)s.",
            reference=reference,
            to=masked_email(reply_to),
        )
    )
    # The account named is linked to a Loop account: logging in to it is proof enough.
    expect(page.get_by_role("heading", name=es("Prove it's yours now"), exact=True)).to_be_visible()
    expect(page.get_by_role("button", name=es("Verify with %(brand)s", brand=BRAND), exact=True)).to_be_visible()
    expect(page.get_by_role("link", name=es("Back to log in"), exact=True)).to_be_visible()
    assert capture_at_each_size(page, "support-business-case-received-es") == []
    opened = system.last_message(reply_to)
    assert opened["subject"] == es("We received your request %(reference)s", reference=reference)
