"""Application errors with stable codes.

Services raise `ApplicationError`; views show `message` in the user's language, the API
returns `code`, tests assert `code`. Codes are part of the public contract: never rename one.
"""

from enum import StrEnum

from django.utils.functional import Promise


class ErrorCode(StrEnum):
    """Base for per-domain code enums; values are `domain.reason`."""


class CoreError(ErrorCode):
    PERMISSION_DENIED = "core.permission_denied"
    NOT_FOUND = "core.not_found"
    INVALID_INPUT = "core.invalid_input"


class ApplicationError(Exception):
    def __init__(
        self,
        *,
        code: ErrorCode,
        message: str | Promise,
        field: str | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(str(message))
        self.code = code
        self.message = message
        self.field = field
        self.extra = extra or {}

    def __str__(self) -> str:
        return f"{self.code}: {self.message}"
