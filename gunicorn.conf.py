"""gunicorn's settings for the Hub API: `gunicorn --config gunicorn.conf.py wsgi:app`.

The same file serves the Procfile, `make run`, CI and the benchmark.
"""

import logging
import os

# Heroku-style hosts hand the port over in $PORT; a container listens on every interface.
bind = f"0.0.0.0:{os.environ.get('PORT', '8000')}"

# One process per core: Python runs one thread at a time per process. At most 8 by
# default, so that workers x pool (below) stays under PostgreSQL's default 100.
workers = int(os.environ.get("WEB_CONCURRENCY", min(os.cpu_count() or 2, 8)))

# An event loop per process (gevent), a greenlet per connection, HTTP/1.1 parsed by
# llhttp: app/process/worker.py. A request spends most of its time waiting on
# PostgreSQL, and the loop serves others meanwhile; a slow client holds only itself.
# Measured against gunicorn's gthread, gevent and gevent_pywsgi workers in
# docs/benchmarks.md.
worker_class = "app.process.worker.EventLoopWorker"
# Connections a worker holds at once (idle kept-alive ones too); past it, it stops
# accepting until one closes, and the other workers take the new ones.
worker_connections = 1000

# Database connections per worker: as many as its statements in flight, not one per
# client (a statement takes a connection for its own round trip only).
os.environ.setdefault("DATABASE_POOL_SIZE", "4")

# A listening socket per worker (SO_REUSEPORT): the kernel spreads connections evenly
# over the workers. With one shared socket, whichever worker wakes first takes most of
# a burst of keep-alive connections (nginx's, a load test's) and the other idles.
reuse_port = True

# A worker that answers nothing for this long is stuck: kill and replace it.
timeout = 30
# On SIGTERM, requests already accepted get this long to finish before workers exit.
graceful_timeout = 20
# Idle keep-alive connections (from nginx or a client) are closed after this long.
keepalive = 5

# Protocol limits (OWASP API4): a request line, and headers, of sane size.
limit_request_line = 4094
limit_request_fields = 50
limit_request_field_size = 8190

# The app writes one JSON line per request to stdout itself (it knows the account and
# the request id); gunicorn's own log is for the server's events.
accesslog = None
errorlog = "-"
loglevel = os.environ.get("LOG_LEVEL", "info")

# No runtime control socket: its default path is one per user, so two servers on one
# host (a deploy overlapping the old one, CI beside a developer) would collide.
control_socket_disable = True

# The proxies whose X-Forwarded-* headers are believed: nginx on the same host by default.
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1,::1")


def listening_at(address):
    """An address of `bind` as an operator would type it: http://host:port or unix:path."""
    if isinstance(address, tuple):
        host, port = address[:2]
        return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"
    return f"unix:{address}"


class NoEmptyListeningAt(logging.Filter):
    """Drops gunicorn's start-up line when it names no address: with reuse_port each
    worker opens its own socket, so the master has none, and its line reads
    "Listening at:  (pid)". when_ready says where the workers listen instead."""

    def filter(self, record):
        return not (record.msg == "Listening at: %s (%s)" and not record.args[0])


def on_starting(server):
    server.log.error_log.addFilter(NoEmptyListeningAt())


def when_ready(server):
    """Say where the service listens."""
    if not server.LISTENERS:
        server.log.info("Listening at: %s (%s)",
                        ",".join(listening_at(a) for a in server.cfg.address), server.pid)


def pool_fits(worker):
    """Warn when every worker's pool together would not fit in PostgreSQL's connection
    limit. In a worker, once per start (the master must not import psycopg: see
    app/process/worker.py)."""
    import psycopg

    pool_size = int(os.environ["DATABASE_POOL_SIZE"])
    wanted = worker.cfg.workers * pool_size
    try:
        with psycopg.connect(os.environ.get("DATABASE_URL", ""), connect_timeout=2) as conn:
            limit = int(conn.execute("SHOW max_connections").fetchone()[0])
            reserved = int(conn.execute("SHOW superuser_reserved_connections").fetchone()[0])
    except psycopg.Error as exc:
        worker.log.warning("could not check max_connections: %s", str(exc).strip())
        return
    if wanted > limit - reserved:
        worker.log.warning("%s workers x %s connections = %s: more than PostgreSQL allows (%s)",
                           worker.cfg.workers, pool_size, wanted, limit - reserved)


def post_worker_init(worker):
    """Open the worker's connection pool once the app is loaded: after the fork, so no
    connection or pool thread is ever shared between processes."""
    database = worker.wsgi.extensions.get("db")
    if database is not None:  # the benchmark's hello-world app has none
        database.open()
        if worker.age == 1:  # the first worker of this start
            pool_fits(worker)


def worker_exit(server, worker):
    """Close the pool's connections cleanly when a worker stops."""
    database = getattr(getattr(worker, "wsgi", None), "extensions", {}).get("db")
    if database is not None:
        database.close()
