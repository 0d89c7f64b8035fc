"""The providers table: an account's carrier credentials, sealed."""

from psycopg import errors, sql

from . import KEY_ACTIVE, TOUCH_UPDATED_AT, keyset_page

# What the API shows of a credential: never the sealed value. Timestamps leave
# PostgreSQL in the contract's RFC 3339 form (sql/004_number_json.sql's rfc3339).
COLUMNS = """
    id::text AS id, provider, label, credential_keys, sealing_key_id,
    rfc3339(verified_at) AS verified_at,
    rfc3339(created_at) AS created_at, rfc3339(updated_at) AS updated_at
"""
GET = f"""
    SELECT {COLUMNS}
      FROM providers
     WHERE id = %(id)s
       AND account_id = %(account_id)s
"""
GET_GUARDED = f"{GET}   AND {KEY_ACTIVE}"


class InUse(Exception):
    """The credential is referenced by phone numbers."""


def create(conn, *, account_id, provider, label, credential_keys, sealed, sealing_key_id,
           verified_at):
    """Store a sealed credential; return it as the API shows it."""
    return conn.execute(
        f"""
        INSERT INTO providers (account_id, provider, label, credential_keys,
                               sealed_credentials, sealing_key_id, verified_at)
             VALUES (%(account_id)s, %(provider)s, %(label)s, %(credential_keys)s,
                     %(sealed)s, %(sealing_key_id)s, %(verified_at)s)
          RETURNING {COLUMNS}
        """,
        {
            "account_id": account_id, "provider": provider, "label": label,
            "credential_keys": credential_keys, "sealed": sealed,
            "sealing_key_id": sealing_key_id, "verified_at": verified_at,
        },
    ).fetchone()


def get(conn, account_id, credential_id, key_hash=None):
    """One credential of the account, or None; with key_hash, only while that key is active."""
    return conn.execute(
        GET_GUARDED if key_hash else GET,
        {"id": credential_id, "account_id": account_id, "key_hash": key_hash},
    ).fetchone()


def page(conn, account_id, *, after, limit, key_hash=None):
    """Up to `limit` credentials of the account after the (created_at, id) `after`; with
    key_hash, only while that key is active."""
    return keyset_page(
        conn, "providers", COLUMNS, account_id=account_id, filters={}, after=after,
        limit=limit, key_hash=key_hash,
    )


def update(conn, account_id, credential_id, *, label=None, sealed=None):
    """Change the label and/or the sealed credentials; False when no such credential.

    `sealed` is (ciphertext, credential_keys, sealing_key_id, verified_at).
    """
    changes = [sql.SQL(TOUCH_UPDATED_AT)]
    params = {"id": credential_id, "account_id": account_id}
    if label is not None:
        changes.append(sql.SQL("label = %(label)s"))
        params["label"] = label
    if sealed is not None:
        changes.append(sql.SQL(
            "sealed_credentials = %(sealed)s, credential_keys = %(credential_keys)s,"
            " sealing_key_id = %(sealing_key_id)s, verified_at = %(verified_at)s"
        ))
        (params["sealed"], params["credential_keys"], params["sealing_key_id"],
         params["verified_at"]) = sealed
    query = sql.SQL(
        """
           UPDATE providers
              SET {changes}
            WHERE id = %(id)s
              AND account_id = %(account_id)s
        RETURNING id
        """
    ).format(changes=sql.SQL(", ").join(changes))
    return conn.execute(query, params).fetchone() is not None


def delete(conn, account_id, credential_id):
    """Delete a credential; False when none; InUse while numbers reference it.

    The foreign key (ON DELETE RESTRICT) decides, so a number registered at the same
    moment either makes this fail or fails itself.
    """
    try:
        row = conn.execute(
            """
             DELETE FROM providers
                   WHERE id = %(id)s
                     AND account_id = %(account_id)s
               RETURNING id
            """,
            {"id": credential_id, "account_id": account_id},
        ).fetchone()
    except errors.ForeignKeyViolation:
        raise InUse() from None
    return row is not None


def count_numbers(conn, account_id, credential_id):
    """How many phone numbers reference the credential."""
    return conn.execute(
        """
        SELECT count(*) AS n
          FROM numbers
         WHERE account_id = %(account_id)s
           AND credentials_id = %(id)s
        """,
        {"id": credential_id, "account_id": account_id},
    ).fetchone()["n"]


def provider_of(conn, account_id, credential_id):
    """The provider of one credential of the account, or None."""
    row = conn.execute(
        """
        SELECT provider
          FROM providers
         WHERE id = %(id)s
           AND account_id = %(account_id)s
        """,
        {"id": credential_id, "account_id": account_id},
    ).fetchone()
    return row and row["provider"]


def sealed(conn, credential_id):
    """The sealed value and key id of any account's credential: the operator's `sealing open`."""
    return conn.execute(
        """
        SELECT sealed_credentials, sealing_key_id
          FROM providers
         WHERE id = %(id)s
        """,
        {"id": credential_id},
    ).fetchone()
