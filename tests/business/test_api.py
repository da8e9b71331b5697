"""The JSON API at /api/v1/: the holder's link and **Unlink Loop account** (DESIGN §4.1) for scripts.

The API is another door to the same actions as the Personal information page (STYLE rule 5), so
every refusal here is an action's code, with an HTTP status and a translated message (rule 6).
"""

from __future__ import annotations

import json
import re
from datetime import timedelta
from typing import Any

import pytest
import time_machine
from django.test import Client
from django.utils import timezone, translation
from django.utils.dateparse import parse_datetime

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.linking.actions.unlink import do_send_unlink_code, do_unlink_loop_account
from accountlink.business.linking.models import LoopLink
from accountlink.helpcontent.topics import HELP_SECTIONS
from accountlink.kit.audit.models import AuditEvent, EventKind
from accountlink.kit.codes.models import VerificationCode
from accountlink.kit.contacts import Contact
from accountlink.kit.errors import CodedError, ErrorCode
from tests.business.fake_loop import FakeLoop
from tests.business.pages import MASKED_EMAIL, MASKED_PHONE, code_sent_to, confirm_its_me, link
from tests.django_fixtures import Outbox

pytestmark = pytest.mark.django_db

LINK = "/api/v1/link"
SEND_CODE = "/api/v1/link/unlink-code"
UNLINK = "/api/v1/link/unlink"
EMAIL = "sakura.biz@example.com"
PHONE = "+819012345678"
CODE_INVALID_JA = "コードが正しくありません。送信されたコードを確認して、もう一度お試しください。"


class Api:
    """A script calling the API the way a page's JavaScript would: with the browser's login session,
    and with the CSRF token that ``GET /api/v1/link`` sets as a cookie in the ``X-CSRFToken`` header.
    """

    def __init__(self, client: Client, language: str | None = None) -> None:
        self.client = client
        self.headers = {"HTTP_ACCEPT_LANGUAGE": language} if language else {}

    def get(self, path: str = LINK) -> Any:
        return self.client.get(path, **self.headers)

    def csrf_token(self) -> str:
        if "lfb_csrftoken" not in self.client.cookies:
            self.get()
        return self.client.cookies["lfb_csrftoken"].value

    def post(self, path: str, body: Any, *, csrf: bool = True) -> Any:
        headers = dict(self.headers)
        if csrf:
            headers["HTTP_X_CSRFTOKEN"] = self.csrf_token()
        data = body if isinstance(body, str) else json.dumps(body)
        return self.client.post(path, data, content_type="application/json", **headers)

    def send_code(self, contact: str = "email") -> Any:
        return self.post(SEND_CODE, {"contact": contact})

    def unlink(self, code: str, contact: str = "email") -> Any:
        return self.post(UNLINK, {"contact": contact, "code": code})


def api_for(account: BusinessAccount, language: str | None = None) -> Api:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(account)
    return Api(browser, language)


def other_code(code: str) -> str:
    return "000000" if code != "000000" else "111111"


def assert_refusal(response: Any, status: int, code: ErrorCode) -> dict[str, Any]:
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    body: dict[str, Any] = response.json()
    assert body["code"] == code.value
    assert body["message"]
    if code in HELP_SECTIONS:  # one step from the refusal to the section that explains it
        slug, anchor = HELP_SECTIONS[code]
        assert re.fullmatch(rf"http://testserver/help/{slug}/\?lang=(en|ja|es)#{anchor}", body["help_url"])
    else:
        assert "help_url" not in body
    return body


@pytest.fixture
def sakura_link(business_account: BusinessAccount, run_tasks: Any, make_link: Any) -> LoopLink:
    """``business_account`` linked to @sakura by the linking action (no Loop behind its tokens)."""
    link: LoopLink = make_link(business_account)
    run_tasks()  # the link notices go out now, so the next message to the holder is the code
    return link


@pytest.fixture
def api(business_account: BusinessAccount) -> Api:
    return api_for(business_account)


# -- the link --------------------------------------------------------------------------------------


