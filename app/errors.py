"""The few error types the service raises: each an answer other than a view's success,
with its status and one line naming the cause (app/request/answers.py answers them)."""


class ApiError(Exception):
    """An answer other than the view's success: a status and one line naming the cause."""

    status = 400

    def __init__(self, message, headers=None):
        super().__init__(message)
        self.message = message
        self.headers = headers or {}


class BadRequest(ApiError):
    status = 400


class Unauthorized(ApiError):
    status = 401

    def __init__(self):
        super().__init__("missing or invalid API key", {"WWW-Authenticate": "Bearer"})


class Forbidden(ApiError):
    status = 403


class NotFound(ApiError):
    status = 404


class Conflict(ApiError):
    status = 409


class Unprocessable(ApiError):
    status = 422


class BadGateway(ApiError):
    """An upstream (a carrier) could not answer: worth a retry."""

    status = 502


def invalid_body(field, problem):
    return BadRequest(f"invalid body: {field}: {problem}")


def invalid_query(param, problem):
    return BadRequest(f"invalid query: {param}: {problem}")
