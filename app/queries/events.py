"""The events table: who changed what, written by the statements that make the changes
(app/queries/numbers.py, providers.py), read newest first, purged when old."""

import functools

from psycopg import sql

# What the API shows of an event; the actor is put together in Python.
COLUMNS = """
    id::text AS id, type, object_id::text AS object_id, actor_key_id::text AS key_id,
    actor_kind AS kind, actor_command AS command, account_id, request_id,
    rfc3339(occurred_at) AS occurred_at, data
"""
FILTERS = ("object_id", "type")


def page(conn, account_id, *, filters, since, before, limit):
    """Up to `limit` events of the account, newest first, matching every filter, at or
    after `since`, and before the (occurred_at, id) position `before`."""
    params = {"account_id": account_id, "limit": limit, "since": since, **filters}
    if before:
        params["before_at"], params["before_id"] = before
    query = page_sql(tuple(sorted(filters)), since is not None, bool(before))
    return conn.execute(query, params).fetchall()


@functools.lru_cache(maxsize=16)  # every shape: filters x since x cursor
def page_sql(filter_columns, since, before):
    """The text of a page query: each shape reads backwards along one index in the
    list's order (events_account_page, _object_page or _type_page)."""
    where = [sql.SQL("account_id = %(account_id)s")]
    for column in filter_columns:
        where.append(sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column)))
    if since:
        where.append(sql.SQL("occurred_at >= %(since)s"))
    if before:
        where.append(sql.SQL(
            "(occurred_at, id) < (%(before_at)s::timestamptz, %(before_id)s::uuid)"))
    return sql.SQL(
        """
          SELECT {columns}
            FROM events
           WHERE {where}
        ORDER BY events.occurred_at DESC, events.id DESC
           LIMIT %(limit)s
        """
    ).format(columns=sql.SQL(COLUMNS), where=sql.SQL(" AND ").join(where)).as_string()


def purge(conn, older_than_days, batch=5000):
    """Delete events older than that, a batch per statement (each its own short
    transaction, so no lock is held long); return how many went."""
    total = 0
    while True:
        gone = conn.execute(
            """
            DELETE FROM events
             WHERE ctid IN (SELECT ctid
                              FROM events
                             WHERE occurred_at < now() - make_interval(days => %(days)s)
                             LIMIT %(batch)s)
            """,
            {"days": older_than_days, "batch": batch},
        ).rowcount
        total += gone
        if gone < batch:
            return total
