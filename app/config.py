"""The service's configuration, read from the environment once, at start-up."""

import os
from dataclasses import dataclass, field

from .carriers import CARRIERS

# The carriers' public APIs; `<NAME>_API_URL` moves each (to a test's fake carrier, say).
CARRIER_URLS = {name: carrier.API_URL for name, carrier in CARRIERS.items()}
SWITCH = {"on": True, "off": False}


class ConfigError(ValueError):
    """A variable's value the service cannot start with; its message names the variable."""


@dataclass(frozen=True)
class Config:
    """Everything the app reads from outside; tests build one directly."""

    # libpq URL; empty means libpq's own defaults (PGHOST, PGDATABASE, ...).
    database_url: str = ""
    # base64 of the Curve25519 public key credentials are sealed to; None: sealing off.
    sealing_public_key: str | None = None
    # Connections per process: one per gunicorn thread, so no thread waits on another.
    pool_max_size: int = 4
    # The contract answers a database failure within 5 seconds: the pool wait and the
    # statement timeout together stay under it.
    pool_timeout: float = 2.5
    connect_timeout: int = 2
    statement_timeout_ms: int = 2000
    # Peers whose X-Forwarded-For/-Proto are believed (gunicorn reads the same variable).
    trusted_proxies: str = "127.0.0.1,::1"
    # Ask the carrier whether credentials work before sealing them (app/carriers/check.py).
    carrier_verification: bool = True
    # The carriers' API base URLs: configuration only, never taken from a request.
    carrier_urls: dict = field(default_factory=lambda: dict(CARRIER_URLS))

    @classmethod
    def from_env(cls, environ=os.environ):
        """The production configuration: twelve-factor, from environment variables."""
        return cls(
            database_url=environ.get("DATABASE_URL", ""),
            sealing_public_key=environ.get("SEALING_PUBLIC_KEY") or None,
            pool_max_size=whole_number(environ, "DATABASE_POOL_SIZE", cls.pool_max_size),
            statement_timeout_ms=whole_number(
                environ, "DATABASE_STATEMENT_TIMEOUT_MS", cls.statement_timeout_ms),
            trusted_proxies=environ.get("FORWARDED_ALLOW_IPS", cls.trusted_proxies),
            carrier_verification=switch(environ, "CARRIER_VERIFICATION", default="on"),
            carrier_urls={
                name: environ.get(f"{name.upper()}_API_URL") or url
                for name, url in CARRIER_URLS.items()
            },
        )


def switch(environ, name, default):
    """An on/off variable; anything else stops the start, rather than guessing."""
    value = (environ.get(name) or default).strip().lower()  # set but empty: the default
    if value not in SWITCH:
        raise ConfigError(f"{name} must be on or off, not {value!r}")
    return SWITCH[value]


def whole_number(environ, name, default):
    """A count or a duration; anything else stops the start, naming the variable."""
    value = environ.get(name) or str(default)
    if not value.strip().isdigit():
        raise ConfigError(f"{name} must be a whole number, not {value!r}")
    return int(value)
