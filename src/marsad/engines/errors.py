"""The error type the engines raise for unusable input."""

from __future__ import annotations

import enum
from typing import Any


class CodedValueError(ValueError):
    """Unusable input with a stable `code`; `message` is English, for logs and developers.

    Callers translate by `code` for users. Messages never repeat the input itself, so they
    are safe to log even when the input is personal data.
    """

    code: enum.StrEnum

    def __init__(self, code: Any, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message

    def __reduce__(self) -> tuple[type[CodedValueError], tuple[enum.StrEnum, str]]:
        return (type(self), (self.code, self.message))
