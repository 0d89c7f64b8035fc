"""Resource limits held by the real server: bodies sent chunked (no Content-Length) to
gunicorn over a socket, as a client sends them."""

import http.client
import json

from tests.support.api import PROVIDERS, TWILIO, bearer


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
