"""gunicorn's worker for the Hub API: an event loop per process (gevent), a greenlet per
connection, HTTP/1.1 by app/process/http.py; on a graceful stop it answers every request
it has accepted, and refuses new connections at once.

Why not gthread: each request crossed threads twice (the poller's, a pool thread's), and a
client trickling its request held one of the few threads for as long as it liked. Here a
connection costs a greenlet, psycopg and the pool wait through gevent's loop (psycopg 3.3
sees the patching by itself), and the measured costs are in docs/benchmarks.md.
"""

import sys
from functools import partial

import gevent
import gevent.event
from gevent.pool import Pool
from gevent.server import StreamServer
from gunicorn.workers.ggevent import GeventWorker

from .http import DEFAULT_BODY_LIMIT, Connection, Limits

# How long a stopping worker keeps idle kept-alive connections open, for a request a
# client may already be sending (it is answered with Connection: close).
STOP_LINGER = 2.0


class EventLoopWorker(GeventWorker):
    """gunicorn's gevent worker, serving HTTP/1.1 itself (app/process/http.py)."""

    def init_process(self):
        # Patched after the fork, before the app is loaded (gunicorn.conf.py loads
        # nothing in the master): a module that took the unpatched socket, select or
        # threading first would block the whole process where it waits.
        for module in ("psycopg", "psycopg_pool", "httpx"):
            if module in sys.modules:
                raise RuntimeError(f"{module} was imported before gevent patched the worker")
        self.limits = Limits(self.cfg)
        self.connections = set()
        self.stopping = None
        super().init_process()  # patches, loads the app, then run()

    def load_wsgi(self):
        super().load_wsgi()
        config = getattr(self.wsgi, "config", None)
        self.body_limit = (config or {}).get("MAX_CONTENT_LENGTH") or DEFAULT_BODY_LIMIT

    def handle_exit(self, sig, frame):
        super().handle_exit(sig, frame)
        if self.stopping is not None:
            self.stopping.set()  # the run loop wakes now, not at its next second

    def run(self):
        self.stopping = gevent.event.Event()
        self.pool = Pool(self.worker_connections)
        servers = []
        for sock in self.sockets:
            sock.setblocking(1)
            server = StreamServer(sock, spawn=self.pool,
                                  handle=partial(self.serve, sock.getsockname()[:2]))
            server.start()
            servers.append((server, sock))
        while self.alive:
            self.notify()
            self.stopping.wait(1.0)
        self.stop(servers)

    def serve(self, listening, sock, address):
        connection = Connection(self, sock, address, listening)
        self.connections.add(connection)
        try:
            connection.serve()
        finally:
            self.connections.discard(connection)

    def stop(self, servers):
        """Answer every connection the kernel had already completed, then close the
        listening sockets (later connections are refused at once, and a load balancer
        moves on); let idle kept-alive connections linger briefly; wait for every
        request in progress, at most graceful_timeout."""
        for server, listener in servers:
            server.stop_accepting()
            listener.setblocking(0)
            while True:
                try:
                    sock, address = listener.accept()
                except OSError:  # none left (or the socket failed): nothing to answer
                    break
                sock.setblocking(1)
                self.pool.spawn(self.serve, listener.getsockname()[:2], sock, address)
            server.close()
        deadline = gevent.get_hub().loop.now() + self.cfg.graceful_timeout
        gevent.sleep(min(STOP_LINGER, self.cfg.graceful_timeout))
        for connection in list(self.connections):
            if connection.idle:
                connection.greenlet.kill(block=False)
        while len(self.pool) and gevent.get_hub().loop.now() < deadline:
            self.notify()
            self.pool.join(timeout=1.0)
        self.pool.kill(timeout=1)
