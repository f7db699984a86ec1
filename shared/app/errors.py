"""What a use case refuses, by kind; ``functions/`` turns each kind into an answer."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    code = "bad-request"

    def __init__(self, message: str, details: list[dict[str, Any]] | None = None, *, code: str | None = None,
                 extra: dict[str, Any] | None = None):
        super().__init__(message)
        self.message = message
        self.details = details or []
        if code is not None:
            self.code = code
        self.extra = extra or {}  # more fields of the error body, e.g. {"missingDocuments": [...]}

    def to_dict(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "details": self.details, **self.extra}


class InvalidInput(AppError):
    code = "invalid-request"


class Ineligible(AppError):
    code = "ineligible"

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "reasons": self.details}


class Forbidden(AppError):
    code = "forbidden"


class NotFound(AppError):
    code = "not-found"


class WrongState(AppError):
    code = "conflict"


class StaleVersion(AppError):
    code = "precondition-failed"


class IdempotencyKeyReused(AppError):
    code = "idempotency-key-reused"


class TooManySubmissions(AppError):
    code = "too-many-submissions"

    def __init__(self, message: str, retry_after_seconds: int):
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds

    def to_dict(self) -> dict[str, Any]:
        return {**super().to_dict(), "retryAfterSeconds": self.retry_after_seconds}


class TooLarge(AppError):
    code = "payload-too-large"


class UnsupportedContent(AppError):
    code = "unsupported-media-type"


class Busy(AppError):
    code = "busy"


class Poison(Exception):
    """A message that can never succeed: parked, not retried."""


def invalid_field(field: str, message: str, kind: str = "value_error") -> InvalidInput:
    return InvalidInput(f"{field}: {message}", [{"field": field, "message": message, "type": kind}])


def invalid_model(exc: Any, prefix: str) -> InvalidInput:
    """A domain model's ValidationError as a 400 naming each field under ``prefix``."""
    details = []
    for error in exc.errors(include_url=False, include_input=False):
        loc = ".".join([*([prefix] if prefix else []), *(str(p) for p in error["loc"])]) or prefix
        details.append({"field": loc, "message": error["msg"].removeprefix("Value error, "), "type": error["type"]})
    return InvalidInput("invalid fields: " + ", ".join(sorted({d["field"] for d in details})), details)
