"""The providers table: an account's carrier credentials, sealed.

What the API shows of a credential is never its sealed value; timestamps leave
PostgreSQL in the contract's RFC 3339 form (sql/004_number_json.sql's rfc3339). Every
change is one statement together with its event (sql/006_events.sql).
"""

from psycopg import errors

from . import read


class InUse(Exception):
    """The credential is referenced by phone numbers."""


def create(conn, *, account_id, provider, label, credential_keys, sealed, sealing_key_id,
           verified_at, origin):
    """Store a sealed credential, with its provider.created event; return it as the API
    shows it."""
    return conn.execute(
        """
        WITH changed AS (
            INSERT INTO providers (account_id, provider, label, credential_keys,
                                   sealed_credentials, sealing_key_id, verified_at)
                 VALUES (%(account_id)s, %(provider)s, %(label)s, %(credential_keys)s,
                         %(sealed)s, %(sealing_key_id)s, %(verified_at)s)
              RETURNING *
        ), logged AS (
            INSERT INTO events (account_id, type, object_id, occurred_at,
                                actor_key_id, actor_kind, request_id, data)
                 SELECT account_id, 'provider.created', id, created_at,
                        %(actor_key_id)s, %(actor_kind)s, %(request_id)s,
                        jsonb_build_object(
                            'provider', provider, 'label', label,
                            'credential_keys', credential_keys,
                            'sealing_key_id', sealing_key_id,
                            'verified_at', rfc3339(verified_at))
                   FROM changed
        )
        SELECT id::text AS id, provider, label, credential_keys, sealing_key_id,
               rfc3339(verified_at) AS verified_at,
               rfc3339(created_at) AS created_at, rfc3339(updated_at) AS updated_at
          FROM changed
        """,
        {"account_id": account_id, "provider": provider, "label": label,
         "credential_keys": credential_keys, "sealed": sealed,
         "sealing_key_id": sealing_key_id, "verified_at": verified_at, **origin},
    ).fetchone()


def get(conn, account_id, credential_id, key_hash=None):
    """One credential of the account, or None; with key_hash, only while that key is
    active (sql/007_hot_reads.sql's providers_get, whose plan is kept)."""
    return read(conn).execute(
        "SELECT * FROM providers_get(%(id)s, %(account_id)s, %(key_hash)s)",
        {"id": credential_id, "account_id": account_id, "key_hash": key_hash},
    ).fetchone()


def page(conn, account_id, *, filters, after, limit, key_hash=None):
    """Up to `limit` credentials of the account after the (created_at, id) `after`; with
    key_hash, only while that key is active (sql/007_hot_reads.sql's providers_page)."""
    assert not filters, "credentials are listed unfiltered"
    after_created_at, after_id = after or (None, None)
    return read(conn).execute(
        """
        SELECT * FROM providers_page(%(account_id)s, %(key_hash)s, %(after_created_at)s,
                                     %(after_id)s, %(limit)s)
        """,
        {"account_id": account_id, "key_hash": key_hash, "after_created_at": after_created_at,
         "after_id": after_id, "limit": limit},
    ).fetchall()


