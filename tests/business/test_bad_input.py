"""Whatever is posted, every form answers with a page a person can act on, never a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accountlink.business.accounts.models import BusinessAccount
from accountlink.business.adsmanager.models import AdAccount
from tests.business.pages import PASSWORD, log_in

pytestmark = pytest.mark.django_db

HUGE = "x" * 100_000
NUL = "abc\x00def"

# (URL name, kwargs, field names, needs a signed-in browser)
FORMS = [
    ("business:login", {}, ["identifier", "password"], False),
    ("business:signup", {}, ["contact", "display_name", "password"], False),
    ("business:signup_verify", {}, ["code"], False),
    ("business:forgot_password", {}, ["identifier"], False),
    ("business:password_reset", {}, ["code", "new_password"], False),
    ("business:personal_information", {}, ["display_name"], True),
    ("business:change_contact", {"kind": "email"}, ["value", "current_password"], True),
    ("business:change_contact", {"kind": "phone"}, ["value", "current_password"], True),
    ("business:verify_contact", {"kind": "email"}, ["code"], True),
    ("business:verify_contact", {"kind": "phone"}, ["code"], True),
    ("business:change_password", {}, ["current_password", "new_password"], True),
    ("business:create_ad_account", {}, ["name", "currency", "time_zone"], True),
]
FORM_IDS = [f"{name}:{kwargs.get('kind', '')}".rstrip(":") for name, kwargs, _fields, _signed_in in FORMS]


@pytest.fixture
def anonymous_with_flows(business_account: Any) -> Client:
    """A browser in the middle of a sign-up and of a password reset."""
    browser = Client()
    browser.post(reverse("business:signup"), {"contact": "aiko.biz@example.com", "password": "a-long-password-1"})
    browser.post(reverse("business:forgot_password"), {"identifier": "sakura.biz@example.com"})
    return browser


@pytest.fixture
def signed_in_with_flows(business_account: Any) -> Client:
    """A signed-in browser in the middle of an email change and of a phone change."""
    browser = Client()
    log_in(browser, "sakura.biz@example.com")
    for kind, value in [("email", "sakura.new@example.com"), ("phone", "+818022223333")]:
        response = browser.post(
            reverse("business:change_contact", kwargs={"kind": kind}), {"value": value, "current_password": PASSWORD}
        )
        assert response.status_code == 302
    return browser


def browser_for(signed_in: bool, request: pytest.FixtureRequest) -> Client:
    return request.getfixturevalue("signed_in_with_flows" if signed_in else "anonymous_with_flows")


def assert_nothing_changed(business_account: Any) -> None:
    business_account.refresh_from_db()
    assert business_account.email == "sakura.biz@example.com"
    assert business_account.phone == "+819012345678"
    assert business_account.display_name == "Sakura Tanaka"
    assert business_account.check_password(PASSWORD)
    assert not AdAccount.objects.exists()
    assert not BusinessAccount.objects.filter(verified_at__isnull=False).exclude(pk=business_account.pk).exists()


def assert_refused_on_the_page(response: Any) -> None:
    assert response.status_code == 200
    assert response.context["form"].errors
    page = response.content.decode()
    assert 'class="errorlist"' in page or 'role="alert"' in page


@pytest.mark.parametrize(("name", "kwargs", "fields", "signed_in"), FORMS, ids=FORM_IDS)
def test_an_empty_post_shows_what_is_missing(
    request: pytest.FixtureRequest,
    business_account: Any,
    name: str,
    kwargs: dict[str, str],
    fields: list[str],
    signed_in: bool,
) -> None:
    browser = browser_for(signed_in, request)
    response = browser.post(reverse(name, kwargs=kwargs), {})
    assert_refused_on_the_page(response)
    form = response.context["form"]
    required = {field for field in fields if field in form.fields and form.fields[field].required}
    assert required and set(form.errors) == required
    assert "This field is required." in response.content.decode()
    assert_nothing_changed(business_account)


@pytest.mark.parametrize("value", [HUGE, NUL, "   ", "😀" * 300, "\u202e" * 300])
@pytest.mark.parametrize(("name", "kwargs", "fields", "signed_in"), FORMS, ids=FORM_IDS)
def test_strange_values_in_every_field_are_refused_not_crashed_on(
    request: pytest.FixtureRequest,
    business_account: Any,
    name: str,
    kwargs: dict[str, str],
    fields: list[str],
    signed_in: bool,
    value: str,
) -> None:
    browser = browser_for(signed_in, request)
    response = browser.post(reverse(name, kwargs=kwargs), dict.fromkeys(fields, value))
    assert_refused_on_the_page(response)
    assert_nothing_changed(business_account)


@pytest.mark.parametrize(
    "number", ["12", "+81", "+81 12", "+999 1234 5678", "0000000000", "+1 (555) CALL-NOW", "9" * 40]
)
def test_invalid_phone_numbers_are_refused_everywhere(
    client: Any, signed_in_with_flows: Client, business_account: Any, number: str
) -> None:
    signup = client.post(reverse("business:signup"), {"contact": number, "password": "a-long-password-1"})
    assert_refused_on_the_page(signup)
    assert "Enter a valid phone number" in signup.content.decode()
    change = signed_in_with_flows.post(
        reverse("business:change_contact", kwargs={"kind": "phone"}), {"value": number, "current_password": PASSWORD}
    )
    assert_refused_on_the_page(change)
    login = log_in(client, number)
    assert b'data-error-code="login.invalid_credentials"' in login.content
    forgot = client.post(reverse("business:forgot_password"), {"identifier": number})
    assert forgot["Location"] == reverse("business:password_reset")  # same answer as for anyone
    assert_nothing_changed(business_account)


CODE_PAGES = [
    ("business:signup_verify", {}, {}, False),
    ("business:password_reset", {}, {"new_password": "a-brand-new-passphrase"}, False),
    ("business:verify_contact", {"kind": "email"}, {}, True),
    ("business:verify_contact", {"kind": "phone"}, {}, True),
]


@pytest.mark.parametrize("code", ["abcdef", "12345", "1234567", "12-34-56", "-12345", "1e5000", "０" * 5, "１２３"])
@pytest.mark.parametrize(("name", "kwargs", "extra", "signed_in"), CODE_PAGES)
def test_codes_that_are_not_six_digits_are_refused_as_such(
    request: pytest.FixtureRequest,
    business_account: Any,
    name: str,
    kwargs: dict[str, str],
    extra: dict[str, str],
    signed_in: bool,
    code: str,
) -> None:
    browser = browser_for(signed_in, request)
    response = browser.post(reverse(name, kwargs=kwargs), {"code": code, **extra})
    assert_refused_on_the_page(response)
    assert b'data-error-code="format"' in response.content
    assert "Enter the 6-digit code." in response.content.decode()
    assert_nothing_changed(business_account)


def test_a_code_typed_with_spaces_still_works(client: Any, sent: Any, run_tasks: Any) -> None:
    client.post(reverse("business:signup"), {"contact": "aiko.biz@example.com", "password": "a-long-password-1"})
    run_tasks()
    code = sent.code_for("aiko.biz@example.com")
    response = client.post(reverse("business:signup_verify"), {"code": f" {code[:3]} {code[3:]} "})
    assert response.status_code == 302
    assert BusinessAccount.objects.get(email="aiko.biz@example.com").is_active


def test_a_code_typed_with_a_japanese_keyboard_still_works(client: Any, sent: Any, run_tasks: Any) -> None:
    """Japanese input methods often type full-width digits (U+FF10 to U+FF19)."""
    client.post(
        reverse("business:signup"),
        {"contact": "aiko.biz@example.com", "password": "a-long-password-1"},
        headers={"accept-language": "ja"},
    )
    run_tasks()
    code = sent.code_for("aiko.biz@example.com")
    full_width = "".join(chr(ord(digit) - ord("0") + ord("０")) for digit in code)
    response = client.post(reverse("business:signup_verify"), {"code": full_width}, headers={"accept-language": "ja"})
    assert response.status_code == 302
    assert BusinessAccount.objects.get(email="aiko.biz@example.com").is_active


@pytest.mark.parametrize(
    ("name", "kwargs", "back_to", "signed_in"),
    [
        ("business:signup_verify", {}, "business:signup", False),
        ("business:password_reset", {}, "business:forgot_password", False),
        ("business:verify_contact", {"kind": "email"}, "business:personal_information", True),
        ("business:verify_contact", {"kind": "phone"}, "business:personal_information", True),
    ],
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_a_step_page_without_its_flow_sends_back_to_the_start_with_a_message(
    client: Any,
    business_account: Any,
    name: str,
    kwargs: dict[str, str],
    back_to: str,
    signed_in: bool,
    method: str,
) -> None:
    if signed_in:
        log_in(client, "sakura.biz@example.com")
    response = getattr(client, method)(reverse(name, kwargs=kwargs), {"code": "123456"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse(back_to)
    assert response.status_code == 200
    assert "This page has expired. Please start again." in response.content.decode()
    assert_nothing_changed(business_account)


def test_a_form_posted_without_its_csrf_token_is_refused(business_account: Any) -> None:
    browser = Client(enforce_csrf_checks=True)
    response = browser.post(reverse("business:login"), {"identifier": "sakura.biz@example.com", "password": PASSWORD})
    assert response.status_code == 403
    assert not response.wsgi_request.user.is_authenticated


def test_an_unknown_contact_kind_is_not_found(signed_in: Any) -> None:
    assert signed_in.get("/settings/personal/fax/").status_code == 404
    assert signed_in.post("/settings/personal/fax/verify/", {"code": "123456"}).status_code == 404


def test_markup_in_a_display_name_is_shown_as_text(signed_in: Any, business_account: Any) -> None:
    signed_in.post(reverse("business:personal_information"), {"display_name": "<script>alert(1)</script>"})
    page = signed_in.get(reverse("business:adsmanager")).content.decode()
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_huge_request_body_is_refused_without_a_server_error(client: Any, business_account: Any) -> None:
    response = client.post(reverse("business:login"), {"identifier": "a" * 3_000_000, "password": "x"})
    assert response.status_code == 400
