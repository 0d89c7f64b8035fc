"""Plain SQL over psycopg: one module per table, one statement per function."""

import functools

from psycopg import sql
from psycopg.rows import dict_row, tuple_row


def keyset_page(conn, table, columns, *, account_id, filters, after, limit, key_hash=None,
                as_tuples=False):
    """Up to `limit` rows of an account in (created_at, id) order, after the (created_at,
    id) `after`, matching every filter (an equality on the column of its name); with
    key_hash, only while that key is active. Rows as dicts, or as tuples (cheaper to make,
    for a page of many rows: docs/benchmarks.md)."""
    params = {"account_id": account_id, "limit": limit, "key_hash": key_hash, **filters}
    if after:
        params["after_created_at"], params["after_id"] = after
    query = page_sql(table, columns, tuple(sorted(filters)), bool(after), key_hash is not None)
    cursor = conn.cursor(row_factory=tuple_row if as_tuples else dict_row)
    return cursor.execute(query, params).fetchall()


@functools.lru_cache(maxsize=256)  # every shape: 2 tables x filters x cursor x key check
def page_sql(table, columns, filter_columns, after, key_check):
    """The text of a page query, composed once per shape (the filters present, a cursor
    or not, the key's check or not): each shape is a range scan of an index that ends in
    (created_at, id), with no sort whatever the table's size."""
    where = [sql.SQL("account_id = %(account_id)s")]
    if key_check:
        where.append(sql.SQL("EXISTS (SELECT 1 FROM api_keys"
                             " WHERE key_hash = %(key_hash)s AND revoked_at IS NULL)"))
    for column in filter_columns:
        where.append(sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column)))
    if after:
        where.append(sql.SQL(
            "(created_at, id) > (%(after_created_at)s::timestamptz, %(after_id)s::uuid)"
        ))
    # ORDER BY names the table's columns: bare, created_at and id would be the output
    # columns of the same names (text, formatted), and the index could not give the order.
    return sql.SQL(
        """
          SELECT {columns}
            FROM {table}
           WHERE {where}
        ORDER BY {table}.created_at, {table}.id
           LIMIT %(limit)s
        """
    ).format(
        columns=sql.SQL(columns),
        table=sql.Identifier(table),
        where=sql.SQL(" AND ").join(where),
    ).as_string()
