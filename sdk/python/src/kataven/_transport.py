"""The one place that speaks HTTP: headers, the time budget, retries with backoff,
Idempotency-Key, the log line of each attempt, and errors by status; sync and async.

Resources describe an operation as a `Call`; `Transport.send` (or `AsyncTransport.send`)
runs it and returns a `RawResponse`, whose `parse()` gives the result. The rules, the
same in the Node SDK:

- One budget per call (`timeout`), retries and backoff included: each step of an
  attempt (pool, connect, write, read) may wait only until the deadline, and a retry
  whose wait would end past it is not started.
- Retried: connection failures (refused, reset, closed before an answer) and 429, 500,
  502, 503, 504; never another status.
- Every POST carries an Idempotency-Key (the caller's, or one made for the call), the
  same on every attempt, so a retry after a lost answer never creates twice.
- Errors are asked for as problem details (Accept), for their stable `code`.
- A PATCH asks for the changed object back (Prefer: return=representation); from a
  service too old to send it (204), the object is read back with the call's `read_back`.
- Before retry n (0, 1, ...): min(0.5 * 2**n, 8) seconds less up to a quarter (jitter),
  or what the answer's Retry-After says.
"""

from __future__ import annotations

import asyncio
import email.utils
import errno
import json
import logging
import math
import os
import random
import socket
import ssl
import sys
import time
import uuid
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Callable, Generic, Mapping, TypeVar

import httpx

from ._exceptions import APIConnectionError, APITimeoutError, KatavenError, status_error
from ._version import __version__

T = TypeVar("T")

logger = logging.getLogger("kataven")

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
# Failures after which the request may or may not have been acted on; a connect error
# is the one that certainly sent nothing.
RETRY_ERRORS = (httpx.ConnectError, httpx.ReadError, httpx.WriteError,
                httpx.RemoteProtocolError)
INITIAL_BACKOFF = 0.5
MAX_BACKOFF = 8.0
USER_AGENT = f"kataven-python/{__version__}"
REPLAYED = "Idempotent-Replayed"
PREFER_REPRESENTATION = "return=representation"
ACCEPT = "application/json, application/problem+json"

# Patched by the unit tests of backoff, which must not wait for real.
sleep = time.sleep
async_sleep = asyncio.sleep


def backoff(retry: int, jitter: Callable[[], float] = random.random) -> float:
    """Seconds to wait before retry number `retry` (0 for the first)."""
    return min(INITIAL_BACKOFF * float(2 ** min(retry, 16)), MAX_BACKOFF) * (1 - 0.25 * jitter())


def retry_after(headers: httpx.Headers) -> float | None:
    """Seconds a Retry-After header asks for (decimal seconds or an HTTP date), None when
    absent or unreadable; a time in the past is 0."""
    value = headers.get("Retry-After")
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError, IndexError):
            return None
        if when.tzinfo is None:  # "-0000": UTC, as HTTP dates always are
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - datetime.now(timezone.utc)).total_seconds()
    if not math.isfinite(seconds):
        return None
    return max(seconds, 0.0)


def setup_logging_from_env() -> None:
    """KATAVEN_LOG=debug: the attempts' lines on standard error (added once)."""
    if os.environ.get("KATAVEN_LOG", "").lower() != "debug":
        return
    if not any(getattr(h, "_kataven", False) for h in logger.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(asctime)s %(name)s %(levelname)s %(message)s"))
        handler._kataven = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)


@dataclass(frozen=True)
class Settings:
    """What a client is configured with; `with_options` makes a changed copy."""

    api_key: str
    base_url: str
    account_id: str | None
    timeout: float
    max_retries: int

    def __repr__(self) -> str:  # never the key
        return (f"Settings(base_url={self.base_url!r}, account_id={self.account_id!r}, "
                f"timeout={self.timeout!r}, max_retries={self.max_retries!r})")

    def described(self) -> str:
        """The settings a client's repr shows: all but the key."""
        return (f"base_url={self.base_url!r} account_id={self.account_id!r} "
                f"timeout={float(self.timeout)!r} max_retries={self.max_retries!r}")

    def headers(self) -> dict[str, str]:
        headers = {
            "Authorization": f"Bearer {self.api_key}",
            "User-Agent": USER_AGENT,
            # Success bodies are JSON; errors, problem details with a stable code.
            "Accept": ACCEPT,
        }
        if self.account_id is not None:
            headers["X-Account-ID"] = self.account_id
        return headers


