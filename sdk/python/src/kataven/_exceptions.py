"""Every error the SDK raises: one base, one class per HTTP status, and network failures."""

from __future__ import annotations

import httpx

__all__ = [
    "KatavenError", "APIConnectionError", "APITimeoutError", "APIStatusError",
    "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
    "ConflictError", "RequestTooLargeError", "UnprocessableEntityError", "RateLimitError",
    "InternalServerError", "BadGatewayError", "ServiceUnavailableError",
]


class KatavenError(Exception):
    """The base of every error this SDK raises."""


class APIConnectionError(KatavenError):
    """No answer came: the connection was refused, reset or closed before an answer."""

    def __init__(self, message: str = "connection error", *, request: httpx.Request | None = None):
        super().__init__(message)
        self.message = message
        self.request = request


class APITimeoutError(APIConnectionError):
    """The call's time budget (`timeout`) ran out while a request was under way."""

    def __init__(self, message: str = "the call's time budget ran out", *,
                 request: httpx.Request | None = None):
        super().__init__(message, request=request)


class APIStatusError(KatavenError):
    """The service answered with an error status. `message` is its one-line text."""

    def __init__(self, message: str, *, response: httpx.Response, body: str) -> None:
        self.status_code: int = response.status_code
        self.message = message
        self.request_id: str | None = response.headers.get("X-Request-ID")
        self.headers: httpx.Headers = response.headers
        self.body = body
        self.response = response
        detail = f" (request id {self.request_id})" if self.request_id else ""
        super().__init__(f"{self.status_code} {message}{detail}")


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


def status_error(response: httpx.Response) -> APIStatusError:
    """The exception for an error answer, carrying the service's one-line message."""
    body = response.text
    if response.headers.get("Content-Type", "").startswith("text/plain"):
        message = body.rstrip("\r\n")
    else:  # a proxy's HTML page, say: no line of it is the service's message
        message = response.reason_phrase or "error"
    status = response.status_code
    cls = BY_STATUS.get(status) or (InternalServerError if status >= 500 else APIStatusError)
    return cls(message, response=response, body=body)
