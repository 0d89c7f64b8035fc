"""Deadlines for database work: a connection still busy past its request's deadline is broken.

statement_timeout is enforced by the server, so it cannot help when the server itself
hangs (frozen, or its host unreachable with the kernel still acknowledging): the
request would wait on the socket for good. One thread per process shuts the socket of
a connection that is past its deadline; the waiting query then fails at once, the
request answers `500 database error`, and the pool replaces the connection.
"""

import logging
import os
import socket
import threading
import time

log = logging.getLogger(__name__)


class Watchdog:
    def __init__(self, interval=0.1):
        self.interval = interval
        self._deadlines = {}  # id(conn) -> (conn, deadline on time.monotonic())
        self._lock = threading.Lock()
        self._thread = None

    def watch(self, conn, deadline, request_id=None):
        with self._lock:
            self._deadlines[id(conn)] = (conn, deadline, request_id)
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name="db-watchdog", daemon=True)
                self._thread.start()

    def release(self, conn):
        """Stop watching conn; after this it is never broken by us."""
        with self._lock:
            self._deadlines.pop(id(conn), None)

    def _run(self):
        while True:
            time.sleep(self.interval)
            now = time.monotonic()
            with self._lock:
                late = [key for key, (_, deadline, _) in self._deadlines.items()
                        if deadline <= now]
                for key in late:
                    conn, _, request_id = self._deadlines.pop(key)
                    _break(conn, request_id)


def _break(conn, request_id):
    """Shut the connection's socket under libpq's feet: its wait ends with an error."""
    try:
        fd = os.dup(conn.pgconn.socket)
    except Exception:  # already closed: nothing waits on it
        return
    log.error("database did not answer in time: connection broken",
              extra={"request_id": request_id})
    with socket.socket(fileno=fd) as sock:
        try:
            sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
