"""The numbers table: phone numbers, each bound to a credential of its account."""

import functools

from psycopg import errors
from psycopg.rows import tuple_row

from . import KEY_ACTIVE, keyset_page_query
from .events import change, deleted, logged, updated

# What the API shows of a number: the JSON text PostgreSQL keeps in each row
# (sql/004_number_json.sql), so reads return it as it is.
COLUMNS = "api_json"
GET = f"""
    SELECT {COLUMNS}
      FROM numbers
     WHERE id = %(id)s
       AND account_id = %(account_id)s
"""
GET_GUARDED = f"{GET}   AND {KEY_ACTIVE}"
# The list's filters, each an equality on the column of the same name.
FILTERS = ("agent_id", "credentials_id", "provider", "e164")


class Duplicate(Exception):
    """The number is already registered, by this account or another."""


class NoCredential(Exception):
    """The credential does not exist in the account (or was deleted meanwhile)."""


# The insert and its number.created event: one statement. The event's data is the
# new row's, so it cannot say other than what was stored.
CREATE = f"""
    WITH changed AS (
        INSERT INTO numbers (account_id, e164, provider, credentials_id, agent_id,
                             inbound_enabled, outbound_enabled)
             SELECT account_id, %(e164)s, provider, id, %(agent_id)s,
                    %(inbound_enabled)s, %(outbound_enabled)s
               FROM providers
              WHERE id = %(credentials_id)s
                AND account_id = %(account_id)s
                AND provider = COALESCE(%(provider)s::text, provider)
                AND {{key_check}}
          RETURNING id, account_id, {COLUMNS}, created_at AS occurred_at,
                    jsonb_build_object(
                        'e164', e164, 'provider', provider, 'credentials_id', credentials_id,
                        'agent_id', agent_id, 'inbound_enabled', inbound_enabled,
                        'outbound_enabled', outbound_enabled) AS data
    ),{logged("number.created")}
    SELECT id::text AS id, {COLUMNS}
      FROM changed
"""
# The fields a PATCH may set.
UPDATABLE = ("agent_id", "inbound_enabled", "outbound_enabled")


def create(conn, *, account_id, e164, credentials_id, provider, agent_id,
           inbound_enabled, outbound_enabled, origin, key_hash=None):
    """Register a number on a credential of the account, taking the credential's
    provider, with its event (made by `origin`, auth.origin()): its id and API JSON;
    None when the account has no such credential, when `provider` is given and is not
    the credential's, or (with key_hash) when that key is not active.
    """
    query = CREATE.format(key_check=KEY_ACTIVE if key_hash else "true")
    try:
        return conn.execute(query, {
            "account_id": account_id, "e164": e164, "credentials_id": credentials_id,
            "provider": provider, "agent_id": agent_id, "inbound_enabled": inbound_enabled,
            "outbound_enabled": outbound_enabled, "key_hash": key_hash, **origin,
        }).fetchone()
    except errors.UniqueViolation:
        raise Duplicate() from None
    except errors.ForeignKeyViolation:
        # The credential was deleted while this statement ran (before its foreign key
        # check): PostgreSQL refused the row.
        raise NoCredential() from None


def get(conn, account_id, number_id, key_hash=None):
    """The API JSON of one number of the account, or None; with key_hash, only while
    that key is active."""
    row = conn.execute(
        GET_GUARDED if key_hash else GET,
        {"id": number_id, "account_id": account_id, "key_hash": key_hash},
    ).fetchone()
    return row and row["api_json"]


def page(conn, account_id, *, filters, after, limit, key_hash=None):
    """The API JSON of up to `limit` numbers of the account matching every filter,
    after `after`; with key_hash, only while that key is active."""
    query, params = keyset_page_query(
        "numbers", COLUMNS, account_id=account_id, filters=filters, after=after,
        limit=limit, key_hash=key_hash,
    )
    # Rows as tuples: a dict per row was a fifth of psycopg's client time for a page.
    rows = conn.cursor(row_factory=tuple_row).execute(query, params).fetchall()
    return [api_json for (api_json,) in rows]


def update(conn, account_id, number_id, changes, origin):
    """Set agent_id / inbound_enabled / outbound_enabled, with a number.updated event
    naming each field whose value changed; a PATCH that sets what is already set
    changes nothing and records nothing. False when no such number."""
    query = _update_sql(tuple(column for column in UPDATABLE if column in changes))
    params = {"id": number_id, "account_id": account_id, **changes, **origin}
    return conn.execute(query, params).fetchone()["found"]


@functools.lru_cache(maxsize=8)  # one per combination of the fields sent
def _update_sql(columns):
    """The PATCH statement for these columns (names from UPDATABLE, never a request)."""
    return updated(
        "numbers", columns=columns,
        assignments=", ".join(f"{column} = %({column})s" for column in columns),
        differs=" OR ".join(f"target.{column} IS DISTINCT FROM %({column})s"
                            for column in columns),
        data=" || ".join(change(column) for column in columns),
        event_type="number.updated",
    )


DELETE = deleted("numbers", data="jsonb_build_object('e164', e164, 'agent_id', agent_id)",
                 event_type="number.deleted")


def delete(conn, account_id, number_id, origin):
    """Delete a number of the account, with its event; False when none."""
    row = conn.execute(DELETE, {"id": number_id, "account_id": account_id, **origin}).fetchone()
    return row is not None
