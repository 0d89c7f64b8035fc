"""The providers table: an account's carrier credentials, sealed."""

import functools

from psycopg import errors

from . import KEY_ACTIVE, keyset_page
from .events import change, deleted, logged, updated

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


CREATE = f"""
    WITH changed AS (
        INSERT INTO providers (account_id, provider, label, credential_keys,
                               sealed_credentials, sealing_key_id, verified_at)
             VALUES (%(account_id)s, %(provider)s, %(label)s, %(credential_keys)s,
                     %(sealed)s, %(sealing_key_id)s, %(verified_at)s)
          RETURNING *, created_at AS occurred_at,
                    jsonb_build_object(
                        'provider', provider, 'label', label,
                        'credential_keys', credential_keys, 'sealing_key_id', sealing_key_id,
                        'verified_at', rfc3339(verified_at)) AS data
    ),{logged("provider.created")}
    SELECT {COLUMNS}
      FROM changed
"""


def create(conn, *, account_id, provider, label, credential_keys, sealed, sealing_key_id,
           verified_at, origin):
    """Store a sealed credential, with its event; return it as the API shows it."""
    return conn.execute(CREATE, {
        "account_id": account_id, "provider": provider, "label": label,
        "credential_keys": credential_keys, "sealed": sealed,
        "sealing_key_id": sealing_key_id, "verified_at": verified_at, **origin,
    }).fetchone()


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


# A rotation's event: the credentials changed (what they are, never), and the three
# fields that describe them, from and to, even when one of them did not change.
ROTATED = """jsonb_build_object(
        'credentials', 'rotated',
        'credential_keys', jsonb_build_object('from', prior.credential_keys,
                                              'to', target.credential_keys),
        'sealing_key_id', jsonb_build_object('from', prior.sealing_key_id,
                                             'to', target.sealing_key_id),
        'verified_at', jsonb_build_object('from', rfc3339(prior.verified_at),
                                          'to', rfc3339(target.verified_at)))"""


def update(conn, account_id, credential_id, origin, *, label=None, sealed=None):
    """Change the label and/or the sealed credentials, with a provider.updated event;
    a label set to what it is already changes nothing and records nothing. False when
    no such credential.

    `sealed` is (ciphertext, credential_keys, sealing_key_id, verified_at).
    """
    params = {"id": credential_id, "account_id": account_id, "label": label, **origin}
    if sealed is not None:
        (params["sealed"], params["credential_keys"], params["sealing_key_id"],
         params["verified_at"]) = sealed
    query = _update_sql(label is not None, sealed is not None)
    return conn.execute(query, params).fetchone()["found"]


@functools.lru_cache(maxsize=4)
def _update_sql(label, sealed):
    """The PATCH statement for a new label, new credentials, or both."""
    assignments, data = [], []
    if label:
        assignments.append("label = %(label)s")
        data.append(change("label"))
    if sealed:
        assignments.append("sealed_credentials = %(sealed)s,"
                           " credential_keys = %(credential_keys)s,"
                           " sealing_key_id = %(sealing_key_id)s,"
                           " verified_at = %(verified_at)s")
        data.append(ROTATED)
    return updated(
        "providers", columns=("label", "credential_keys", "sealing_key_id", "verified_at"),
        assignments=", ".join(assignments),
        # New credentials are a change whatever they are (each sealing differs).
        differs="true" if sealed else "target.label IS DISTINCT FROM %(label)s",
        data=" || ".join(data), event_type="provider.updated",
    )


DELETE = deleted("providers", data="jsonb_build_object('provider', provider, 'label', label)",
                 event_type="provider.deleted")


def delete(conn, account_id, credential_id, origin):
    """Delete a credential, with its event; False when none; InUse while numbers
    reference it.

    The foreign key (ON DELETE RESTRICT) decides, so a number registered at the same
    moment either makes this fail or fails itself; failing, the statement records
    nothing.
    """
    try:
        row = conn.execute(
            DELETE, {"id": credential_id, "account_id": account_id, **origin}).fetchone()
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