def update(conn, account_id, credential_id, origin, *, label=None, sealed=None):
    """Change the label and/or the sealed credentials, with a provider.updated event; a
    label set to what it is already changes nothing and records nothing. The credential
    as the API shows it once this statement is done; None when no such credential.

    `sealed` is (ciphertext, credential_keys, sealing_key_id, verified_at). New
    credentials are a change whatever they are (each sealing differs), recorded as
    `"credentials": "rotated"` with the three fields that describe them, from and to,
    even when one of them did not change; never what they are.
    """
    ciphertext, credential_keys, sealing_key_id, verified_at = sealed or (None,) * 4
    return conn.execute(
        """
        WITH prior AS (
            SELECT id, provider, label, credential_keys, sealing_key_id, verified_at,
                   created_at, updated_at
              FROM providers
             WHERE id = %(id)s
               AND account_id = %(account_id)s
               FOR UPDATE
        ), changed AS (
               UPDATE providers AS target
                  SET label = COALESCE(%(label)s::text, target.label),
                      sealed_credentials = COALESCE(%(sealed)s::bytea, target.sealed_credentials),
                      credential_keys = COALESCE(%(credential_keys)s::text[],
                                                 target.credential_keys),
                      sealing_key_id = COALESCE(%(sealing_key_id)s::text, target.sealing_key_id),
                      verified_at = CASE WHEN %(rotated)s THEN %(verified_at)s::timestamptz
                                         ELSE target.verified_at END,
                      updated_at = GREATEST(clock_timestamp(),
                                            target.updated_at + interval '1 microsecond')
                 FROM prior
                WHERE target.id = prior.id
                  AND (%(rotated)s OR target.label IS DISTINCT FROM %(label)s::text)
            RETURNING target.id, target.account_id, target.provider, target.label,
                      target.credential_keys, target.sealing_key_id, target.verified_at,
                      target.created_at, target.updated_at,
                      (CASE WHEN prior.label IS DISTINCT FROM target.label
                            THEN jsonb_build_object('label', jsonb_build_object(
                                     'from', prior.label, 'to', target.label))
                            ELSE '{}' END)
                   || (CASE WHEN %(rotated)s
                            THEN jsonb_build_object(
                                'credentials', 'rotated',
                                'credential_keys', jsonb_build_object(
                                    'from', prior.credential_keys, 'to', target.credential_keys),
                                'sealing_key_id', jsonb_build_object(
                                    'from', prior.sealing_key_id, 'to', target.sealing_key_id),
                                'verified_at', jsonb_build_object(
                                    'from', rfc3339(prior.verified_at),
                                    'to', rfc3339(target.verified_at)))
                            ELSE '{}' END) AS data
        ), logged AS (
            INSERT INTO events (account_id, type, object_id, occurred_at,
                                actor_key_id, actor_kind, request_id, data)
                 SELECT account_id, 'provider.updated', id, updated_at,
                        %(actor_key_id)s, %(actor_kind)s, %(request_id)s, data
                   FROM changed
        )
        SELECT id::text AS id, provider, label, credential_keys, sealing_key_id,
               rfc3339(verified_at) AS verified_at,
               rfc3339(created_at) AS created_at, rfc3339(updated_at) AS updated_at
          FROM (SELECT id, provider, label, credential_keys, sealing_key_id, verified_at,
                       created_at, updated_at
                  FROM changed
                 UNION ALL
                SELECT id, provider, label, credential_keys, sealing_key_id, verified_at,
                       created_at, updated_at
                  FROM prior
                 WHERE NOT EXISTS (SELECT 1 FROM changed)) AS now
        """,
        {"id": credential_id, "account_id": account_id, "label": label,
         "rotated": sealed is not None, "sealed": ciphertext,
         "credential_keys": credential_keys, "sealing_key_id": sealing_key_id,
         "verified_at": verified_at, **origin},
    ).fetchone()


