"""What a new user and a hostile client hit, black-box against the Procfile's gunicorn: error
codes, the changed object back, strict query strings and cursors, lines that end, and
malformed body framing."""

import json
import socket

import pytest

from tests.support.api import NUMBERS, PROVIDERS, TWILIO, bearer

PROBLEM = {"Accept": "application/problem+json"}


@pytest.fixture
def key(make_key):
    return make_key("alice")


@pytest.fixture
def number(gunicorn, key):
    status, _, body = gunicorn.request("POST", PROVIDERS, {"provider": "twilio",
                                                           "credentials": TWILIO}, bearer(key))
    assert status == 201, body
    credential = json.loads(body)
    status, _, body = gunicorn.request("POST", NUMBERS, {
        "e164": "+12025550123", "credentials_id": credential["id"], "agent_id": "agent_1"},
        bearer(key))
    assert status == 201, body
    return json.loads(body)


def test_a_duplicate_number_has_a_code_a_program_can_test(gunicorn, key, number):
    status, headers, body = gunicorn.request("POST", NUMBERS, {
        "e164": number["e164"], "credentials_id": number["credentials_id"]},
        {**bearer(key), **PROBLEM})
    assert (status, headers["Content-Type"]) == (400, "application/problem+json")
    problem = json.loads(body)
    assert (problem["code"], problem["field"], problem["request_id"]) == (
        "duplicate_number", "e164", headers["X-Request-ID"])
    status, headers, body = gunicorn.request("POST", NUMBERS, {
        "e164": number["e164"], "credentials_id": number["credentials_id"]}, bearer(key))
    assert (status, body) == (400, f"duplicate number: {number['e164']} is already registered\n")


def test_a_pin_can_answer_the_number_as_it_left_it(gunicorn, key, number):
    status, headers, body = gunicorn.request(
        "PATCH", f"{NUMBERS}/{number['id']}", {"agent_id": "agent_2"},
        {**bearer(key), "Prefer": "return=representation"})
    assert (status, headers["Preference-Applied"]) == (200, "return=representation")
    assert json.loads(body)["agent_id"] == "agent_2"
    status, _, body = gunicorn.request("PATCH", f"{NUMBERS}/{number['id']}",
                                       {"agent_id": "agent_3"}, bearer(key))
    assert (status, body) == (204, "")


@pytest.mark.parametrize("method, path, body", [
    ("GET", "/numbers/{id}?api_key=kvn_x", None),
    ("PATCH", "/numbers/{id}?anything=1", {"agent_id": "agent_9"}),
    ("DELETE", "/numbers/{id}?force=1", None),
    ("POST", "/providers?bogus=1", {"provider": "twilio", "credentials": TWILIO}),
])
def test_unknown_query_parameters_are_refused_everywhere(gunicorn, key, number, method, path,
                                                         body):
    name = path.partition("?")[2].partition("=")[0]
    url = "/api/v1/telephony" + path.replace("{id}", number["id"])
    for _ in range(2):  # the second time, the key is known: the fast path's turn
        status, _, text = gunicorn.request(method, url, body, bearer(key))
        assert (status, text) == (400, f"invalid query: {name}: unknown parameter\n")


def test_a_cursor_with_junk_in_it_is_refused(gunicorn, key, number):
    status, _, body = gunicorn.request("POST", PROVIDERS, {"provider": "twilio",
                                                           "credentials": TWILIO}, bearer(key))
    status, _, body = gunicorn.request("GET", f"{PROVIDERS}?limit=1", None, bearer(key))
    cursor = json.loads(body)["next_cursor"]
    assert gunicorn.request("GET", f"{PROVIDERS}?limit=1&cursor={cursor}", None,
                            bearer(key))[0] == 200
    spoiled = cursor[:4] + "!!!!" + cursor[4:]
    status, _, text = gunicorn.request("GET", f"{PROVIDERS}?limit=1&cursor={spoiled}", None,
                                       bearer(key))
    assert (status, text) == (400, "invalid query: cursor: not a cursor of this list\n")


def test_every_error_line_ends_in_a_newline(gunicorn, key):
    for method, path, headers in [("GET", NUMBERS, {}), ("GET", "/nowhere", {}),
                                  ("PUT", NUMBERS, bearer(key)),
                                  ("GET", f"{NUMBERS}/not-an-id", bearer(key))]:
        _, _, text = gunicorn.request(method, path, None, headers)
        assert text.endswith("\n") and "\n" not in text[:-1], (method, path, text)


def raw(port, head, body=b"", half_close=False):
    """(status, text) of one request sent as raw bytes."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        sock.sendall(head + body)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := sock.recv(65536):
            received += chunk
            if b"\r\n\r\n" in received:
                headers, _, rest = received.partition(b"\r\n\r\n")
                length = next((int(line.split(b":")[1]) for line in headers.split(b"\r\n")
                               if line.lower().startswith(b"content-length:")), None)
                if length is not None and len(rest) >= length:
                    break
    head_, _, text = received.partition(b"\r\n\r\n")
    return int(head_.split()[1]), text.decode()


def chunked_head(key=None, method="POST", path=PROVIDERS):
    lines = [f"{method} {path} HTTP/1.1", "Host: hub", "Content-Type: application/json",
             "Transfer-Encoding: chunked"]
    if key:
        lines.append(f"Authorization: Bearer {key}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


@pytest.mark.parametrize("framing, half_close", [
    (b"-1\r\n{}\r\n0\r\n\r\n", False),
    (b"-5\r\n{}\r\n0\r\n\r\n", False),
    (b"zz\r\n{}\r\n0\r\n\r\n", False),
    (b"3\r\n{}abcdef\r\n0\r\n\r\n", False),   # chunk data longer than its size
    (b"20\r\n{\"provider\"", True),            # cut short
], ids=["minus-1", "minus-5", "not-hex", "longer-than-its-size", "cut-short"])
@pytest.mark.parametrize("with_key", [True, False], ids=["key", "no-key"])
def test_a_malformed_chunked_body_is_400_with_one_log_line(gunicorn, key, framing, half_close,
                                                            with_key):
    before = len(gunicorn.log().splitlines())
    status, text = raw(gunicorn.port, chunked_head(key if with_key else None), framing,
                       half_close)
    assert (status, text) == (400, "invalid body: malformed chunked encoding\n")
    logged = gunicorn.log().splitlines()[before:]
    assert not any("Traceback" in line or "Error" in line for line in logged), logged
    assert len([line for line in logged if '"app.access"' in line]) == 1, logged
