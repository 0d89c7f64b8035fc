"""client.telephony: the service's /telephony resources, one module each."""

from __future__ import annotations

from ..._transport import AsyncTransport, Transport
from .events import AsyncEvents, Events
from .numbers import AsyncNumbers, Numbers
from .providers import AsyncProviders, Providers
from .routes import AsyncRoutes, Routes

__all__ = ["Telephony", "AsyncTelephony"]


class Telephony:
    def __init__(self, transport: Transport) -> None:
        self.providers = Providers(transport)
        self.numbers = Numbers(transport)
        self.events = Events(transport)
        self.routes = Routes(transport)

    def __repr__(self) -> str:
        return f"<Telephony at {self.providers._transport.settings.base_url}/telephony>"


class AsyncTelephony:
    def __init__(self, transport: AsyncTransport) -> None:
        self.providers = AsyncProviders(transport)
        self.numbers = AsyncNumbers(transport)
        self.events = AsyncEvents(transport)
        self.routes = AsyncRoutes(transport)

    def __repr__(self) -> str:
        return f"<AsyncTelephony at {self.providers._transport.settings.base_url}/telephony>"
