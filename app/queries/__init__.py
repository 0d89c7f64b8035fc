"""Plain SQL over psycopg: one module per table, one statement per function."""

import functools

from psycopg import sql



def next_tick(updated_at="updated_at"):
    """The time of a change to a row: now, or just past its last change when the clock
    has not moved beyond it, so a row's updated_at (and its events) only move forward."""
    return f"GREATEST(clock_timestamp(), {updated_at} + interval '1 microsecond')"


# A statement made with a key this process has seen before (a read, or a number's
# registration) carries the key's check itself: one round trip, not two. No row back
# then means "ask about the key".
KEY_ACTIVE = """EXISTS (SELECT 1 FROM api_keys
                         WHERE key_hash = %(key_hash)s AND revoked_at IS NULL)"""


def keyset_page(conn, table, columns, **page):
    """Up to `limit` rows of an account in (created_at, id) order, after `after`."""
    query, params = keyset_page_query(table, columns, **page)
    return conn.execute(query, params).fetchall()


def keyset_page_query(table, columns, *, account_id, filters, after, limit, key_hash=None):
    """(query, params) of a keyset page; with key_hash, only while that key is active.

    Each filter is an equality on a column; the query text depends only on which
    filters are present, so each combination gets its own prepared plan, and every
    one is a range scan of an index that ends in (created_at, id).
    """
    params = {"account_id": account_id, "limit": limit, "key_hash": key_hash, **filters}
    if after:
        params["after_created_at"], params["after_id"] = after
    shape = (table, columns, tuple(sorted(filters)), bool(after), key_hash is not None)
    return _page_sql(*shape), params


@functools.lru_cache(maxsize=256)  # every shape: 2 tables x filters x cursor x key check
def _page_sql(table, columns, filter_columns, after, key_check):
    """The text of a page query: composed once per shape, not per request."""
    where = [sql.SQL("account_id = %(account_id)s")]
    if key_check:
        where.append(sql.SQL(KEY_ACTIVE))
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
