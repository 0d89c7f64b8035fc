"""Resource limits (OWASP API4) and key handling (OWASP API2) not covered elsewhere; the
limits only a real server can be sent (chunked bodies) are in tests/system/."""

import hmac

import psycopg
import pytest

from app.request import auth
from tests.support.api import NUMBERS, PROVIDERS, bearer, error


def test_the_applications_connections_have_a_statement_timeout(app):
    database = app.extensions["db"]
    conn = database.pool.getconn()
    try:
        assert conn.execute("SHOW statement_timeout").fetchone()["statement_timeout"] == "2s"
        assert conn.execute("SHOW lock_timeout").fetchone()["lock_timeout"] == "1s"
        with pytest.raises(psycopg.errors.QueryCanceled):
            conn.execute("SELECT pg_sleep(3)")
    finally:
        database.pool.putconn(conn)


def test_a_page_is_at_most_200_rows(client, alice):
    assert client.get(f"{NUMBERS}?limit=200", headers=alice).status_code == 200
    assert error(client.get(f"{NUMBERS}?limit=201", headers=alice))[0] == 400


def test_keys_are_compared_in_constant_time(client, make_key, monkeypatch):
    calls = []
    real = hmac.compare_digest
    monkeypatch.setattr(auth.hmac, "compare_digest", lambda a, b: calls.append(1) or real(a, b))
    assert client.get(PROVIDERS, headers=bearer(make_key("alice"))).status_code == 200
    assert calls == [1]
