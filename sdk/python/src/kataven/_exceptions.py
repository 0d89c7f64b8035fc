"""Every error the SDK raises: one base, one class per HTTP status, and network failures.

An error answer is read as the service's RFC 9457 problem details (the SDK asks for them:
`Accept: application/json, application/problem+json`), which carry a stable `code` and
the `field` at fault, or as its one line of text (an older service, or a proxy's answer),
which carries neither.
"""

from __future__ import annotations

import json
from typing import Any, Literal

import httpx

__all__ = [
    "ErrorCode", "KatavenError", "APIConnectionError", "APITimeoutError", "APIStatusError",
    "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
    "ConflictError", "RequestTooLargeError", "UnprocessableEntityError", "RateLimitError",
    "InternalServerError", "BadGatewayError", "ServiceUnavailableError",
]


# The service's error codes, a closed set stable across versions (its document's Problem
# schema; tests/test_errors.py holds this to the served one), so that `mypy --strict`
# refuses a misspelt `error.code == "duplicate_numbr"`.
ErrorCode = Literal[
    "invalid_body", "invalid_parameter", "missing_account", "duplicate_number",
    "no_such_credential", "credentials_rejected", "unauthenticated", "account_mismatch",
    "platform_key_required", "not_found", "method_not_allowed", "credential_in_use",
    "idempotency_in_progress", "body_too_large", "idempotency_key_reused",
    "carrier_unreachable", "encryption_unavailable", "database_error", "internal_error",
]
PROBLEM = "application/problem+json"


class KatavenError(Exception):
    """The base of every error this SDK raises."""


class APIConnectionError(KatavenError):
    """No answer came: the connection was refused, reset or closed before an answer. The
    message names the host tried and the system's cause (`could not connect to
    api.kataven.ai:443: name not resolved (...)`)."""

    def __init__(self, message: str = "connection error", *, request: httpx.Request | None = None):
        super().__init__(message)
        self.message = message
        self.request = request


class APITimeoutError(APIConnectionError):
    """The call's time budget (`timeout`) ran out while a request was under way; the
    message names the budget (`no answer within the call's 30.0 s budget`)."""

    def __init__(self, message: str = "the call's time budget ran out", *,
                 request: httpx.Request | None = None):
        super().__init__(message, request=request)


class APIStatusError(KatavenError):
    """The service answered with an error status. `message` is its one line (naming the
    field); `code` the stable code to tell errors apart by (`"duplicate_number"`), and
    `field` the field or parameter at fault (`"e164"`), both None when the answer carries
    none (a proxy's 502, say); `request_id` the answer's X-Request-ID."""

    def __init__(self, message: str, *, response: httpx.Response, body: str,
                 code: ErrorCode | None = None, field: str | None = None,
                 request_id: str | None = None) -> None:
        self.status_code: int = response.status_code
        self.message = message
        self.code = code
        self.field = field
        self.request_id: str | None = request_id or response.headers.get("X-Request-ID")
        self.headers: httpx.Headers = response.headers
        self.body = body
        self.response = response
        detail = f" (request id {self.request_id})" if self.request_id else ""
        super().__init__(f"{self.status_code} {message}{detail}")

    def __repr__(self) -> str:
        return (f"{type(self).__name__}(status_code={self.status_code}, code={self.code!r}, "
                f"field={self.field!r}, message={self.message!r}, "
                f"request_id={self.request_id!r})")


class BadRequestError(APIStatusError):
    """400: an invalid body, query or header; the message names the field."""


class AuthenticationError(APIStatusError):
    """401: a missing, unknown or revoked API key."""


class PermissionDeniedError(APIStatusError):
    """403: X-Account-ID names an account the key does not belong to."""


class NotFoundError(APIStatusError):
    """404: no such object in this account."""


class ConflictError(APIStatusError):
    """409: a real conflict (a credential in use, an Idempotency-Key in progress)."""


class RequestTooLargeError(APIStatusError):
    """413: a body over 64 KiB."""


class UnprocessableEntityError(APIStatusError):
    """422: an Idempotency-Key reused with a different body."""


class RateLimitError(APIStatusError):
    """429: too many requests (retried)."""


class InternalServerError(APIStatusError):
    """A 5xx other than 502 and 503 (500 and 504 are retried)."""


class BadGatewayError(APIStatusError):
    """502: a gateway, or the carrier behind the service, did not answer (retried)."""


class ServiceUnavailableError(APIStatusError):
    """503: the service cannot serve now (retried)."""


BY_STATUS: dict[int, type[APIStatusError]] = {
    400: BadRequestError,
    401: AuthenticationError,
    403: PermissionDeniedError,
    404: NotFoundError,
    409: ConflictError,
    413: RequestTooLargeError,
    422: UnprocessableEntityError,
    429: RateLimitError,
    502: BadGatewayError,
    503: ServiceUnavailableError,
}


def _problem(body: str) -> dict[str, Any] | None:
    """The problem details of an answer's body, None when it holds none."""
    try:
        problem = json.loads(body)
    except ValueError:
        return None
    return problem if isinstance(problem, dict) else None


def _text(problem: dict[str, Any], name: str) -> Any:
    value = problem.get(name)
    return value if isinstance(value, str) and value else None


def status_error(response: httpx.Response) -> APIStatusError:
    """The exception for an error answer: the problem details' detail, code, field and
    request id, or the text line; for any other body (a proxy's HTML page, say: no line
    of it is the service's message), the status's reason phrase."""
    body = response.text
    content_type = response.headers.get("Content-Type", "")
    problem = _problem(body) if content_type.startswith(PROBLEM) else None
    fields: dict[str, Any] = {}
    if problem is not None and _text(problem, "detail"):
        message = problem["detail"]
        fields = {"code": _text(problem, "code"), "field": _text(problem, "field"),
                  "request_id": _text(problem, "request_id")}
    elif content_type.startswith("text/plain"):
        message = body.rstrip("\r\n")
    else:
        message = response.reason_phrase or "error"
    status = response.status_code
    cls = BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    return cls(message, response=response, body=body, **fields)
