"""Resource limits (OWASP API4) and key handling (OWASP API2) not covered elsewhere."""

import hmac
import http.client
import json

import psycopg
import pytest

from app.request import auth
from tests.support.api import NUMBERS, PROVIDERS, TWILIO, bearer, error


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


@pytest.fixture(scope="module")
def gunicorn(database_url, sealing_keys, tmp_path_factory):
    from tests.support.server import Gunicorn

    server = Gunicorn(tmp_path_factory.mktemp("limits") / "out.log", DATABASE_URL=database_url,
                      SEALING_PUBLIC_KEY=sealing_keys[0], WEB_CONCURRENCY="1").start()
    yield server
    server.stop()


def chunked_post(port, path, headers, chunks):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("POST", path, body=iter(chunks), encode_chunked=True,
                     headers={**headers, "Content-Type": "application/json",
                              "Transfer-Encoding": "chunked"})
        answer = conn.getresponse()
        return answer.status, answer.read().decode()
    finally:
        conn.close()


def test_a_chunked_body_over_64_kib_answers_413_and_stores_nothing(gunicorn, make_key, sql):
    key = make_key("alice")
    body = json.dumps({"provider": "twilio", "credentials": TWILIO}).encode()
    padded = body[:-1] + b" " * (70 * 1024) + b"}"  # valid JSON, too large
    chunks = [padded[i:i + 4096] for i in range(0, len(padded), 4096)]
    status, text = chunked_post(gunicorn.port, PROVIDERS, bearer(key), chunks)
    assert status == 413, text
    assert sql.execute("SELECT count(*) AS n FROM providers").fetchone()["n"] == 0


def test_a_chunked_body_under_the_limit_is_read(gunicorn, make_key):
    key = make_key("alice")
    body = json.dumps({"provider": "twilio", "credentials": TWILIO}).encode()
    status, text = chunked_post(gunicorn.port, PROVIDERS, bearer(key), [body[:10], body[10:]])
    assert status == 201, text
