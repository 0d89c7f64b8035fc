"""The numbers table: phone numbers, each bound to a credential of its account."""

from psycopg import errors, sql
from psycopg.rows import tuple_row

from . import KEY_ACTIVE, TOUCH_UPDATED_AT, keyset_page_query

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


CREATE = f"""
    INSERT INTO numbers (account_id, e164, provider, credentials_id, agent_id,
                         inbound_enabled, outbound_enabled)
         SELECT account_id, %(e164)s, provider, id, %(agent_id)s,
                %(inbound_enabled)s, %(outbound_enabled)s
           FROM providers
          WHERE id = %(credentials_id)s
            AND account_id = %(account_id)s
            AND provider = COALESCE(%(provider)s::text, provider)
            AND {{key_check}}
      RETURNING id::text AS id, {COLUMNS}
"""


def create(conn, *, account_id, e164, credentials_id, provider, agent_id,
           inbound_enabled, outbound_enabled, key_hash=None):
    """Register a number on a credential of the account, taking the credential's
    provider: its id and API JSON; None when the account has no such credential, when
    `provider` is given and is not the credential's, or (with key_hash) when that key
    is not active.
    """
    query = CREATE.format(key_check=KEY_ACTIVE if key_hash else "true")
    try:
        return conn.execute(query, {
            "account_id": account_id, "e164": e164, "credentials_id": credentials_id,
            "provider": provider, "agent_id": agent_id, "inbound_enabled": inbound_enabled,
            "outbound_enabled": outbound_enabled, "key_hash": key_hash,
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


def update(conn, account_id, number_id, changes):
    """Set agent_id / inbound_enabled / outbound_enabled; False when no such number."""
    assignments = [sql.SQL(TOUCH_UPDATED_AT)]
    for column in ("agent_id", "inbound_enabled", "outbound_enabled"):
        if column in changes:
            assignments.append(
                sql.SQL("{} = {}").format(sql.Identifier(column), sql.Placeholder(column))
            )
    query = sql.SQL(
        """
           UPDATE numbers
              SET {assignments}
            WHERE id = %(id)s
              AND account_id = %(account_id)s
        RETURNING id
        """
    ).format(assignments=sql.SQL(", ").join(assignments))
    params = {"id": number_id, "account_id": account_id, **changes}
    return conn.execute(query, params).fetchone() is not None


def delete(conn, account_id, number_id):
    """Delete a number of the account; False when none."""
    row = conn.execute(
        """
         DELETE FROM numbers
               WHERE id = %(id)s
                 AND account_id = %(account_id)s
           RETURNING id
        """,
        {"id": number_id, "account_id": account_id},
    ).fetchone()
    return row is not None