def test_get_link_shows_the_linked_loop_account_and_where_a_code_can_go(api: Api, sakura_link: LoopLink) -> None:
    response = api.get()

    assert response.status_code == 200
    body = response.json()
    assert body["linked"] is True
    assert {key: value for key, value in body["link"].items() if key != "linked_at"} == {
        "username": "sakura",
        "display_name": "Sakura",
        "avatar_url": "https://loop.test/v2/avatar/open-sakura.svg",
        "scopes": ["user.info.basic", "user.info.profile"],
    }
    linked_at = parse_datetime(body["link"]["linked_at"])
    assert linked_at is not None and abs(linked_at - sakura_link.linked_at) < timedelta(milliseconds=1)
    assert body["unlink"] == {
        "allowed": True,
        "refusal": None,
        "contacts": [{"id": "email", "masked": MASKED_EMAIL}, {"id": "sms", "masked": MASKED_PHONE}],
    }


def test_get_link_never_shows_the_full_addresses(api: Api, sakura_link: LoopLink) -> None:
    page = api.get().content.decode()
    assert EMAIL not in page
    assert PHONE not in page
    assert "9012345678" not in page


def test_get_link_without_a_link(api: Api) -> None:
    body = api.get().json()
    assert body["linked"] is False
    assert body["link"] is None
    assert body["unlink"]["allowed"] is False
    assert body["unlink"]["refusal"] == {
        "code": "unlink.not_linked",
        "message": "This account isn't linked to a Loop account.",
        "help_url": "http://testserver/help/linking-errors/?lang=en#unlink-not-linked",
    }
    assert body["unlink"]["contacts"] == []


def test_get_link_sets_the_csrf_cookie_the_posts_need(business_account: BusinessAccount) -> None:
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(business_account)
    assert "lfb_csrftoken" not in browser.cookies
    browser.get(LINK)
    assert browser.cookies["lfb_csrftoken"].value


def test_each_holder_sees_only_their_own_link(
    make_business_account: Any, sakura_link: LoopLink, api: Api, make_link: Any
) -> None:
    other = make_business_account()
    make_link(other, "kenji")

    assert api.get().json()["link"]["username"] == "sakura"
    assert api_for(other).get().json()["link"]["username"] == "kenji"


# -- unlinking -------------------------------------------------------------------------------------


def test_unlink_with_a_code_after_linking_through_the_page(
    signed_in: Any, business_account: BusinessAccount, fake_loop: FakeLoop, outbox: Outbox, run_tasks: Any
) -> None:
    link(signed_in, fake_loop, fake_loop.person("sakura", "Sakura Tanaka"))
    refresh_token = LoopLink.objects.get(account=business_account).refresh_token
    run_tasks()
    api = Api(signed_in)

    sent = api.send_code("email")
    assert sent.status_code == 202
    assert sent.json() == {"sent_to": MASKED_EMAIL}
    code = code_sent_to(outbox, run_tasks, EMAIL)

    done = api.unlink(code, "email")

    assert done.status_code == 200
    assert done.json() == {"unlinked": True, "username": "sakura"}
    assert not LoopLink.objects.filter(account=business_account).exists()
    assert api.get().json()["linked"] is False
    run_tasks()
    assert refresh_token in fake_loop.revoked  # Loop was told: the grant is revoked (R2)


def test_unlink_with_a_code_sent_by_sms(api: Api, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any) -> None:
    sent = api.send_code("sms")
    assert sent.status_code == 202
    assert sent.json() == {"sent_to": MASKED_PHONE}

    done = api.unlink(code_sent_to(outbox, run_tasks, PHONE), "sms")

    assert done.status_code == 200
    assert not LoopLink.objects.filter(pk=sakura_link.pk).exists()


def test_unlinking_through_the_api_is_audited_with_the_channel(
    api: Api, business_account: BusinessAccount, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any
) -> None:
    api.send_code("sms")
    api.unlink(code_sent_to(outbox, run_tasks, PHONE), "sms")

    sent = AuditEvent.objects.get(account=business_account, kind=EventKind.CODE_SENT)
    assert sent.data == {"purpose": "unlink_loop", "channel": "sms", "to": MASKED_PHONE}
    unlinked = AuditEvent.objects.get(account=business_account, kind=EventKind.LOOP_UNLINKED)
    assert unlinked.actor_id == business_account.pk
    assert unlinked.data["reason"] == "unlinked_by_holder"
    assert unlinked.data["channel"] == "sms"
    assert unlinked.data["to"] == MASKED_PHONE


