"""The numbers table: phone numbers, each bound to a credential of its account.

What the API shows of a number is the JSON text PostgreSQL keeps in each row
(`api_json`, sql/004_number_json.sql), so reads return it as it is. Every change is one
statement together with its event (sql/006_events.sql): no change without its event.
"""

from psycopg import errors

from . import hot_rows

# The list's filters, each an equality on the column of the same name.
FILTERS = ("agent_id", "credentials_id", "provider", "e164")
# The fields a PATCH may set.
UPDATABLE = ("agent_id", "inbound_enabled", "outbound_enabled", "fallback_e164")


class Duplicate(Exception):
    """The number is already registered, by this account or another."""


class NoCredential(Exception):
    """The credential does not exist in the account (or was deleted meanwhile)."""


class FallbackIsTheNumber(Exception):
    """fallback_e164 names the number itself (sql/010's CHECK refused it)."""


def create(conn, *, account_id, e164, credentials_id, provider, agent_id,
           inbound_enabled, outbound_enabled, fallback_e164, origin, key_hash=None):
    """Register a number on a credential of the account, taking the credential's
    provider, with its number.created event (made by `origin`, auth.origin()): its id
    and API JSON; None when the account has no such credential, when `provider` is given
    and is not the credential's, or (with key_hash) when that key is not active.
    """
    try:
        return conn.execute(
            """
            WITH changed AS (
                INSERT INTO numbers (account_id, e164, provider, credentials_id, agent_id,
                                     inbound_enabled, outbound_enabled, fallback_e164)
                     SELECT account_id, %(e164)s, provider, id, %(agent_id)s,
                            %(inbound_enabled)s, %(outbound_enabled)s, %(fallback_e164)s
                       FROM providers
                      WHERE id = %(credentials_id)s
                        AND account_id = %(account_id)s
                        AND provider = COALESCE(%(provider)s::text, provider)
                        AND (%(key_hash)s::bytea IS NULL
                             OR EXISTS (SELECT 1 FROM api_keys
                                         WHERE key_hash = %(key_hash)s AND revoked_at IS NULL))
                  RETURNING id, account_id, api_json, created_at,
                            jsonb_build_object(
                                'e164', e164, 'provider', provider,
                                'credentials_id', credentials_id, 'agent_id', agent_id,
                                'inbound_enabled', inbound_enabled,
                                'outbound_enabled', outbound_enabled,
                                'fallback_e164', fallback_e164) AS data
            ), logged AS (
                INSERT INTO events (account_id, type, object_id, occurred_at,
                                    actor_key_id, actor_kind, request_id, data)
                     SELECT account_id, 'number.created', id, created_at,
                            %(actor_key_id)s, %(actor_kind)s, %(request_id)s, data
                       FROM changed
            )
            SELECT id::text AS id, api_json
              FROM changed
            """,
            {"account_id": account_id, "e164": e164, "credentials_id": credentials_id,
             "provider": provider, "agent_id": agent_id, "inbound_enabled": inbound_enabled,
             "outbound_enabled": outbound_enabled, "fallback_e164": fallback_e164,
             "key_hash": key_hash, **origin},
        ).fetchone()
    except errors.UniqueViolation:
        raise Duplicate() from None
    except errors.CheckViolation:
        raise FallbackIsTheNumber() from None
    except errors.ForeignKeyViolation:
        # The credential was deleted while this statement ran (before its foreign key
        # check): PostgreSQL refused the row.
        raise NoCredential() from None


def get(conn, account_id, number_id, key_hash=None):
    """The API JSON (bytes) of one number of the account, or None; with key_hash, only
    while that key is active (sql/007_hot_reads.sql's numbers_get, whose plan is kept)."""
    return hot_rows(conn, b"SELECT numbers_get($1, $2, $3)",
                    number_id, account_id, key_hash)[0][0]


def page(conn, account_id, *, filters, after, limit, key_hash=None):
    """The API JSON (bytes) of up to `limit` numbers of the account matching every filter
    (names of FILTERS), after the (created_at, id) `after`; with key_hash, only while that
    key is active (sql/007_hot_reads.sql's numbers_page, whose plans are kept)."""
    after_created_at, after_id = after or (None, None)
    rows = hot_rows(conn, b"SELECT numbers_page($1, $2, $3, $4, $5, $6, $7, $8, $9)",
                    account_id, key_hash, after_created_at, after_id, limit,
                    *(filters.get(name) for name in FILTERS))
    return [api_json for (api_json,) in rows]


