"""Every API error has one JSON shape and a stable code.

`{"code": ..., "message": ..., "field": ...}` plus, when the service supplied them,
`problems` (every malformed field), `warnings` (what needs confirming), `summary` (the
coordination summary of a person registered already), `index` and `person_id`. Member systems
branch on `code` and `field`; `message` is for people, in the request's language. Only these
keys of an `ApplicationError`'s `extra` are passed on, so nothing else a service attaches
can reach another member.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from django.views import defaults
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import exception_handler as drf_exception_handler
from rest_framework.views import set_rollback

from marsad.core.errors import ApplicationError, CoreError, ErrorCode
from marsad.registry.errors import RegistryError


class ApiError(ErrorCode):
    """Codes for failures of the HTTP exchange itself (the services' codes cover the rest)."""

    NOT_AUTHENTICATED = "api.not_authenticated"
    AUTHENTICATION_FAILED = "api.authentication_failed"
    PARSE_ERROR = "api.parse_error"
    METHOD_NOT_ALLOWED = "api.method_not_allowed"
    NATIONAL_ID_IN_URL = "api.national_id_in_url"
    NOT_ACCEPTABLE = "api.not_acceptable"
    UNSUPPORTED_MEDIA_TYPE = "api.unsupported_media_type"
    THROTTLED = "api.throttled"
    ERROR = "api.error"


#: HTTP status of an `ApplicationError` by code; every other code is a 400.
STATUS_BY_CODE: dict[str, int] = {
    RegistryError.ALREADY_REGISTERED: status.HTTP_409_CONFLICT,
    RegistryError.CONFIRMATION_REQUIRED: status.HTTP_428_PRECONDITION_REQUIRED,
    CoreError.PERMISSION_DENIED: status.HTTP_403_FORBIDDEN,
    CoreError.NOT_FOUND: status.HTTP_404_NOT_FOUND,
}

#: The keys of `ApplicationError.extra` that an API response may carry.
PUBLIC_EXTRA_KEYS = ("problems", "warnings", "summary", "index", "person_id")

_CODE_BY_EXCEPTION: tuple[tuple[type[exceptions.APIException], ErrorCode], ...] = (
    (exceptions.NotAuthenticated, ApiError.NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, ApiError.AUTHENTICATION_FAILED),
    (exceptions.PermissionDenied, CoreError.PERMISSION_DENIED),
    (exceptions.NotFound, CoreError.NOT_FOUND),
    (exceptions.ValidationError, CoreError.INVALID_INPUT),
    (exceptions.ParseError, ApiError.PARSE_ERROR),
    (exceptions.MethodNotAllowed, ApiError.METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, ApiError.NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, ApiError.UNSUPPORTED_MEDIA_TYPE),
    (exceptions.Throttled, ApiError.THROTTLED),
)


def application_error_body(error: ApplicationError) -> dict[str, Any]:
    body: dict[str, Any] = {
        "code": str(error.code),
        "message": str(error.message),
        "field": error.field,
    }
    body.update({key: error.extra[key] for key in PUBLIC_EXTRA_KEYS if key in error.extra})
    return body


#: How the services name a household's own fields (`household.governorate`, for the web form
#: and the import's columns); in a request they are at the household's top level.
SERVICE_HOUSEHOLD_PREFIX = "household."


#: The aid ledger's fields the services name as the web form does, by the request's names.
AID_REQUEST_FIELDS = {"household": "household_id", "person": "person_id"}


def request_field(name: str, renames: Mapping[str, str] | None = None) -> str:
    """A service's field name as the request names it (`household.district` → `district`;
    `renames` for an endpoint's own names)."""
    name = name.removeprefix(SERVICE_HOUSEHOLD_PREFIX)
    return (renames or {}).get(name, name)


def request_problems(
    problems: list[dict[str, str]], renames: Mapping[str, str] | None = None
) -> list[dict[str, str]]:
    return [{**problem, "field": request_field(problem["field"], renames)} for problem in problems]


def in_request_terms(
    error: ApplicationError, renames: Mapping[str, str] | None = None
) -> ApplicationError:
    """`error` with its field and those of its problems and warnings named as in the request."""
    extra = dict(error.extra)
    for key in ("problems", "warnings"):
        items = extra.get(key)
        if isinstance(items, list):
            extra[key] = request_problems(items, renames)
    return ApplicationError(
        code=error.code,
        message=error.message,
        field=request_field(error.field, renames) if error.field else error.field,
        extra=extra,
    )


def invalid_input_error(problems: list[dict[str, str]]) -> ApplicationError:
    """One error for a list of problems; a single problem keeps its own code and field."""
    if len(problems) == 1:
        only = problems[0]
        return ApplicationError(
            code=_known_code(only["code"]),
            message=only["message"],
            field=only["field"] or None,
            extra={"problems": problems},
        )
    return ApplicationError(
        code=CoreError.INVALID_INPUT
        if all(p["code"] == CoreError.INVALID_INPUT for p in problems)
        else RegistryError.INVALID_INPUT,
        message=_("Some fields need correcting."),
        field=problems[0]["field"] or None,
        extra={"problems": problems},
    )


def _known_code(value: str) -> ErrorCode:
    for enum in (CoreError, RegistryError):
        try:
            return enum(value)
        except ValueError:
            continue
    return CoreError.INVALID_INPUT


def validation_problems(detail: Any, prefix: str = "") -> Iterator[dict[str, str]]:
    """Flatten DRF's nested validation errors into `{field, code, message}` problems.

    Field paths use the registry's dotted form (`people.0.birth_date`), so a member system
    reads serializer errors and service errors alike.
    """
    if isinstance(detail, dict):
        for key, value in detail.items():
            name = "" if key == api_settings.NON_FIELD_ERRORS_KEY else str(key)
            yield from validation_problems(value, _join(prefix, name))
    elif isinstance(detail, list):
        if any(isinstance(item, dict | list) for item in detail):
            for index, item in enumerate(detail):
                yield from validation_problems(item, _join(prefix, str(index)))
        else:
            for item in detail:
                yield {"field": prefix, "code": CoreError.INVALID_INPUT, "message": str(item)}
    elif detail:
        yield {"field": prefix, "code": CoreError.INVALID_INPUT, "message": str(detail)}


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix and name else prefix or name


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    """DRF's handler, with the project's error shape and codes (`REST_FRAMEWORK` setting)."""
    if isinstance(exc, exceptions.ValidationError):
        problems = list(validation_problems(exc.detail))
        if problems:
            exc = invalid_input_error(problems)
    if isinstance(exc, ApplicationError):
        set_rollback()
        return Response(
            application_error_body(exc),
            status=STATUS_BY_CODE.get(exc.code, status.HTTP_400_BAD_REQUEST),
        )
    # Django's own exceptions lose their (English, model-naming) text: the API's is generic.
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied()
    response = drf_exception_handler(exc, context)
    if response is None or not isinstance(exc, exceptions.APIException):
        return response
    code = next(
        (code for kind, code in _CODE_BY_EXCEPTION if isinstance(exc, kind)), ApiError.ERROR
    )
    response.data = {"code": str(code), "message": str(exc.detail), "field": None}
    return response


#: Where the API is served (`config.urls`).
API_PREFIX = "/api/"


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 (`handler404`): under /api/, an address that is no endpoint answers in the
    API's error shape, as everything else there does; elsewhere the site's page."""
    if request.path_info.startswith(API_PREFIX):
        return JsonResponse(
            {
                "code": str(CoreError.NOT_FOUND),
                "message": str(exceptions.NotFound.default_detail),
                "field": None,
            },
            status=status.HTTP_404_NOT_FOUND,
            json_dumps_params={"ensure_ascii": False},
        )
    return defaults.page_not_found(request, exception)