def test_full_width_digits_and_spaces_are_read_as_the_code(
    api: Api, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any
) -> None:
    api.send_code()
    code = code_sent_to(outbox, run_tasks, EMAIL)
    typed = " ".join(chr(ord(digit) + 0xFEE0) for digit in code)  # full-width, as a Japanese keyboard types

    assert api.unlink(typed).status_code == 200


def test_a_code_sent_through_the_api_works_in_the_action_the_page_calls(
    api: Api, business_account: BusinessAccount, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any
) -> None:
    api.send_code("email")
    code = code_sent_to(outbox, run_tasks, EMAIL)

    do_unlink_loop_account(business_account, Contact("email", EMAIL), code)  # type: ignore[arg-type]

    assert not LoopLink.objects.filter(pk=sakura_link.pk).exists()


def test_a_code_sent_by_the_action_the_page_calls_works_through_the_api(
    api: Api, business_account: BusinessAccount, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any
) -> None:
    do_send_unlink_code(business_account, Contact("sms", PHONE))  # type: ignore[arg-type]

    assert api.unlink(code_sent_to(outbox, run_tasks, PHONE), "sms").status_code == 200


def test_a_code_for_one_address_does_not_unlink_with_the_other(
    api: Api, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any
) -> None:
    api.send_code("email")
    code = code_sent_to(outbox, run_tasks, EMAIL)

    assert_refusal(api.unlink(code, "sms"), 400, ErrorCode.CODE_INVALID)
    assert LoopLink.objects.filter(pk=sakura_link.pk).exists()


def test_one_holders_code_does_not_unlink_another_holder(
    make_business_account: Any, api: Api, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any, make_link: Any
) -> None:
    other = make_business_account(email="kenji.biz@example.com")
    other_link = make_link(other, "kenji")
    api.send_code("email")
    code = code_sent_to(outbox, run_tasks, EMAIL)

    assert_refusal(api_for(other).unlink(code, "email"), 400, ErrorCode.CODE_INVALID)
    assert LoopLink.objects.filter(pk=other_link.pk).exists()
    assert LoopLink.objects.filter(pk=sakura_link.pk).exists()


# -- refusals of the account's state (R3): 409 ----------------------------------------------------


def _managed(make: Any) -> BusinessAccount:
    manager = make(email="mina.manager@example.com", display_name="Mina Manager", is_account_manager=True)
    return make(account_manager=manager)  # type: ignore[no-any-return]


def _no_contact(make: Any) -> BusinessAccount:
    return make(email=None, phone=None, password=None)  # type: ignore[no-any-return]


def _no_password(make: Any) -> BusinessAccount:
    return make(password=None)  # type: ignore[no-any-return]


STATE_REFUSALS = {
    "managed": (_managed, True, ErrorCode.UNLINK_MANAGED_ACCOUNT),
    "no contact": (_no_contact, True, ErrorCode.UNLINK_NO_CONTACT),
    "no password": (_no_password, True, ErrorCode.UNLINK_LAST_LOGIN_METHOD),
    "not linked": (lambda make: make(), False, ErrorCode.UNLINK_NOT_LINKED),
}
POSTS = {"send code": (SEND_CODE, {"contact": "email"}), "unlink": (UNLINK, {"contact": "email", "code": "123456"})}


@pytest.fixture(params=list(STATE_REFUSALS))
def refused(request: Any, make_business_account: Any, make_link: Any) -> tuple[Api, ErrorCode]:
    make, is_linked, code = STATE_REFUSALS[request.param]
    account = make(make_business_account)
    if is_linked:
        make_link(account)
    return api_for(account), code


