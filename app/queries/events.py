"""The events table: who changed what, written by the statements that make the changes."""

import functools

from psycopg import sql

from . import next_tick


def logged(event_type, source="changed"):
    """The CTE that records an event for each row of `source`, a CTE of the change
    giving account_id, id, occurred_at and data. Its statement takes the origin's
    parameters (auth.origin()): the change and its event are then one statement,
    committed or failed together."""
    return f"""
    logged AS (
        INSERT INTO events (account_id, type, object_id, occurred_at,
                            actor_key_id, actor_kind, request_id, data)
             SELECT account_id, '{event_type}', id, occurred_at,
                    %(actor_key_id)s, %(actor_kind)s, %(request_id)s, data
               FROM {source}
    )"""


def updated(table, *, columns, assignments, differs, data, event_type):
    """The statement that changes one row of the account and records it: `prior` locks
    the row and reads it as it is once the lock is ours, so concurrent changes of one
    object take turns and the `from` of each event is the `to` of the one before; the
    row changes only where `differs` (SQL over `target`, the row, and the parameters),
    so setting what is already set changes and records nothing. Answers `found`."""
    return f"""
    WITH prior AS (
        SELECT id, {", ".join(columns)}
          FROM {table}
         WHERE id = %(id)s
           AND account_id = %(account_id)s
           FOR UPDATE
    ), changed AS (
           UPDATE {table} AS target
              SET {assignments},
                  updated_at = {next_tick("target.updated_at")}
             FROM prior
            WHERE target.id = prior.id
              AND ({differs})
        RETURNING target.id, target.account_id, target.updated_at AS occurred_at,
                  {data} AS data
    ),{logged(event_type)}
    SELECT EXISTS (SELECT 1 FROM prior) AS found
    """


def deleted(table, *, data, event_type):
    """The statement that deletes one row of the account and records it with `data`
    (SQL over the deleted row); answers its id, or no row."""
    return f"""
    WITH changed AS (
         DELETE FROM {table}
               WHERE id = %(id)s
                 AND account_id = %(account_id)s
           RETURNING id, account_id, {next_tick()} AS occurred_at, {data} AS data
    ),{logged(event_type)}
    SELECT id
      FROM changed
    """


def change(column, old="prior", new="target", value="{}"):
    """SQL of `{"<column>": {"from": <old>, "to": <new>}}` when the column's value changed,
    else `{}`; `value` wraps a column reference (e.g. to format a timestamp)."""
    before, after = (value.format(f"{alias}.{column}") for alias in (old, new))
    return f"""(CASE WHEN {old}.{column} IS DISTINCT FROM {new}.{column}
                THEN jsonb_build_object('{column}', jsonb_build_object(
                         'from', {before}, 'to', {after}))
                ELSE '{{}}'::jsonb END)"""


# What the API shows of an event; the actor is put together in Python.
COLUMNS = """
    id::text AS id, type, object_id::text AS object_id, actor_key_id::text AS key_id,
    actor_kind AS kind, account_id, request_id, rfc3339(occurred_at) AS occurred_at, data
"""
FILTERS = ("object_id", "type")


def page(conn, account_id, *, filters, since, before, limit):
    """Up to `limit` events of the account, newest first, matching every filter, at or
    after `since`, and before the (occurred_at, id) position `before`."""
    params = {"account_id": account_id, "limit": limit, "since": since, **filters}
    if before:
        params["before_at"], params["before_id"] = before
    query = _page_sql(tuple(sorted(filters)), since is not None, bool(before))
    return conn.execute(query, params).fetchall()


@functools.lru_cache(maxsize=16)  # every shape: filters x since x cursor
def _page_sql(filter_columns, since, before):
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
