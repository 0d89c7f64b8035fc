"""The service's configuration, read from the environment once, at start-up."""

import os
from dataclasses import dataclass


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

    @classmethod
    def from_env(cls, environ=os.environ):
        """The production configuration: twelve-factor, from environment variables."""
        return cls(
            database_url=environ.get("DATABASE_URL", ""),
            sealing_public_key=environ.get("SEALING_PUBLIC_KEY") or None,
            pool_max_size=int(environ.get("DATABASE_POOL_SIZE", cls.pool_max_size)),
            statement_timeout_ms=int(
                environ.get("DATABASE_STATEMENT_TIMEOUT_MS", cls.statement_timeout_ms)),
            trusted_proxies=environ.get("FORWARDED_ALLOW_IPS", cls.trusted_proxies),
        )