@pytest.mark.parametrize("operation", list(POSTS))
def test_state_refusals_are_409_with_the_actions_code(refused: tuple[Api, ErrorCode], operation: str) -> None:
    api, code = refused
    path, body = POSTS[operation]

    assert_refusal(api.post(path, body), 409, code)
    assert not VerificationCode.objects.exists()


def test_get_link_says_why_unlinking_is_refused(refused: tuple[Api, ErrorCode]) -> None:
    api, code = refused
    unlink = api.get().json()["unlink"]
    assert unlink["allowed"] is False
    assert unlink["refusal"]["code"] == code.value
    assert unlink["contacts"] == []


def test_a_managed_account_is_told_who_its_manager_is(make_business_account: Any, make_link: Any) -> None:
    account = _managed(make_business_account)
    make_link(account)

    body = assert_refusal(api_for(account).send_code(), 409, ErrorCode.UNLINK_MANAGED_ACCOUNT)

    assert body["message"] == (
        "This account is managed. Contact your account manager, Mina Manager (mina.manager@example.com), to unlink it."
    )


def test_the_state_is_checked_before_the_contact(make_business_account: Any, make_link: Any) -> None:
    account = _managed(make_business_account)
    make_link(account)
    assert_refusal(api_for(account).send_code("sms"), 409, ErrorCode.UNLINK_MANAGED_ACCOUNT)


# -- refusals of the request: 400, 422, 429 ------------------------------------------------------


def test_an_address_the_account_does_not_have_is_refused(make_business_account: Any, make_link: Any) -> None:
    account = make_business_account(phone=None)
    make_link(account)
    api = api_for(account)

    assert_refusal(api.send_code("sms"), 400, ErrorCode.UNLINK_UNKNOWN_CONTACT)
    assert_refusal(api.unlink("123456", "sms"), 400, ErrorCode.UNLINK_UNKNOWN_CONTACT)
    assert not VerificationCode.objects.exists()


def test_a_wrong_code_is_refused_and_the_link_stays(
    api: Api, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any
) -> None:
    api.send_code()
    code = code_sent_to(outbox, run_tasks, EMAIL)

    body = assert_refusal(api.unlink(other_code(code)), 400, ErrorCode.CODE_INVALID)

    assert body["message"] == "That code isn't right. Check the code we sent you and try again."
    assert LoopLink.objects.filter(pk=sakura_link.pk).exists()
    assert api.unlink(code).status_code == 200  # one wrong try does not spend the code


def test_unlinking_without_a_code_sent_is_refused(api: Api, sakura_link: LoopLink) -> None:
    assert_refusal(api.unlink("123456"), 400, ErrorCode.CODE_INVALID)


def test_an_expired_code_is_refused(api: Api, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any) -> None:
    api.send_code()
    code = code_sent_to(outbox, run_tasks, EMAIL)

    with time_machine.travel(timezone.now() + timedelta(minutes=10, seconds=1), tick=False):
        confirm_its_me(api.client, csrfmiddlewaretoken=api.csrf_token())  # the login is over 10 minutes old too
        assert_refusal(api.unlink(code), 400, ErrorCode.CODE_EXPIRED)

    assert LoopLink.objects.filter(pk=sakura_link.pk).exists()


def test_five_wrong_codes_void_the_code(api: Api, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any) -> None:
    api.send_code()
    code = code_sent_to(outbox, run_tasks, EMAIL)
    wrong = other_code(code)

    for _ in range(4):
        assert_refusal(api.unlink(wrong), 400, ErrorCode.CODE_INVALID)
    assert_refusal(api.unlink(wrong), 400, ErrorCode.CODE_TOO_MANY_ATTEMPTS)

    assert api.unlink(code).status_code == 400  # the right code no longer works either
    assert LoopLink.objects.filter(pk=sakura_link.pk).exists()


def test_a_new_code_too_soon_is_429_with_retry_after(api: Api, sakura_link: LoopLink) -> None:
    assert api.send_code().status_code == 202

    again = api.send_code()

    body = assert_refusal(again, 429, ErrorCode.CODE_RESEND_TOO_SOON)
    assert 1 <= int(again["Retry-After"]) <= 60
    assert body["message"] == f"Please wait {again['Retry-After']} seconds before requesting another code."
    with time_machine.travel(timezone.now() + timedelta(seconds=61), tick=False):
        assert api.send_code().status_code == 202


