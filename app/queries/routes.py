"""Routes: who answers a dialled number, read by the platform's router on every call."""

from . import hot_rows


def get(conn, e164, account_id=None, key_hash=None):
    """(the account, the route's API JSON as bytes) of a registered number: its account,
    agent, flags, fallback, credential and the credential's sealing key, and the routing
    rule applied; or None. Of that account's only, when one is given; with key_hash, only
    while that key is active (sql/013_route_json.sql's route_json, whose plan is kept)."""
    rows = hot_rows(conn, b"SELECT * FROM route_json($1, $2, $3)", e164, account_id, key_hash)
    return (rows[0][0].decode(), rows[0][1]) if rows else None