@dataclass(frozen=True)
class Call(Generic[T]):
    """One operation as a resource describes it: what to send and how to read the answer."""

    method: str
    path: str  # below the base URL, e.g. /telephony/numbers
    parse: Callable[[httpx.Response], T]
    body: Mapping[str, Any] | None = None
    params: Mapping[str, Any] | None = None
    idempotency_key: str | None = None  # a POST's, when the caller chose it
    # A change that asks for the object as it left it (Prefer: return=representation),
    # and the call that reads it instead when a service ignores the preference (204).
    read_back: Call[T] | None = None
    # The account this call acts for (X-Account-ID), instead of the client's.
    account_id: str | None = None


class RawResponse(Generic[T]):
    """The HTTP details of a call besides its result, which `parse()` gives."""

    __slots__ = ("http_response", "retries", "_parse")

    def __init__(self, http_response: httpx.Response, parse: Callable[[httpx.Response], T],
                 retries: int) -> None:
        self.http_response = http_response
        self.retries = retries  # how many retries the call took (0: the first attempt did)
        self._parse = parse

    @property
    def status_code(self) -> int:
        return self.http_response.status_code

    @property
    def headers(self) -> httpx.Headers:
        return self.http_response.headers

    @property
    def request_id(self) -> str | None:
        value: str | None = self.http_response.headers.get("X-Request-ID")
        return value

    @property
    def replayed(self) -> bool:
        """Whether the service answered with the kept answer of an earlier request with
        the same Idempotency-Key (a create retried after its answer was lost)."""
        return bool(self.http_response.headers.get(REPLAYED) == "true")

    def answered_by(self, read_back: RawResponse[T]) -> RawResponse[T]:
        """This answer's HTTP details, whose parse() gives what `read_back` read (a
        change a service answered 204, read back with a second call)."""
        return RawResponse(self.http_response, lambda _: read_back.parse(), self.retries)

    def parse(self) -> T:
        try:
            return self._parse(self.http_response)
        except (ValueError, KeyError, TypeError) as exc:  # not the API's JSON: a proxy's page?
            raise KatavenError(
                f"unreadable {self.status_code} answer to {self.http_response.request.method} "
                f"{self.http_response.request.url.path}: {type(exc).__name__}: {exc}"
                + (f" (request id {self.request_id})" if self.request_id else "")) from exc

    def __repr__(self) -> str:
        return (f"<RawResponse {self.status_code} request_id={self.request_id!r} "
                f"replayed={self.replayed} retries={self.retries}>")


class _Budget(dict[str, "float | None"]):
    """httpx's "timeout" request extension, whose values are what is left of the call's
    budget when they are read: httpcore reads one at the start of each phase of an
    attempt (pool, connect, write, read the head, read the body), so each phase waits
    at most until the deadline, not the budget's whole length again."""

    __slots__ = ("deadline",)

    def __init__(self, deadline: float) -> None:
        super().__init__(pool=None, connect=None, write=None, read=None)
        self.deadline = deadline

    def get(self, key: str, default: object = None) -> float:
        # Never 0: a socket timeout of 0 makes it non-blocking, an error that is no timeout.
        return max(self.deadline - time.monotonic(), 0.001)

    def __getitem__(self, key: str) -> float:
        return self.get(key)