def test_too_many_codes_in_an_hour_is_429(api: Api, sakura_link: LoopLink, settings: Any) -> None:
    settings.ACCOUNTLINK_CODE_POLICY = {"resend_after": timedelta(0)}
    for _ in range(5):
        assert api.send_code().status_code == 202

    refused = api.send_code()

    assert_refusal(refused, 429, ErrorCode.CODE_RATE_LIMITED)
    assert refused["Retry-After"] == "3600"


@pytest.mark.parametrize(
    ("body", "where"),
    [
        ({"contact": "fax"}, ["body", "payload", "contact"]),
        ({}, ["body", "payload", "contact"]),
        ({"contact": "email", "code": "12ab56"}, ["body", "payload", "code"]),
        ({"contact": "email", "code": "1234567"}, ["body", "payload", "code"]),
        ({"contact": "email", "code": "1234567890123"}, ["body", "payload", "code"]),
    ],
)
def test_a_body_that_does_not_fit_the_schema_is_422(
    api: Api, sakura_link: LoopLink, body: Any, where: list[str]
) -> None:
    path = UNLINK if "code" in body else SEND_CODE

    refused = assert_refusal(api.post(path, body), 422, ErrorCode.REQUEST_INVALID)

    assert refused["message"] == "Some of the information sent is missing or not valid."
    assert where in [error["loc"] for error in refused["errors"]]
    assert all(set(error) == {"loc", "msg", "type"} for error in refused["errors"])


def test_a_code_that_is_not_six_digits_is_not_counted_as_a_try(
    api: Api, sakura_link: LoopLink, outbox: Outbox, run_tasks: Any
) -> None:
    api.send_code()
    code = code_sent_to(outbox, run_tasks, EMAIL)

    refused = assert_refusal(api.unlink("12ab56"), 422, ErrorCode.REQUEST_INVALID)

    assert refused["errors"] == [
        {"loc": ["body", "payload", "code"], "msg": "Enter the 6-digit code.", "type": "code_format"}
    ]
    assert VerificationCode.objects.get().attempts == 0
    assert api.unlink(code).status_code == 200


@pytest.mark.parametrize("path", [SEND_CODE, UNLINK])
def test_a_body_that_is_not_json_is_400(api: Api, sakura_link: LoopLink, path: str) -> None:
    assert_refusal(api.post(path, "{not json"), 400, ErrorCode.REQUEST_INVALID)


# -- session and CSRF ------------------------------------------------------------------------------


@pytest.mark.parametrize(("method", "path"), [("get", LINK), ("post", SEND_CODE), ("post", UNLINK)])
def test_anonymous_requests_are_401(method: str, path: str) -> None:
    browser = Client(enforce_csrf_checks=True)
    if method == "post":
        response = browser.post(path, {"contact": "email", "code": "123456"}, content_type="application/json")
    else:
        response = browser.get(path)

    body = assert_refusal(response, 401, ErrorCode.AUTH_REQUIRED)
    assert body["message"] == "Log in to continue."


@pytest.mark.parametrize("operation", list(POSTS))
def test_posts_without_the_csrf_token_are_403(api: Api, sakura_link: LoopLink, operation: str) -> None:
    path, body = POSTS[operation]

    assert_refusal(api.post(path, body, csrf=False), 403, ErrorCode.CSRF_FAILED)

    assert not VerificationCode.objects.exists()
    assert LoopLink.objects.filter(pk=sakura_link.pk).exists()


def test_a_wrong_csrf_token_is_403(api: Api, sakura_link: LoopLink) -> None:
    api.get()
    response = api.client.post(
        SEND_CODE, {"contact": "email"}, content_type="application/json", HTTP_X_CSRFTOKEN="x" * 32
    )
    assert_refusal(response, 403, ErrorCode.CSRF_FAILED)
    assert not VerificationCode.objects.exists()


