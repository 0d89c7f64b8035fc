"""Nothing outlives a transaction: what lets DATABASE_URL name PostgreSQL or a transaction
pooler alike (in `make test`'s second pass these run through PgBouncer)."""

import time

from tests.support.api import NUMBERS, PROVIDERS, add_number, add_provider, error


def pooled_connection(app):
    """A connection of the app's own pool, as a request gets one."""
    return app.extensions["db"].pool.getconn()


def test_no_statement_is_prepared_on_the_server(app, client, alice):
    credential = add_provider(client, alice)
    add_number(client, alice, credential["id"])
    for _ in range(10):  # psycopg would prepare a statement by its fifth run
        assert client.get(NUMBERS, headers=alice).status_code == 200
        assert client.get(PROVIDERS, headers={**alice, "X-Account-ID": "alice"}).status_code == 200
    database = app.extensions["db"]
    conn = pooled_connection(app)
    try:
        assert conn.prepare_threshold is None
        assert conn.execute("SELECT count(*) AS n FROM pg_prepared_statements").fetchone() == {
            "n": 0}
    finally:
        database.pool.putconn(conn)


def test_the_deadlines_end_with_each_statement(app, client, alice):
    assert client.get(PROVIDERS, headers=alice).status_code == 200
    database = app.extensions["db"]
    conn = pooled_connection(app)
    try:
        # Bypassing the cursor that brings them: the session itself has the server's
        # defaults, none of ours.
        shown = conn.pgconn.exec_(b"SHOW statement_timeout").get_value(0, 0).decode()
        assert shown == "0"
    finally:
        database.pool.putconn(conn)


def test_a_request_stuck_behind_a_lock_answers_500_then_the_service_serves(
        client, alice, sql):
    credential = add_provider(client, alice)
    with sql.transaction():
        sql.execute("LOCK TABLE providers IN ACCESS EXCLUSIVE MODE")
        started = time.monotonic()
        stuck = client.get(f"{PROVIDERS}/{credential['id']}", headers=alice)
        waited = time.monotonic() - started
    assert error(stuck) == (500, "database error")
    assert waited < 4, waited  # the statement's own limit, 2 s; the watchdog's is 4.5
    assert client.get(f"{PROVIDERS}/{credential['id']}", headers=alice).status_code == 200
