"""The idempotency_keys table: answers kept for retries with the same Idempotency-Key."""


def claim(conn, *, account_id, endpoint, key, request_hash):
    """Take the key for this request; False when a live answer is already kept.

    The row stays locked until the caller's transaction ends, so a concurrent retry
    waits here. An expired row is taken over in place. The account's other expired
    rows go in the same statement (locked ones are left for next time).
    """
    row = conn.execute(
        """
        WITH purged AS (
            DELETE FROM idempotency_keys
             WHERE ctid IN (SELECT ctid
                              FROM idempotency_keys
                             WHERE account_id = %(account_id)s
                               AND expires_at <= now()
                               AND (endpoint, key) <> (%(endpoint)s, %(key)s)
                               FOR UPDATE SKIP LOCKED)
        )
        INSERT INTO idempotency_keys (account_id, endpoint, key, request_hash)
             VALUES (%(account_id)s, %(endpoint)s, %(key)s, %(request_hash)s)
        ON CONFLICT (account_id, endpoint, key) DO UPDATE
                SET request_hash = EXCLUDED.request_hash,
                    status = NULL, content_type = NULL, body = NULL, location = NULL,
                    created_at = now(), expires_at = now() + interval '24 hours'
              WHERE idempotency_keys.expires_at <= now()
          RETURNING true AS claimed
        """,
        {"account_id": account_id, "endpoint": endpoint, "key": key,
         "request_hash": request_hash},
    ).fetchone()
    return row is not None


def kept(conn, *, account_id, endpoint, key):
    """The kept answer for a key, with the hash of the request that made it."""
    return conn.execute(
        """
        SELECT request_hash, status, content_type, body, location
          FROM idempotency_keys
         WHERE account_id = %(account_id)s
           AND endpoint = %(endpoint)s
           AND key = %(key)s
        """,
        {"account_id": account_id, "endpoint": endpoint, "key": key},
    ).fetchone()


def finished(conn, *, account_id, endpoint, key):
    """The live kept answer for a key, if its request has finished; else None."""
    return conn.execute(
        """
        SELECT request_hash, status, content_type, body, location
          FROM idempotency_keys
         WHERE account_id = %(account_id)s
           AND endpoint = %(endpoint)s
           AND key = %(key)s
           AND status IS NOT NULL
           AND expires_at > now()
        """,
        {"account_id": account_id, "endpoint": endpoint, "key": key},
    ).fetchone()


def keep(conn, *, account_id, endpoint, key, status, content_type, body, location):
    """Store the answer of the request that claimed the key."""
    conn.execute(
        """
        UPDATE idempotency_keys
           SET status = %(status)s, content_type = %(content_type)s,
               body = %(body)s, location = %(location)s
         WHERE account_id = %(account_id)s
           AND endpoint = %(endpoint)s
           AND key = %(key)s
        """,
        {"account_id": account_id, "endpoint": endpoint, "key": key, "status": status,
         "content_type": content_type, "body": body, "location": location},
    )


def purge_expired(conn):
    """Delete every expired answer; return how many."""
    return conn.execute(
        "DELETE FROM idempotency_keys WHERE expires_at <= now()"
    ).rowcount