class _Attempts(Generic[T]):
    """One call's attempts: its deadline, what they did, and whether to try again."""

    __slots__ = ("call", "settings", "deadline", "extensions", "max_retries", "retries",
                 "may_have_reached")

    def __init__(self, call: Call[T], settings: Settings) -> None:
        self.call = call
        self.settings = settings
        self.deadline = time.monotonic() + settings.timeout
        self.extensions = {"timeout": _Budget(self.deadline)}
        self.max_retries = settings.max_retries
        self.retries = 0
        self.may_have_reached = False  # whether an earlier attempt may have been acted on

    def next(self) -> dict[str, _Budget]:
        """The next attempt's httpx extensions: its timeouts, what is left of the budget."""
        if self.deadline - time.monotonic() <= 0:
            raise self._timeout(None)
        return self.extensions

    def answered(self, response: httpx.Response) -> RawResponse[T] | float:
        """The call's RawResponse, or the seconds to wait before retrying; raises the
        error when the call ends in one."""
        status = response.status_code
        attempt = self.retries + 1
        # A DELETE whose earlier attempt may have reached the server, and whose retry finds
        # nothing: that attempt deleted it.
        gone = status == 404 and self.call.method == "DELETE" and self.may_have_reached
        if status < 400 or gone:
            self._log(attempt, response.request, str(status), "done", response)
            return RawResponse(response, self.call.parse, self.retries)
        error = status_error(response)
        retryable = status in RETRY_STATUSES
        wait = self._next_wait(retryable, retry_after(response.headers)) if retryable else None
        self._log(attempt, response.request, f"{status} {type(error).__name__}", _then(wait),
                  response)
        if wait is None:
            raise error
        if status != 429:  # a 429 was refused before anything ran
            self.may_have_reached = True
        return wait

    def failed(self, exc: httpx.HTTPError, request: httpx.Request | None) -> float:
        """The seconds to wait before retrying after a failure with no answer; raises
        the SDK's error when not retrying."""
        attempt = self.retries + 1
        if isinstance(exc, httpx.TimeoutException):  # each attempt may take all that is left
            self._log(attempt, request, "APITimeoutError", "raised", None)
            raise self._timeout(request) from exc
        retryable = isinstance(exc, RETRY_ERRORS)
        wait = self._next_wait(retryable, None) if retryable else None
        self._log(attempt, request, type(exc).__name__, _then(wait), None)
        if wait is None:
            where = request.url if request is not None else httpx.URL(self.settings.base_url)
            raise APIConnectionError(connection_failure(exc, where), request=request) from exc
        if not isinstance(exc, httpx.ConnectError):
            self.may_have_reached = True
        return wait

    def _timeout(self, request: httpx.Request | None) -> APITimeoutError:
        return APITimeoutError(
            f"no answer within the call's {float(self.settings.timeout)} s budget",
            request=request)

    def _next_wait(self, retryable: bool, asked: float | None) -> float | None:
        """The wait before the next attempt, or None when there is none."""
        if not retryable or self.retries >= self.max_retries:
            return None
        wait = backoff(self.retries) if asked is None else asked
        if time.monotonic() + wait >= self.deadline:
            return None  # the wait would cross the budget: the last error stands
        self.retries += 1
        return wait

    def _log(self, attempt: int, request: httpx.Request | None, outcome: str, then: str,
             response: httpx.Response | None) -> None:
        """`METHOD /path attempt N: outcome; retry in S s | done | raised; request id R`"""
        if not logger.isEnabledFor(logging.DEBUG):
            return
        path = request.url.path if request is not None else self.call.path
        request_id = response.headers.get("X-Request-ID") if response is not None else None
        # Never a header value or a body: they hold the key and the credentials.
        logger.debug("%s %s attempt %d: %s; %s; request id %s", self.call.method, path,
                     attempt, outcome, then, request_id or "-")


# What the system's errors mean, in words; the error's own name follows in parentheses.
REASONS = {
    errno.ECONNREFUSED: "connection refused", errno.ECONNRESET: "connection reset",
    errno.ECONNABORTED: "connection aborted", errno.EPIPE: "connection closed",
    errno.ETIMEDOUT: "timed out", errno.ENETUNREACH: "network unreachable",
    errno.EHOSTUNREACH: "host unreachable",
}
DEFAULT_PORTS = {"https": 443, "http": 80}


def connection_failure(exc: httpx.HTTPError, url: httpx.URL) -> str:
    """The host an attempt tried and what the system said, e.g. `could not connect to
    api.kataven.ai:443: name not resolved (Name or service not known)`, or `no answer
    from 127.0.0.1:8000: connection reset (ECONNRESET)` once connected."""
    where = f"{url.host}:{url.port or DEFAULT_PORTS.get(url.scheme, '?')}"
    verb = "could not connect to" if isinstance(exc, httpx.ConnectError) else "no answer from"
    return f"{verb} {where}: {system_cause(exc)}"


