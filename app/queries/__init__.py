"""Plain SQL over psycopg: one module per table, one statement per function."""

from psycopg import sql

# Timestamps leave PostgreSQL already in the contract's RFC 3339 form: formatting
# them in Python costs more than the rest of a row.
RFC3339 = """'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"""

# updated_at always moves forward, even within one microsecond of the last change.
TOUCH_UPDATED_AT = (
    "updated_at = GREATEST(clock_timestamp(), updated_at + interval '1 microsecond')"
)


def rfc3339(column):
    """The SQL expression of a timestamptz column in RFC 3339, UTC."""
    return f"to_char({column} AT TIME ZONE 'UTC', {RFC3339}) AS {column}"


def keyset_page(conn, table, columns, **page):
    """Up to `limit` rows of an account in (created_at, id) order, after `after`."""
    query, params = keyset_page_query(table, columns, **page)
    return conn.execute(query, params).fetchall()


def keyset_page_query(table, columns, *, account_id, filters, after, limit):
    """(query, params) of a keyset page.

    Each filter is an equality on a column; the query text depends only on which
    filters are present, so each combination gets its own prepared plan, and every
    one is a range scan of an index that ends in (created_at, id).
    """
    where = [sql.SQL("account_id = %(account_id)s")]
    params = {"account_id": account_id, "limit": limit}
    for column, value in filters.items():
        where.append(sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column)))
        params[column] = value
    if after:
        where.append(sql.SQL(
            "(created_at, id) > (%(after_created_at)s::timestamptz, %(after_id)s::uuid)"
        ))
        params["after_created_at"], params["after_id"] = after
    # ORDER BY names the table's columns: bare, created_at and id would be the output
    # columns of the same names (text, formatted), and the index could not give the order.
    query = sql.SQL(
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
    )
    return query, params