def delete(conn, account_id, credential_id, origin):
    """Delete a credential, with its provider.deleted event; False when none; InUse while
    numbers reference it.

    The foreign key (ON DELETE RESTRICT) decides, so a number registered at the same
    moment either makes this fail or fails itself; failing, the statement records
    nothing.
    """
    try:
        row = conn.execute(
            """
            WITH changed AS (
                 DELETE FROM providers
                       WHERE id = %(id)s
                         AND account_id = %(account_id)s
                   RETURNING id, account_id, provider, label,
                             GREATEST(clock_timestamp(),
                                      updated_at + interval '1 microsecond') AS occurred_at
            ), logged AS (
                INSERT INTO events (account_id, type, object_id, occurred_at,
                                    actor_key_id, actor_kind, request_id, data)
                     SELECT account_id, 'provider.deleted', id, occurred_at,
                            %(actor_key_id)s, %(actor_kind)s, %(request_id)s,
                            jsonb_build_object('provider', provider, 'label', label)
                       FROM changed
            )
            SELECT id
              FROM changed
            """,
            {"id": credential_id, "account_id": account_id, **origin},
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


def sealed_of(conn, account_id, credential_id, key_hash=None):
    """The sealed value of one credential of the account, with its id, provider and key
    id: what the service that dials out opens (GET .../providers/{id}/sealed); None when
    the account has no such credential, or (with key_hash) the key is not active
    (sql/012_routes.sql's providers_sealed, whose plan is kept)."""
    return read(conn).execute(
        "SELECT * FROM providers_sealed(%(id)s, %(account_id)s, %(key_hash)s)",
        {"id": credential_id, "account_id": account_id, "key_hash": key_hash},
    ).fetchone()


def sealed_to(conn, sealing_key_id, *, after, limit):
    """Up to `limit` credentials of any account sealed to that key, with ids after
    `after`, in id order: a rotation's next batch (`sealing rotate`). Each batch starts
    where the last one ended, so a run reads each row once whatever becomes of it: a row
    left on the key (it did not open) is not read again, and no batch wades through the
    rows done before it."""
    return conn.execute(
        """
          SELECT id::text AS id, sealed_credentials
            FROM providers
           WHERE sealing_key_id = %(sealing_key_id)s
             AND id > %(after)s
        ORDER BY id
           LIMIT %(limit)s
        """,
        {"sealing_key_id": sealing_key_id, "after": after, "limit": limit},
    ).fetchall()


def reseal(conn, credential_id, *, was, sealed, origin):
    """Replace a credential's sealed value `was` with `sealed`, each (ciphertext, key
    id), with a provider.updated event; False, changing and recording nothing, when the
    row holds `was` no more (a PATCH sealed it anew meanwhile, or another rotation did:
    it wins).

    The same plaintext, sealed to another key: `credential_keys` and `verified_at` stay,
    and the event records them from and to as a PATCH of new credentials does.
    """
    was_ciphertext, was_key_id = was
    ciphertext, sealing_key_id = sealed
    return conn.execute(
        """
        WITH changed AS (
               UPDATE providers
                  SET sealed_credentials = %(sealed)s,
                      sealing_key_id = %(sealing_key_id)s,
                      updated_at = GREATEST(clock_timestamp(),
                                            updated_at + interval '1 microsecond')
                WHERE id = %(id)s
                  AND sealing_key_id = %(was_key_id)s
                  AND sealed_credentials = %(was)s
            RETURNING id, account_id, updated_at, credential_keys, verified_at
        ), logged AS (
            INSERT INTO events (account_id, type, object_id, occurred_at, actor_key_id,
                                actor_kind, actor_command, request_id, data)
                 SELECT account_id, 'provider.updated', id, updated_at, %(actor_key_id)s,
                        %(actor_kind)s, %(actor_command)s, %(request_id)s,
                        jsonb_build_object(
                            'credentials', 'rotated',
                            'credential_keys', jsonb_build_object(
                                'from', credential_keys, 'to', credential_keys),
                            'sealing_key_id', jsonb_build_object(
                                'from', %(was_key_id)s::text, 'to', %(sealing_key_id)s::text),
                            'verified_at', jsonb_build_object(
                                'from', rfc3339(verified_at), 'to', rfc3339(verified_at)))
                   FROM changed
        )
        SELECT EXISTS (SELECT 1 FROM changed) AS resealed
        """,
        {"id": credential_id, "was": was_ciphertext, "was_key_id": was_key_id,
         "sealed": ciphertext, "sealing_key_id": sealing_key_id, **origin},
    ).fetchone()["resealed"]


def count_by_key(conn):
    """How many credentials of all accounts are sealed to each key: {key id: count}."""
    rows = conn.execute(
        """
          SELECT sealing_key_id, count(*) AS n
            FROM providers
        GROUP BY sealing_key_id
        """
    ).fetchall()
    return {row["sealing_key_id"]: row["n"] for row in rows}
