"""What a person reads when linking is refused (DESIGN §6), in each language, and what the audit
log keeps of refusals. Shared by the linking tests (plain helpers; fixtures are in conftest.py)."""

from __future__ import annotations

from typing import Any

from django.utils.html import escape

from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.errors import ErrorCode

# What a person reads for each refusal (DESIGN §6).
MESSAGES = {
    "en": {
        ErrorCode.LINK_ALREADY_LINKED: (
            "This Loop account is already linked to another Loop for Business account. "
            "Unlink it there first, then try again."
        ),
        ErrorCode.LINK_BUSINESS_HAS_LINK: (
            "This Loop for Business account is already linked to a Loop account. "
            "Unlink it first to link a different one."
        ),
        ErrorCode.LINK_AGE_REQUIREMENT: "You must be 18 or older to link a Loop account to Loop for Business.",
        ErrorCode.LINK_ACCOUNT_UNAVAILABLE: "This Loop account can't be linked because it is suspended or deleted.",
        ErrorCode.LINK_CONSENT_DENIED: (
            "You cancelled on Loop, so nothing was linked. You can try again whenever you like."
        ),
        ErrorCode.LINK_SESSION_EXPIRED: (
            "This linking attempt has expired or was started in another browser, so nothing was linked. "
            "Please start again."
        ),
        ErrorCode.LINK_PROVIDER_UNAVAILABLE: "We couldn't reach Loop just now. Please try again in a few minutes.",
    },
    "ja": {
        ErrorCode.LINK_ALREADY_LINKED: (
            "このLoopアカウントはすでに別のLoop for Businessアカウントと連携されています。"
            "先にそちらで連携を解除してから、もう一度お試しください。"
        ),
        ErrorCode.LINK_BUSINESS_HAS_LINK: (
            "このLoop for BusinessアカウントはすでにLoopアカウントと連携されています。"
            "別のアカウントと連携するには、先に現在の連携を解除してください。"
        ),
        ErrorCode.LINK_AGE_REQUIREMENT: "LoopアカウントをLoop for Businessと連携するには、18歳以上である必要があります。",
        ErrorCode.LINK_ACCOUNT_UNAVAILABLE: "このLoopアカウントは停止または削除されているため、連携できません。",
        ErrorCode.LINK_CONSENT_DENIED: (
            "Loopでキャンセルされたため、連携は行われませんでした。いつでももう一度お試しいただけます。"
        ),
        ErrorCode.LINK_SESSION_EXPIRED: (
            "この連携の手続きは有効期限が切れたか、別のブラウザで開始されたため、何も連携されませんでした。"
            "最初からやり直してください。"
        ),
        ErrorCode.LINK_PROVIDER_UNAVAILABLE: "現在Loopに接続できません。数分後にもう一度お試しください。",
    },
    "es": {
        ErrorCode.LINK_ALREADY_LINKED: (
            "Esta cuenta de Loop ya está vinculada a otra cuenta de Loop for Business. "
            "Primero desvincúlala allí y luego vuelve a intentarlo."
        ),
        ErrorCode.LINK_BUSINESS_HAS_LINK: (
            "Esta cuenta de Loop for Business ya está vinculada a una cuenta de Loop. "
            "Desvincúlala primero para vincular otra."
        ),
        ErrorCode.LINK_AGE_REQUIREMENT: "Debes tener al menos 18 años para vincular una cuenta de Loop a Loop for Business.",
        ErrorCode.LINK_ACCOUNT_UNAVAILABLE: "Esta cuenta de Loop no se puede vincular porque está suspendida o eliminada.",
        ErrorCode.LINK_CONSENT_DENIED: (
            "Cancelaste en Loop, así que no se vinculó nada. Puedes volver a intentarlo cuando quieras."
        ),
        ErrorCode.LINK_SESSION_EXPIRED: (
            "Este intento de vinculación expiró o se inició en otro navegador, así que no se vinculó nada. "
            "Vuelve a empezar."
        ),
        ErrorCode.LINK_PROVIDER_UNAVAILABLE: "No pudimos conectar con Loop en este momento. Vuelve a intentarlo en unos minutos.",
    },
}


def assert_refused(response: Any, code: ErrorCode, page: str, language: str = "en") -> str:
    """The browser ended on ``page`` (never an error page) showing the coded, translated refusal."""
    assert response.status_code == 200
    assert response.request["PATH_INFO"] == page
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    help_link = help_link_html(code, language)
    assert f'data-error-code="{code.value}">{escape(MESSAGES[language][code])}{help_link}</div>' in html
    assert html.count("data-error-code=") == 1
    return html


LEARN_MORE = {"en": "Learn more about this", "ja": "詳しくはこちら", "es": "Más información"}


def help_link_html(code: ErrorCode, language: str) -> str:
    """What follows every linking refusal: one click to its own section of the troubleshooting
    article, in the language the refusal was shown in (DESIGN §6, issue 6)."""
    anchor = code.value.replace(".", "-").replace("_", "-")
    href = f"/help/linking-errors/?lang={language}#{anchor}"
    return f' <a class="alert-help" href="{href}" data-help-for="{code.value}">{LEARN_MORE[language]}</a>'


def refusals(account: Any) -> list[str]:
    return [
        event.data["code"] for event in AuditEvent.objects.filter(account=account, kind=EventKind.LOOP_LINK_REFUSED)
    ]
