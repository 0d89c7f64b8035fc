"""Routes: who answers a dialled number, read by the platform's router on every call."""

from . import hot_rows

# The route's JSON names its account second (sql/013_route_json.sql), in a form that needs
# no escaping: read from the JSON for the log line, not asked of the database again.
ACCOUNT = b'"account_id":"'


def get(conn, e164, account_id=None, key_hash=None):
    """(the route's API JSON as bytes, its account) of a registered number: its account,
    agent, flags, fallback, credential and the credential's sealing key, and the routing
    rule applied; or None. Of that account's only, when one is given; with key_hash, only
    while that key is active (sql/013_route_json.sql's route_json, whose plan is kept)."""
    body = hot_rows(conn, b"SELECT route_json($1, $2, $3)", e164, account_id, key_hash)[0][0]
    if body is None:
        return None
    start = body.index(ACCOUNT) + len(ACCOUNT)
    return body, body[start:body.index(b'"', start)].decode()
