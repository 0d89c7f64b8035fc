"""Kataven and AsyncKataven: configuration, the connection pool, and the resources."""

from __future__ import annotations

import math
import os
from types import TracebackType

import httpx

from ._exceptions import KatavenError
from ._transport import AsyncTransport, Settings, Transport, setup_logging_from_env
from ._types import NOT_GIVEN, NotGiven
from .resources.telephony import AsyncTelephony, Telephony

__all__ = ["Kataven", "AsyncKataven", "DEFAULT_BASE_URL", "DEFAULT_TIMEOUT", "DEFAULT_MAX_RETRIES"]

DEFAULT_BASE_URL = "https://api.kataven.ai/v1"
DEFAULT_TIMEOUT = 30.0  # seconds for a whole call, retries and backoff included
DEFAULT_MAX_RETRIES = 2


def _settings(api_key: str | None, base_url: str | None, account_id: str | None,
              timeout: float, max_retries: int) -> Settings:
    """Arguments first, then KATAVEN_API_KEY, KATAVEN_BASE_URL, KATAVEN_ACCOUNT_ID."""
    api_key = api_key or os.environ.get("KATAVEN_API_KEY")
    if not api_key:
        raise KatavenError("no API key: pass api_key=... or set KATAVEN_API_KEY")
    return _checked(Settings(
        api_key=api_key,
        base_url=base_url or os.environ.get("KATAVEN_BASE_URL") or DEFAULT_BASE_URL,
        account_id=account_id or os.environ.get("KATAVEN_ACCOUNT_ID") or None,
        timeout=timeout,
        max_retries=max_retries,
    ))


def _checked(settings: Settings) -> Settings:
    if not (isinstance(settings.timeout, (int, float)) and math.isfinite(settings.timeout)
            and settings.timeout > 0):
        raise ValueError(f"timeout must be a positive number of seconds, not {settings.timeout!r}")
    if not isinstance(settings.max_retries, int) or settings.max_retries < 0:
        raise ValueError(f"max_retries must be 0 or more, not {settings.max_retries!r}")
    return settings


def _changed(settings: Settings, account_id: str | None | NotGiven,
             timeout: float | NotGiven, max_retries: int | NotGiven) -> Settings:
    return _checked(Settings(
        api_key=settings.api_key,
        base_url=settings.base_url,
        account_id=settings.account_id if isinstance(account_id, NotGiven) else account_id,
        timeout=settings.timeout if isinstance(timeout, NotGiven) else timeout,
        max_retries=settings.max_retries if isinstance(max_retries, NotGiven) else max_retries,
    ))


class Kataven:
    """The Kataven Hub API. Keeps its connections alive between calls; close it (or use
    it as a context manager) to close them.

    timeout is the budget of each call in seconds, retries and backoff included;
    max_retries the retries a call may take.
    """

    telephony: Telephony

    def __init__(self, *, api_key: str | None = None, base_url: str | None = None,
                 account_id: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 max_retries: int = DEFAULT_MAX_RETRIES,
                 http_client: httpx.Client | None = None) -> None:
        setup_logging_from_env()
        settings = _settings(api_key, base_url, account_id, timeout, max_retries)
        # Timeouts are set per attempt, from what is left of the call's budget.
        self._init(settings, http_client or httpx.Client(timeout=None), owns_http=True)

    def _init(self, settings: Settings, http_client: httpx.Client, owns_http: bool) -> None:
        self._settings = settings
        self._http = http_client
        self._owns_http = owns_http
        transport = Transport(settings, http_client)
        self.telephony = Telephony(transport)

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def account_id(self) -> str | None:
        return self._settings.account_id

    @property
    def timeout(self) -> float:
        return self._settings.timeout

    @property
    def max_retries(self) -> int:
        return self._settings.max_retries

    def with_options(self, *, account_id: str | None | NotGiven = NOT_GIVEN,
                     timeout: float | NotGiven = NOT_GIVEN,
                     max_retries: int | NotGiven = NOT_GIVEN) -> Kataven:
        """A client with these settings changed, sharing this one's connections (closing
        it leaves them open: close the client they came from)."""
        copy = object.__new__(Kataven)
        copy._init(_changed(self._settings, account_id, timeout, max_retries), self._http,
                   owns_http=False)
        return copy

    def close(self) -> None:
        """Close the connections (those of the client with_options was called on)."""
        if self._owns_http:
            self._http.close()

    def __enter__(self) -> Kataven:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<Kataven {self._settings.described()}>"  # never the key


class AsyncKataven:
    """The Kataven Hub API with async methods; `list(...)` gives an async iterable."""

    telephony: AsyncTelephony

    def __init__(self, *, api_key: str | None = None, base_url: str | None = None,
                 account_id: str | None = None, timeout: float = DEFAULT_TIMEOUT,
                 max_retries: int = DEFAULT_MAX_RETRIES,
                 http_client: httpx.AsyncClient | None = None) -> None:
        setup_logging_from_env()
        settings = _settings(api_key, base_url, account_id, timeout, max_retries)
        self._init(settings, http_client or httpx.AsyncClient(timeout=None), owns_http=True)

    def _init(self, settings: Settings, http_client: httpx.AsyncClient, owns_http: bool) -> None:
        self._settings = settings
        self._http = http_client
        self._owns_http = owns_http
        self.telephony = AsyncTelephony(AsyncTransport(settings, http_client))

    @property
    def base_url(self) -> str:
        return self._settings.base_url

    @property
    def account_id(self) -> str | None:
        return self._settings.account_id

    @property
    def timeout(self) -> float:
        return self._settings.timeout

    @property
    def max_retries(self) -> int:
        return self._settings.max_retries

    def with_options(self, *, account_id: str | None | NotGiven = NOT_GIVEN,
                     timeout: float | NotGiven = NOT_GIVEN,
                     max_retries: int | NotGiven = NOT_GIVEN) -> AsyncKataven:
        """A client with these settings changed, sharing this one's connections."""
        copy = object.__new__(AsyncKataven)
        copy._init(_changed(self._settings, account_id, timeout, max_retries), self._http,
                   owns_http=False)
        return copy

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def __aenter__(self) -> AsyncKataven:
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None,
                        exc: BaseException | None, tb: TracebackType | None) -> None:
        await self.close()

    def __repr__(self) -> str:
        return f"<AsyncKataven {self._settings.described()}>"  # never the key
