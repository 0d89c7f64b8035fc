"""Plain SQL over psycopg: one module per table, one statement per function."""

import psycopg


def read(conn, row_factory=None):
    """A cursor for a hot read (a function of sql/007_hot_reads.sql): the statement goes
    as it is, without the deadlines every other statement brings (app/process/pool.py),
    since the function has its own and cannot run long; the cheapest way to send one."""
    return psycopg.Cursor(conn, row_factory=row_factory or conn.row_factory)
