"""The error types the service raises, each with its status, its stable code and one line
naming the cause; app/request/answers.py answers them as text or as problem details.

The type decides the code: no answer can have a line without a code. The codes are a
closed set, the contract's (CODES), documented in the OpenAPI document and docs/api.md.
"""

# code -> (status, title): the closed set, stable across versions.
CODES = {
    "invalid_body": (400, "Invalid body"),
    "invalid_parameter": (400, "Invalid parameter"),
    "missing_account": (400, "Missing X-Account-ID"),
    "duplicate_number": (400, "Duplicate number"),
    "no_such_credential": (400, "No such credential"),
    "credentials_rejected": (400, "Credentials rejected"),
    "unauthenticated": (401, "Unauthenticated"),
    "account_mismatch": (403, "Account mismatch"),
    "platform_key_required": (403, "Platform key required"),
    "not_found": (404, "Not found"),
    "method_not_allowed": (405, "Method not allowed"),
    "credential_in_use": (409, "Credential in use"),
    "idempotency_in_progress": (409, "Idempotency-Key in progress"),
    "body_too_large": (413, "Body too large"),
    "idempotency_key_reused": (422, "Idempotency-Key reused"),
    "carrier_unreachable": (502, "Carrier unreachable"),
    "encryption_unavailable": (503, "Encryption unavailable"),
    "database_error": (500, "Database error"),
    # A bug: no request is meant to get it, and a test fails for any that does.
    "internal_error": (500, "Internal error"),
}


class ApiError(Exception):
    """An answer other than the view's success: a status, a code, one line naming the
    cause, and the field or parameter at fault when there is one."""

    code = None

    def __init__(self, message, *, field=None, headers=None):
        super().__init__(message)
        self.message = message
        self.field = field
        self.headers = headers or {}

    @property
    def status(self):
        return CODES[self.code][0]

    @property
    def title(self):
        return CODES[self.code][1]


class InvalidParameter(ApiError):
    """A query parameter, a header or a path value: malformed or unknown."""

    code = "invalid_parameter"


class MissingAccount(ApiError):
    """A platform key without X-Account-ID."""

    code = "missing_account"


class AccountMismatch(ApiError):
    """X-Account-ID names another account than the key's."""

    code = "account_mismatch"


class PlatformKeyRequired(ApiError):
    """An account key on an endpoint for platform keys."""

    code = "platform_key_required"


class NotFound(ApiError):
    """An unknown path, or an object that does not exist for this account."""

    code = "not_found"


class MethodNotAllowed(ApiError):
    """A method the path does not take."""

    code = "method_not_allowed"


class CredentialInUse(ApiError):
    """Deleting a credential that numbers still use."""

    code = "credential_in_use"


class IdempotencyInProgress(ApiError):
    """A repeat of a key whose first request still runs."""

    code = "idempotency_in_progress"


class BodyTooLarge(ApiError):
    """A body over the 64 KiB limit."""

    code = "body_too_large"


class IdempotencyKeyReused(ApiError):
    """The same Idempotency-Key with a different body."""

    code = "idempotency_key_reused"


class CarrierUnreachable(ApiError):
    """The carrier could not be asked: worth a retry."""

    code = "carrier_unreachable"


class EncryptionUnavailable(ApiError):
    """No usable sealing key, or sealing failed."""

    code = "encryption_unavailable"


class DatabaseError(ApiError):
    """The database failed or is out of reach."""

    code = "database_error"


class InternalError(ApiError):
    """An error the service did not foresee: a bug."""

    code = "internal_error"


class InvalidBody(ApiError):
    """A body that is not what the endpoint takes; `field` its dotted path, when one is."""

    code = "invalid_body"

    def __init__(self, problem, field=None, headers=None):
        super().__init__(f"invalid body: {field}: {problem}" if field else
                         f"invalid body: {problem}", field=field, headers=headers)


class Unauthenticated(ApiError):
    code = "unauthenticated"

    def __init__(self):
        super().__init__("missing or invalid API key", headers={"WWW-Authenticate": "Bearer"})


class DuplicateNumber(ApiError):
    code = "duplicate_number"

    def __init__(self, e164):
        super().__init__(f"duplicate number: {e164} is already registered", field="e164")


class NoSuchCredential(ApiError):
    code = "no_such_credential"

    def __init__(self):
        super().__init__("invalid body: credentials_id: no such credential",
                         field="credentials_id")


class CredentialsRejected(ApiError):
    code = "credentials_rejected"

    def __init__(self, provider, status):
        super().__init__(f"invalid body: credentials: rejected by {provider} ({status})",
                         field="credentials")


def invalid_body(field, problem):
    return InvalidBody(problem, field)


def invalid_query(param, problem):
    return InvalidParameter(f"invalid query: {param}: {problem}", field=param)


def invalid_parameter(name, problem):
    """A path value that is not what the path takes: `invalid <name>: <problem>`."""
    return InvalidParameter(f"invalid {name}: {problem}", field=name)


def invalid_header(name, problem):
    return InvalidParameter(f"invalid {name} header: {problem}", field=name)