def system_cause(exc: BaseException) -> str:
    """The cause at the bottom of an httpx error's chain (httpx wraps httpcore's, which
    wraps the socket's OSError; anyio adds one more), in words."""
    system: OSError | None = None
    seen: set[int] = set()
    link: BaseException | None = exc
    while link is not None and id(link) not in seen:
        seen.add(id(link))
        if isinstance(link, OSError) and link.errno is not None:
            system = link
        link = link.__cause__ or link.__context__
    if isinstance(system, socket.gaierror):
        return f"name not resolved ({system.strerror})"
    if isinstance(system, ssl.SSLError):
        return f"TLS failed ({getattr(system, 'verify_message', None) or system.reason})"
    if system is not None and system.errno is not None:
        name = errno.errorcode.get(system.errno, f"errno {system.errno}")
        reason = REASONS.get(system.errno) or (system.strerror or "failed").lower()
        return f"{reason} ({name})"
    return str(exc).rstrip(".") or type(exc).__name__


def _then(wait: float | None) -> str:
    return "raised" if wait is None else f"retry in {wait:.2f} s"


class _BaseTransport:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._base_url = settings.base_url.rstrip("/")
        self._headers = settings.headers()

    def _prepare(self, call: Call[Any]) -> tuple[str, dict[str, str], bytes | None]:
        """(URL, headers, body) sent by every attempt of the call, Idempotency-Key
        included: made once, so that the attempts are the same request."""
        headers = self._headers
        content = None
        if call.account_id is not None:
            headers = {**headers, "X-Account-ID": call.account_id}
        if call.body is not None or call.method == "POST" or call.read_back is not None:
            headers = dict(headers)
            if call.read_back is not None:
                headers["Prefer"] = PREFER_REPRESENTATION
            if call.body is not None:
                content = json.dumps(call.body, separators=(",", ":"),
                                     ensure_ascii=False).encode()
                headers["Content-Type"] = "application/json"
            if call.method == "POST":  # every POST creates: a retry must replay, not create
                headers["Idempotency-Key"] = call.idempotency_key or str(uuid.uuid4())
        return self._base_url + call.path, headers, content


def _params(call: Call[Any]) -> dict[str, Any] | None:
    if not call.params:
        return None
    return {k: v for k, v in call.params.items() if v is not None}


def _request_of(exc: httpx.HTTPError) -> httpx.Request | None:
    try:
        return exc.request
    except RuntimeError:  # an error raised outside a request has none
        return None


class Transport(_BaseTransport):
    """Runs calls on a keep-alive httpx.Client."""

    def __init__(self, settings: Settings, http_client: httpx.Client) -> None:
        super().__init__(settings)
        self.http_client = http_client

    def send(self, call: Call[T]) -> RawResponse[T]:
        raw = self._send(call)
        if call.read_back is not None and raw.status_code == 204:  # it ignored Prefer
            return raw.answered_by(self._send(call.read_back))
        return raw

    def _send(self, call: Call[T]) -> RawResponse[T]:
        url, headers, content = self._prepare(call)
        params = _params(call)
        attempts = _Attempts(call, self.settings)
        while True:
            try:
                response = self.http_client.request(call.method, url, params=params,
                                                    content=content, headers=headers,
                                                    extensions=attempts.next())
            except httpx.HTTPError as exc:
                wait = attempts.failed(exc, _request_of(exc))
            else:
                outcome = attempts.answered(response)
                if isinstance(outcome, RawResponse):
                    return outcome
                wait = outcome
            sleep(wait)


class AsyncTransport(_BaseTransport):
    """Runs calls on a keep-alive httpx.AsyncClient."""

    def __init__(self, settings: Settings, http_client: httpx.AsyncClient) -> None:
        super().__init__(settings)
        self.http_client = http_client

    async def send(self, call: Call[T]) -> RawResponse[T]:
        raw = await self._send(call)
        if call.read_back is not None and raw.status_code == 204:  # it ignored Prefer
            return raw.answered_by(await self._send(call.read_back))
        return raw

    async def _send(self, call: Call[T]) -> RawResponse[T]:
        url, headers, content = self._prepare(call)
        params = _params(call)
        attempts = _Attempts(call, self.settings)
        while True:
            try:
                response = await self.http_client.request(call.method, url, params=params,
                                                          content=content, headers=headers,
                                                          extensions=attempts.next())
            except httpx.HTTPError as exc:
                wait = attempts.failed(exc, _request_of(exc))
            else:
                outcome = attempts.answered(response)
                if isinstance(outcome, RawResponse):
                    return outcome
                wait = outcome
            await async_sleep(wait)

