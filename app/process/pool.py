"""The connection pool of a process, opened after gunicorn's fork; and the command line's
connections, outside it."""

import logging
import os
import select
import threading
import time

import psycopg
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from psycopg.rows import dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from . import waiting
from .watchdog import Watchdog

log = logging.getLogger(__name__)


def conninfo(config):
    """The libpq connection string: DATABASE_URL, and what this client does on its side.

    No startup `options` (PgBouncer refuses them) and no session setting: DATABASE_URL
    may name PostgreSQL or a transaction pooler, where a session is only lent for one
    transaction. The service's deadlines ride in each statement instead (Deadlines).
    """
    params = conninfo_to_dict(config.database_url)
    params.setdefault("connect_timeout", config.connect_timeout)
    params.setdefault("application_name", "kataven-hub")
    # TCP keepalives find a peer that vanished without closing the connection.
    params.setdefault("keepalives_idle", 10)
    params.setdefault("keepalives_interval", 5)
    params.setdefault("keepalives_count", 2)
    # Data unacknowledged this long (a host gone from the network) closes the connection.
    params.setdefault("tcp_user_timeout", 4000)
    return make_conninfo(**params)


def deadlines(config):
    """The cursor every request's statement runs through: each goes to the server as one
    message of the simple protocol, its values bound by psycopg on this side, after the
    service's deadlines as SET LOCAL.

    So each statement brings its own limits, whatever server connection a pooler lends
    it: in its implicit transaction, or in the explicit one it is part of, they end with
    that transaction and nothing outlives it; no statement is prepared on the server
    (the next transaction may run on a connection that never saw it); and all of it costs
    no round trip (docs/benchmarks.md). No statement or forgotten transaction holds a
    worker or a lock past the contract's 5 seconds, and a lock wait (a retry behind the
    first request with its Idempotency-Key, say) gives up before the statement would, to
    be told apart.
    """
    prefix = (f"SET LOCAL statement_timeout = {int(config.statement_timeout_ms)};"
              f" SET LOCAL lock_timeout = {int(config.statement_timeout_ms) // 2};"
              " SET LOCAL idle_in_transaction_session_timeout = 10000; ")

    class Deadlines(psycopg.ClientCursor):
        def execute(self, query, params=None, **kwargs):
            super().execute(prefix + query, params, **kwargs)
            while self.nextset():  # past the SETs' results, to the statement's own
                pass
            return self

    return Deadlines


def connect(config):
    """A single connection outside the pool, for the command line: no request limits,
    since a migration or a bulk load may rightly take longer. Any limit it needs, it
    sets in its own transaction."""
    return psycopg.connect(conninfo(config), autocommit=True, row_factory=dict_row,
                           prepare_threshold=None)


def is_stale(conn):
    """True when an idle connection can no longer serve, found without a round trip.

    An idle connection has nothing to read unless the server has hung up (a restart
    sends a FATAL message, then closes). Only then is a real round trip spent.
    """
    if conn.closed:
        return True
    poller = waiting.poll()
    poller.register(conn.fileno(), select.POLLIN)
    if not poller.poll(0):
        return False
    try:
        conn.execute("")
    except psycopg.Error:
        return True
    return False


class Database:
    """One pool per process, created closed and opened in the process that uses it."""

    def __init__(self, config):
        self.config = config
        self._pool = None
        self._watchdog = None
        self._pid = None
        self._lock = threading.Lock()
        # Until then (time.monotonic()), the pool has just failed to give a connection:
        # later requests wait only briefly, so a burst during an outage is answered
        # within the contract's 5 seconds instead of queueing behind full waits.
        self._failing_until = 0.0

    @property
    def pool(self):
        # gunicorn forks workers: a pool (its connections and threads) never crosses a
        # fork, so a process that did not open this pool opens its own.
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._pool = self._open_pool()
                    self._watchdog = Watchdog()
                    self._pid = os.getpid()
        return self._pool

    def open(self):
        """Open this process's pool now, rather than at its first request."""
        return self.pool

    def _open_pool(self):
        cfg = self.config
        pool = ConnectionPool(
            conninfo(cfg),
            kwargs={"autocommit": True, "row_factory": dict_row, "prepare_threshold": None,
                    "cursor_factory": deadlines(cfg)},
            min_size=cfg.pool_max_size,
            max_size=cfg.pool_max_size,
            timeout=cfg.pool_timeout,
            # Give up background reconnection quickly: a request that finds the pool
            # empty starts a new attempt at once, so the service serves again within
            # a second of the database coming back instead of after a long backoff.
            reconnect_timeout=2.0,
            name="hub",
            open=False,
        )
        pool.open(wait=False)
        return pool

    def getconn(self, deadline, request_id=None):
        """A live connection, to be given back by `deadline` (time.monotonic()) at the
        latest: past it, the connection is broken and its query fails. Stale connections
        (a restarted server) are dropped, not served."""
        pool = self.pool
        now = time.monotonic()
        wait = min(self.config.pool_timeout, deadline - now)
        if now < self._failing_until:
            wait = min(wait, 0.1)
        try:
            for _ in range(self.config.pool_max_size + 1):
                conn = pool.getconn(timeout=max(wait, 0.01))
                if not is_stale(conn):
                    break
                log.warning("dropping a connection the server closed")
                conn.close()
                pool.putconn(conn)
            else:
                conn = pool.getconn(timeout=max(wait, 0.01))
        except PoolTimeout:
            self._failing_until = time.monotonic() + 1.0
            raise
        self._failing_until = 0.0
        self._watchdog.watch(conn, deadline, request_id)
        return conn

    def putconn(self, conn):
        self._watchdog.release(conn)
        self.pool.putconn(conn)

    def ping(self, timeout=1.0):
        """Whether the database answers a trivial query within about `timeout` seconds."""
        try:
            conn = self.getconn(deadline=time.monotonic() + timeout)
        except psycopg.Error:
            return False
        try:
            conn.execute("SELECT 1")
            return True
        except psycopg.Error:
            return False
        finally:
            self.putconn(conn)

    def close(self):
        if self._pool is not None and self._pid == os.getpid():
            self._pool.close()
        self._pool = None
        self._pid = None
