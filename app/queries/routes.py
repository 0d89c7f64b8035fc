"""Routes: who answers a dialled number, read by the platform's router on every call."""

from psycopg.rows import dict_row

from . import read


def get(conn, e164, account_id=None, key_hash=None):
    """The route of a registered number (its account, agent, flags, fallback, credential
    and the credential's sealing key, and the routing rule applied), or None; of that
    account's only, when one is given; with key_hash, only while that key is active
    (sql/012_routes.sql's routes_get, whose plan is kept)."""
    return read(conn, dict_row).execute(
        "SELECT * FROM routes_get(%(e164)s, %(account_id)s, %(key_hash)s)",
        {"e164": e164, "account_id": account_id, "key_hash": key_hash},
    ).fetchone()
