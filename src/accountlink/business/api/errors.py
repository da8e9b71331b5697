"""Every refusal of the API is ``{"code", "message"}`` (STYLE rule 6), with an HTTP status by code.

The code comes from the action that refused (``CodedError``) or from the API's own checks (not
logged in, CSRF, a body that does not match the schema, an unknown path); the message is
translated into the request's language (``LocaleMiddleware``: the language cookie, then
Accept-Language).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.security import SessionAuth
from ninja.utils import check_csrf

from accountlink.business.accounts.models import BusinessAccount
from accountlink.kit.errors import CodedError, ErrorCode

if TYPE_CHECKING:
    from ninja import NinjaAPI

# Refusals about the state of the account or its link: the request was fine, the state says no.
CONFLICT = 409
STATUS: dict[ErrorCode, int] = {
    ErrorCode.UNLINK_NOT_LINKED: CONFLICT,
    ErrorCode.UNLINK_MANAGED_ACCOUNT: CONFLICT,
    ErrorCode.UNLINK_NO_CONTACT: CONFLICT,
    ErrorCode.UNLINK_LAST_LOGIN_METHOD: CONFLICT,
    ErrorCode.UNLINK_UNKNOWN_CONTACT: 400,
    ErrorCode.CODE_INVALID: 400,
    ErrorCode.CODE_EXPIRED: 400,
    ErrorCode.CODE_TOO_MANY_ATTEMPTS: 400,
    ErrorCode.CODE_RESEND_TOO_SOON: 429,
    ErrorCode.CODE_RATE_LIMITED: 429,
    ErrorCode.AUTH_THROTTLED: 429,
    ErrorCode.AUTH_REQUIRED: 401,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.REQUEST_INVALID: 400,
}
# A missing or wrong CSRF token: nothing was changed (403).
CSRF_FAILED = ErrorCode.CSRF_FAILED
# How long a client should wait after ``code.rate_limited`` (the hourly caps of DESIGN §8).
RATE_LIMIT_RETRY_SECONDS = 3600


def status_of(code: ErrorCode) -> int:
    return STATUS.get(code, 400)


def error_response(error: CodedError, status: int | None = None, **extra: Any) -> JsonResponse:
    response = JsonResponse({**error.as_json(), **extra}, status=status or status_of(error.code))
    if error.code in (ErrorCode.CODE_RESEND_TOO_SOON, ErrorCode.AUTH_THROTTLED):
        response["Retry-After"] = str(error.params["seconds"])
    elif error.code == ErrorCode.CODE_RATE_LIMITED:
        response["Retry-After"] = str(RATE_LIMIT_RETRY_SECONDS)
    return response


class CsrfFailed(Exception):
    """A logged-in request with an unsafe method came without a valid CSRF token."""


class SessionCsrfAuth(SessionAuth):
    """Django's login session, and Django's CSRF check for unsafe methods.

    Unlike ninja's ``django_auth`` it answers "log in" (401) before it looks at the CSRF token, so
    an anonymous client is told what to do first; a logged-in one without the token gets 403.
    """

    openapi_description = (
        "The login session of the web site. Unsafe methods (POST) also need the CSRF token: the value of "
        f"the `{settings.CSRF_COOKIE_NAME}` cookie (set by `GET /api/v1/link`) in the `X-CSRFToken` header."
    )

    def __call__(self, request: HttpRequest) -> BusinessAccount | None:
        user = getattr(request, "user", AnonymousUser())
        if not isinstance(user, BusinessAccount) or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request) is not None:
            raise CsrfFailed
        return user


session_auth = SessionCsrfAuth()


def install(api: NinjaAPI) -> None:
    """Replace ninja's ``{"detail": …}`` answers with coded errors."""

    def on_coded_error(request: HttpRequest, error: CodedError) -> HttpResponse:
        return error_response(error)

    def on_csrf_failed(request: HttpRequest, error: CsrfFailed) -> HttpResponse:
        return error_response(CodedError(CSRF_FAILED), status=403)

    def on_validation_error(request: HttpRequest, error: ValidationError) -> HttpResponse:
        fields = [
            {
                "loc": [str(part) if not isinstance(part, int) else part for part in item.get("loc", ())],
                "msg": str(item.get("msg", "")),
                "type": str(item.get("type", "")),
            }
            for item in error.errors
        ]
        return error_response(CodedError(ErrorCode.REQUEST_INVALID), status=422, errors=fields)

    def on_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
        # Ninja's own refusals: 401 for no session, 400 for a body that is not JSON.
        if isinstance(error, AuthenticationError) or error.status_code == 401:
            return error_response(CodedError(ErrorCode.AUTH_REQUIRED), status=401)
        return error_response(CodedError(ErrorCode.REQUEST_INVALID), status=error.status_code)

    def on_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
        return error_response(CodedError(ErrorCode.NOT_FOUND), status=404)

    handlers: dict[type[Exception], Callable[..., HttpResponse]] = {
        CodedError: on_coded_error,
        CsrfFailed: on_csrf_failed,
        ValidationError: on_validation_error,
        HttpError: on_http_error,
        Http404: on_not_found,
    }
    for exception, handler in handlers.items():
        api.add_exception_handler(exception, handler)


@csrf_exempt
def not_found(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    """Any other path under ``/api/v1/``: 404 in the API's error format, whatever the method."""
    return error_response(CodedError(ErrorCode.NOT_FOUND), status=404)


def json_method_not_allowed(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """Ninja answers a method a path does not have with a plain-text 405; keep its ``Allow``, say it as JSON."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if response.status_code != 405:
            return response
        refusal = error_response(CodedError(ErrorCode.REQUEST_INVALID), status=405)
        if response.has_header("Allow"):
            refusal["Allow"] = response["Allow"]
        return refusal

    return wrapper
