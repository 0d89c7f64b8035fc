"""Plain SQL over psycopg: one module per table, one statement per function."""

import psycopg
from psycopg import errors, generators, pq

from ..process.waiting import wait


def read(conn, row_factory=None):
    """A cursor for a hot read (a function of sql/007_hot_reads.sql): the statement goes
    as it is, without the deadlines every other statement brings (app/process/pool.py),
    since the function has its own and cannot run long; the cheapest way to send one."""
    return psycopg.Cursor(conn, row_factory=row_factory or conn.row_factory)


def hot_rows(conn, statement, *params):
    """The rows a hot read's function returns (`statement`, bytes, with $1, $2... for
    `params`), each a list of its columns' text as the server sent it (bytes; None for
    NULL): sent and read at libpq's level.

    The hottest reads answer with text the database made (a number's JSON, kept in its
    row), which goes to the client as it is: psycopg's cursor, its adaptation of each
    value both ways and its row objects, cost more than the rest of the read's work in
    this process (docs/benchmarks.md). As with read(), the statement is one message of
    the extended protocol, nothing is prepared, and the function has its own deadline.
    Values are text but for bytes (bytea, sent binary); the function's signature gives
    each its type."""
    values, formats = [], []
    for value in params:
        if isinstance(value, bytes):
            values.append(value)
            formats.append(1)
        else:
            values.append(None if value is None else str(value).encode())
            formats.append(0)
    if conn.closed:
        raise errors.OperationalError("the connection is closed")
    pgconn = conn.pgconn
    pgconn.send_query_params(statement, values, param_formats=formats)
    result = wait(conn, generators.execute(pgconn))[-1]
    if result.status != pq.ExecStatus.TUPLES_OK:
        raise errors.error_from_result(result, encoding=conn.info.encoding)
    columns = range(result.nfields)
    return [[result.get_value(row, column) for column in columns]
            for row in range(result.ntuples)]