def test_a_csrf_token_from_another_session_is_403(api: Api, sakura_link: LoopLink, make_business_account: Any) -> None:
    stolen = api_for(make_business_account()).csrf_token()
    api.get()
    response = api.client.post(
        SEND_CODE, {"contact": "email"}, content_type="application/json", HTTP_X_CSRFTOKEN=stolen
    )
    assert_refusal(response, 403, ErrorCode.CSRF_FAILED)


def test_a_suspended_session_is_401(api: Api, business_account: BusinessAccount, sakura_link: LoopLink) -> None:
    api.get()
    BusinessAccount.objects.filter(pk=business_account.pk).update(verified_at=None)  # the account is no longer active
    assert_refusal(api.send_code(), 401, ErrorCode.AUTH_REQUIRED)


# -- languages -------------------------------------------------------------------------------------


def test_messages_follow_accept_language(business_account: BusinessAccount, sakura_link: LoopLink) -> None:
    api = api_for(business_account, language="ja")
    api.send_code()

    body = assert_refusal(api.unlink("123456"), 400, ErrorCode.CODE_INVALID)

    assert body["message"] == CODE_INVALID_JA


def test_messages_follow_the_language_cookie(business_account: BusinessAccount, sakura_link: LoopLink) -> None:
    api = api_for(business_account)
    api.client.cookies["lfb_language"] = "ja"
    api.send_code()

    assert api.unlink("123456").json()["message"] == CODE_INVALID_JA
    again = assert_refusal(api.send_code(), 429, ErrorCode.CODE_RESEND_TOO_SOON)
    assert again["message"].endswith("秒お待ちください。")


def test_every_refusal_is_in_the_requests_language(refused: tuple[Api, ErrorCode]) -> None:
    """Whatever the catalogs say today: the message is the one for Japanese, not the account's language."""
    api, code = refused
    api.headers = {"HTTP_ACCEPT_LANGUAGE": "ja"}

    body = assert_refusal(api.send_code(), 409, code)

    refusal = CodedError(code, **_params(api))
    with translation.override("ja"):
        assert body["message"] == refusal.message
    assert api.get().json()["unlink"]["refusal"]["message"] == body["message"]


def _params(api: Api) -> dict[str, str]:
    account = api.client.session.get("_auth_user_id")
    manager = BusinessAccount.objects.get(pk=account).account_manager
    return {"manager_name": manager.name, "manager_email": manager.email or ""} if manager else {}


def test_the_api_s_own_refusals_are_translated_too() -> None:
    response = Client(HTTP_ACCEPT_LANGUAGE="ja").get(LINK)
    assert_refusal(response, 401, ErrorCode.AUTH_REQUIRED)
    with translation.override("ja"):
        assert response.json()["message"] == CodedError(ErrorCode.AUTH_REQUIRED).message


# -- paths and documents ---------------------------------------------------------------------------


@pytest.mark.parametrize("method", ["get", "post", "delete"])
def test_unknown_paths_are_404_in_the_error_format(method: str) -> None:
    response = getattr(Client(enforce_csrf_checks=True), method)("/api/v1/nothing-here")
    body = assert_refusal(response, 404, ErrorCode.NOT_FOUND)
    assert body["message"] == "There is nothing here."


def test_a_method_a_path_does_not_have_is_405_in_the_error_format(api: Api) -> None:
    response = api.get(UNLINK)
    assert_refusal(response, 405, ErrorCode.REQUEST_INVALID)
    assert response["Allow"] == "POST"


def test_the_openapi_document_declares_every_status(client: Client) -> None:
    document = client.get("/api/v1/openapi.json").json()

    statuses = {
        (method.upper(), path): sorted(operation["responses"])
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
    }
    assert statuses == {
        ("GET", LINK): ["200", "401"],
        ("POST", SEND_CODE): ["202", "400", "401", "403", "409", "422", "429"],
        ("POST", UNLINK): ["200", "400", "401", "403", "409", "422", "429"],
    }


def test_the_api_docs_are_served_without_a_cdn(client: Client) -> None:
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/ninja/" in html
    assert "cdn." not in html