def update(conn, account_id, number_id, changes, origin):
    """Set what `changes` holds of UPDATABLE, with a number.updated event naming each
    field whose value changed; a PATCH that sets what is already set changes nothing and
    records nothing. The number's API JSON as this statement left it; None when no such
    number; FallbackIsTheNumber when fallback_e164 would name the number itself.

    `prior` locks the row and reads it as it is once the lock is ours, so concurrent
    changes of one number take turns and the `from` of each event is the `to` of the one
    before. A row's updated_at (and so its events' order) only moves forward.
    """
    params = {"id": number_id, "account_id": account_id, **origin,
              "inbound_enabled": changes.get("inbound_enabled"),
              "outbound_enabled": changes.get("outbound_enabled"),
              "set_agent_id": "agent_id" in changes, "agent_id": changes.get("agent_id"),
              "set_fallback": "fallback_e164" in changes,
              "fallback_e164": changes.get("fallback_e164")}
    try:
        row = conn.execute("""
        WITH prior AS (
            SELECT id, agent_id, inbound_enabled, outbound_enabled, fallback_e164,
                   numbers_json(api_json) AS api_json
              FROM numbers
             WHERE id = %(id)s
               AND account_id = %(account_id)s
               FOR UPDATE
        ), wanted AS (
            SELECT id,
                   CASE WHEN %(set_agent_id)s THEN %(agent_id)s::text ELSE agent_id END
                       AS agent_id,
                   COALESCE(%(inbound_enabled)s::boolean, inbound_enabled) AS inbound_enabled,
                   COALESCE(%(outbound_enabled)s::boolean, outbound_enabled)
                       AS outbound_enabled,
                   CASE WHEN %(set_fallback)s THEN %(fallback_e164)s::text ELSE fallback_e164 END
                       AS fallback_e164
              FROM prior
        ), changed AS (
               UPDATE numbers AS target
                  SET agent_id = wanted.agent_id,
                      inbound_enabled = wanted.inbound_enabled,
                      outbound_enabled = wanted.outbound_enabled,
                      fallback_e164 = wanted.fallback_e164,
                      updated_at = GREATEST(clock_timestamp(),
                                            target.updated_at + interval '1 microsecond')
                 FROM prior JOIN wanted USING (id)
                WHERE target.id = prior.id
                  AND (prior.agent_id, prior.inbound_enabled, prior.outbound_enabled,
                       prior.fallback_e164)
                      IS DISTINCT FROM
                      (wanted.agent_id, wanted.inbound_enabled, wanted.outbound_enabled,
                       wanted.fallback_e164)
            RETURNING target.id, target.account_id, target.updated_at, target.api_json,
                      (CASE WHEN prior.agent_id IS DISTINCT FROM target.agent_id
                            THEN jsonb_build_object('agent_id', jsonb_build_object(
                                     'from', prior.agent_id, 'to', target.agent_id))
                            ELSE '{}' END)
                   || (CASE WHEN prior.inbound_enabled IS DISTINCT FROM target.inbound_enabled
                            THEN jsonb_build_object('inbound_enabled', jsonb_build_object(
                                     'from', prior.inbound_enabled,
                                     'to', target.inbound_enabled))
                            ELSE '{}' END)
                   || (CASE WHEN prior.outbound_enabled IS DISTINCT FROM target.outbound_enabled
                            THEN jsonb_build_object('outbound_enabled', jsonb_build_object(
                                     'from', prior.outbound_enabled,
                                     'to', target.outbound_enabled))
                            ELSE '{}' END)
                   || (CASE WHEN prior.fallback_e164 IS DISTINCT FROM target.fallback_e164
                            THEN jsonb_build_object('fallback_e164', jsonb_build_object(
                                     'from', prior.fallback_e164, 'to', target.fallback_e164))
                            ELSE '{}' END) AS data
        ), logged AS (
            INSERT INTO events (account_id, type, object_id, occurred_at,
                                actor_key_id, actor_kind, request_id, data)
                 SELECT account_id, 'number.updated', id, updated_at,
                        %(actor_key_id)s, %(actor_kind)s, %(request_id)s, data
                   FROM changed
        )
        SELECT api_json FROM changed
         UNION ALL
        SELECT api_json FROM prior WHERE NOT EXISTS (SELECT 1 FROM changed)
        """, params).fetchone()
    except errors.CheckViolation:
        raise FallbackIsTheNumber() from None
    return row and row["api_json"]


def delete(conn, account_id, number_id, origin):
    """Delete a number of the account, with its number.deleted event; False when none."""
    row = conn.execute(
        """
        WITH changed AS (
             DELETE FROM numbers
                   WHERE id = %(id)s
                     AND account_id = %(account_id)s
               RETURNING id, account_id, e164, agent_id,
                         GREATEST(clock_timestamp(), updated_at + interval '1 microsecond')
                             AS occurred_at
        ), logged AS (
            INSERT INTO events (account_id, type, object_id, occurred_at,
                                actor_key_id, actor_kind, request_id, data)
                 SELECT account_id, 'number.deleted', id, occurred_at,
                        %(actor_key_id)s, %(actor_kind)s, %(request_id)s,
                        jsonb_build_object('e164', e164, 'agent_id', agent_id)
                   FROM changed
        )
        SELECT id
          FROM changed
        """,
        {"id": number_id, "account_id": account_id, **origin},
    ).fetchone()
    return row is not None
