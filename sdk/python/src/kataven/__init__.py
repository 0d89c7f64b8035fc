"""Python client of the Kataven Hub API.

    from kataven import Kataven
    client = Kataven()  # KATAVEN_API_KEY, KATAVEN_BASE_URL, KATAVEN_ACCOUNT_ID
    for number in client.telephony.numbers.list(agent_id="agent_1"):
        print(number.e164)
"""

from ._client import DEFAULT_BASE_URL, DEFAULT_MAX_RETRIES, DEFAULT_TIMEOUT, AsyncKataven, Kataven
from ._exceptions import (
                          APIConnectionError,
                          APIStatusError,
                          APITimeoutError,
                          AuthenticationError,
                          BadGatewayError,
                          BadRequestError,
                          ConflictError,
                          ErrorCode,
                          InternalServerError,
                          KatavenError,
                          NotFoundError,
                          PermissionDeniedError,
                          RateLimitError,
                          RequestTooLargeError,
                          ServiceUnavailableError,
                          UnprocessableEntityError,
)
from ._models import (
                      Actor,
                      ActorKind,
                      Event,
                      EventType,
                      InboundRule,
                      PhoneNumber,
                      Provider,
                      ProviderName,
                      Route,
                      SealedCredential,
)
from ._transport import RawResponse
from ._types import NOT_GIVEN, NotGiven
from ._version import __version__
from .pagination import AsyncPager, Page, SyncPager

__all__ = [
    "Kataven", "AsyncKataven", "NOT_GIVEN", "NotGiven", "Provider", "PhoneNumber", "Event",
    "Actor", "Route", "SealedCredential", "ProviderName", "EventType", "ActorKind",
    "InboundRule",
    "Page", "SyncPager", "AsyncPager", "RawResponse", "__version__",
    "DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "DEFAULT_MAX_RETRIES",
    "ErrorCode", "KatavenError", "APIConnectionError", "APITimeoutError", "APIStatusError",
    "BadRequestError", "AuthenticationError", "PermissionDeniedError", "NotFoundError",
    "ConflictError", "RequestTooLargeError", "UnprocessableEntityError", "RateLimitError",
    "InternalServerError", "BadGatewayError", "ServiceUnavailableError",
]
