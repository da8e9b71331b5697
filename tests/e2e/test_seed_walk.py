"""Both unlink paths walked in Japanese exactly as the help article words them (issue 17).

Each test makes a fresh person (a Loop account and a business account with an email and a phone),
links them through the pages (not under test), then, in a new browser, presses only what the
article says: no address is chosen by hand before 「コードを送信」, and the way ends with the article's
last line. Along the way it checks what a keyboard user meets: the Unlink dialog takes the focus
and gives it back to 「Loopアカウントの連携を解除」 on Cancel and Escape, menus close on Escape, and
「アクセス権限を削除」 is at the bottom of a 390x844 screen, not under the tab bar.
"""

from __future__ import annotations

import secrets
import uuid
from collections.abc import Callable
from typing import TYPE_CHECKING

from playwright.sync_api import Locator, Page, expect

from tests.e2e.steps import PHONE, path_is

if TYPE_CHECKING:
    from tests.e2e.conftest import RunningSystem

PASSWORD = "Harbor-Lantern-7391"
APP_NAME = "Loop for Business"
# The article's last line, with Loop in place of TikTok.
CLOSING = "Loopアカウントを他のLoop for Businessアカウントに連携できるようになりました"


def make_linked_person(system: RunningSystem, open_page: Callable[..., Page]) -> dict[str, str]:
    """A Loop account and a business account (email and phone), linked through the pages."""
    tag = uuid.uuid4().hex[:8]
    person = {
        "handle": f"s{tag}",
        "business_email": f"s{tag}@business.example",
        "business_phone": "+8190" + "".join(secrets.choice("0123456789") for _ in range(8)),
    }
    system.python(
        "consumer",
        "import datetime, json\n"
        "from accountlink.consumer.accounts.actions import do_create_account\n"
        f"do_create_account(handle={person['handle']!r}, display_name='Seed Walker', email='{person['handle']}@loop.example',"
        f" birth_date=datetime.date(1990, 5, 6), password={PASSWORD!r}, language='ja')\n"
        "print(json.dumps(True))",
    )
    system.python(
        "business",
        "import json\n"
        "from accountlink.business.accounts.actions import do_create_account\n"
        f"do_create_account(email={person['business_email']!r}, phone={person['business_phone']!r},"
        f" password={PASSWORD!r}, display_name='Seed Walker', language='ja')\n"
        "print(json.dumps(True))",
    )
    setup = open_page(locale="ja-JP")
    log_in_to_loop(setup, system, person["handle"])
    log_in_to_business(setup, system, person["business_email"])
    setup.goto(f"{system.business_url}/settings/personal/")
    setup.get_by_role("button", name="Loopアカウントを連携", exact=True).click()
    setup.get_by_role("button", name="許可する", exact=True).click()
    expect(setup.locator("#loop-account")).to_contain_text(f"@{person['handle']}")
    return person


def log_in_to_loop(page: Page, system: RunningSystem, handle: str) -> None:
    page.goto(f"{system.consumer_url}/login/")
    page.get_by_label("ユーザー名、メールアドレス、または電話番号", exact=True).fill(handle)
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).not_to_have_url(path_is("/login/"))


def log_in_to_business(page: Page, system: RunningSystem, email: str) -> None:
    page.goto(f"{system.business_url}/login/")
    page.get_by_label("メールアドレスまたは電話番号", exact=True).fill(email)
    page.get_by_label("パスワード", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="ログイン", exact=True).click()
    expect(page).to_have_url(path_is("/adsmanager/"))


def escape_closes_the_menu(page: Page, button: Locator) -> None:
    """Open a menu, press Escape: it closes, says so, and the focus is back on its button."""
    button.click()
    expect(button).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Escape")
    expect(button).to_have_attribute("aria-expanded", "false")
    expect(button).to_be_focused()
    expect(page.locator(f"#{button.get_attribute('aria-controls')}")).to_be_hidden()


