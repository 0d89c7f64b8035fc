"""The api_keys table: keys stored as their SHA-256, never in the clear."""


def create(conn, *, key_hash, kind, account_id, label):
    """Store a new key's hash; return its id."""
    row = conn.execute(
        """
        INSERT INTO api_keys (key_hash, kind, account_id, label)
             VALUES (%(key_hash)s, %(kind)s, %(account_id)s, %(label)s)
          RETURNING id::text AS id
        """,
        {"key_hash": key_hash, "kind": kind, "account_id": account_id, "label": label},
    ).fetchone()
    return row["id"]


def find_active(conn, key_hash):
    """The key with this hash, unless revoked: id, kind, account_id, key_hash; else None."""
    return conn.execute(
        """
        SELECT id::text AS id, kind, account_id, key_hash
          FROM api_keys
         WHERE key_hash = %(key_hash)s
           AND revoked_at IS NULL
        """,
        {"key_hash": key_hash},
    ).fetchone()


def list_all(conn):
    """Every key, oldest first, without its hash."""
    return conn.execute(
        """
          SELECT id::text AS id, kind, account_id, label, created_at, revoked_at
            FROM api_keys
        ORDER BY created_at, id
        """
    ).fetchall()


def revoke(conn, key_id):
    """Revoke a key; False when no key has that id."""
    row = conn.execute(
        """
           UPDATE api_keys
              SET revoked_at = COALESCE(revoked_at, now())
            WHERE id = %(id)s
        RETURNING id
        """,
        {"id": key_id},
    ).fetchone()
    return row is not None
