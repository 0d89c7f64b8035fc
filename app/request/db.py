"""The request's connection, taken from the process's pool on first use: views never
open connections."""

import time
from contextlib import contextmanager

import psycopg
from flask import current_app, g

# The contract answers a database failure within 5 seconds of the request's start.
REQUEST_DEADLINE = 4.5


def init_app(app, database):
    app.extensions["db"] = database
    app.teardown_appcontext(_release)


def conn():
    """The request's connection, taken from the pool on first use, to be done with
    within the request's deadline (REQUEST_DEADLINE seconds after it began, or after
    its body was read)."""
    if "db_conn" not in g:
        started = g.get("database_clock") or g.get("started") or time.monotonic()
        g.db_conn = current_app.extensions["db"].getconn(started + REQUEST_DEADLINE,
                                                         g.get("request_id"))
    return g.db_conn


@contextmanager
def transaction():
    """One transaction around a request's writes: all of them commit, or none."""
    with conn().transaction():
        yield conn()


@contextmanager
def released():
    """Give the request's connection back to the pool while the block waits on something
    else (a carrier's answer), so that other requests can use it meanwhile; the
    request's database deadline starts again afterwards."""
    connection = g.pop("db_conn", None)
    if connection is not None:
        assert connection.info.transaction_status == psycopg.pq.TransactionStatus.IDLE
        current_app.extensions["db"].putconn(connection)
    try:
        yield
    finally:
        g.database_clock = time.monotonic()


def _release(_exc):
    connection = g.pop("db_conn", None)
    if connection is not None:
        current_app.extensions["db"].putconn(connection)