def test_unlink_in_user_settings_as_the_article_says(system: RunningSystem, open_page: Callable[..., Page]) -> None:
    person = make_linked_person(system, open_page)
    page = open_page(locale="ja-JP")

    # 1. ログイン (with the business account).
    log_in_to_business(page, system, person["business_email"])
    # 2. Ads Manager: profile icon, then ユーザー設定 (the menu closes on Escape on the way).
    profile_menu = page.get_by_role("button", name="プロフィールメニュー", exact=True)
    escape_closes_the_menu(page, profile_menu)
    profile_menu.click()
    page.get_by_role("link", name="ユーザー設定", exact=True).click()
    # 3. 個人情報.
    page.get_by_role("link", name="個人情報", exact=True).click()
    expect(page).to_have_url(path_is("/settings/personal/"))
    # 4. 「Loopアカウントの連携を解除」 in the profile. Cancel and Escape give the focus back to it.
    opener = page.get_by_role("button", name="Loopアカウントの連携を解除", exact=True)
    for close in ("キャンセル", "Escape"):
        opener.click()
        dialog = page.get_by_role("dialog", name="Loopアカウントの連携解除", exact=True)
        expect(dialog).to_be_visible()
        expect(dialog.locator(":focus")).to_have_count(1)  # the focus is inside the dialog
        if close == "Escape":
            page.keyboard.press("Escape")
        else:
            dialog.get_by_role("link", name=close, exact=True).click()
        expect(dialog).to_be_hidden()
        expect(opener).to_be_focused()
    opener.click()
    # 5. The 「Loopアカウントの連携解除」 popup: Tab stays inside it.
    dialog = page.get_by_role("dialog", name="Loopアカウントの連携解除", exact=True)
    for _ in range(8):
        page.keyboard.press("Tab")
        expect(dialog.locator(":focus")).to_have_count(1)
    # 6. 「コードを送信」, without choosing anything: the address logged in with is chosen already.
    sent_after = system.now()
    dialog.get_by_role("button", name="コードを送信", exact=True).click()
    # 7. 認証コード.
    code = system.last_code(person["business_email"], after=sent_after)
    dialog = page.get_by_role("dialog", name="Loopアカウントの連携解除", exact=True)
    dialog.get_by_label("認証コード", exact=True).fill(code)
    # 8. 確認.
    dialog.get_by_role("button", name="確認", exact=True).click()

    expect(page).to_have_url(path_is("/settings/personal/"))
    message = page.locator("main .alert-success")
    expect(message).to_contain_text(CLOSING)
    expect(message).to_be_focused()  # the opener is gone; the message saying what happened has the focus
    # The way to link it again: the link leads to (and focuses) 「Loopアカウントを連携」.
    message.get_by_role("link", name="Loopアカウントを連携", exact=True).click()
    expect(page.get_by_role("button", name="Loopアカウントを連携", exact=True)).to_be_focused()


def test_remove_access_on_loop_as_the_article_says(system: RunningSystem, open_page: Callable[..., Page]) -> None:
    person = make_linked_person(system, open_page)
    page = open_page(locale="ja-JP", viewport=PHONE)

    # 1-2. Open Loop and ログイン.
    log_in_to_loop(page, system, person["handle"])
    # 3. プロフィール (the tab bar).
    page.get_by_role("navigation").get_by_role("link", name="プロフィール", exact=True).click()
    # 4. The menu icon at the top right (it closes on Escape).
    menu = page.get_by_role("button", name="メニュー", exact=True)
    escape_closes_the_menu(page, menu)
    menu.click()
    # 5-7. 設定とプライバシー, セキュリティとログイン, アプリのアクセス許可を管理.
    page.get_by_role("link", name="設定とプライバシー", exact=True).click()
    page.get_by_role("link", name="セキュリティとログイン", exact=True).click()
    page.get_by_role("link", name="アプリのアクセス許可を管理", exact=True).click()
    # 8. Loop for Business.
    page.get_by_role("link", name=APP_NAME).click()
    # 9. 「アクセス権限を削除」 at the bottom of the screen: in view, in the lower part, on top.
    remove = page.get_by_role("button", name="アクセス権限を削除", exact=True)
    expect(remove).to_be_in_viewport(ratio=1)
    box = remove.bounding_box()
    assert box is not None and box["y"] > PHONE["height"] / 2, box
    on_top = remove.evaluate(
        "button => { const r = button.getBoundingClientRect();"
        " const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);"
        " return button === hit || button.contains(hit); }"
    )
    assert on_top, "something (the tab bar?) covers アクセス権限を削除"
    # The confirmation takes the focus; Escape closes it and gives the focus back.
    remove.click()
    confirmation = page.get_by_role("alertdialog")
    expect(confirmation).to_be_visible()
    expect(confirmation.locator(":focus")).to_have_count(1)
    page.keyboard.press("Escape")
    expect(confirmation).to_be_hidden()
    expect(remove).to_be_focused()
    # Then confirm.
    remove.click()
    page.get_by_role("alertdialog").get_by_role("button", name="アクセス権限を削除", exact=True).click()

    expect(page.get_by_role("heading", name="アプリのアクセス許可を管理", exact=True)).to_be_visible()
    message = page.locator("main .alert-success")
    expect(message).to_contain_text(CLOSING)
    expect(message.get_by_role("link", name=f"{APP_NAME}")).to_have_attribute("href", f"{system.business_url}/")
