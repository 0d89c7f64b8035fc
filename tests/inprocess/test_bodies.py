"""Request bodies: JSON objects sent as application/json, of at most 64 KiB."""

import io
import json
import time

import pytest

from tests.support.api import NUMBERS, PROVIDERS, TWILIO, add_provider, error

VALID = {"provider": "twilio", "credentials": TWILIO}


def post_raw(client, headers, data, content_type="application/json", path=PROVIDERS):
    return client.post(path, data=data, headers={**headers, "Content-Type": content_type})


@pytest.mark.parametrize("data, message", [
    ("", "invalid body: malformed JSON: expecting value at line 1 column 1"),
    ("{", "invalid body: malformed JSON: expecting property name enclosed in double quotes"
          " at line 1 column 2"),
    ("{'provider': 'twilio'}",
     "invalid body: malformed JSON: expecting property name enclosed in double quotes"
     " at line 1 column 2"),
    ('{"label": "a\nb"}',
     "invalid body: malformed JSON: invalid control character at line 1 column 13"),
    ('{"e164": ' + "1" * 101 + "}", "invalid body: a number has more than 100 digits"),
    ("[]", "invalid body: must be a JSON object"),
    ('"twilio"', "invalid body: must be a JSON object"),
    ("null", "invalid body: must be a JSON object"),
    ("42", "invalid body: must be a JSON object"),
    ('{"provider": NaN}', "invalid body: NaN is not JSON"),
    ('{"provider": "twilio", "provider": "plivo"}', "invalid body: provider: duplicate field"),
    ('{"credentials": {"auth_token": "a", "auth_token": "b"}}',
     "invalid body: credentials.auth_token: duplicate field"),
    ('{"label": "a\\u0000b"}', "invalid body: label: must not contain NUL characters"),
    ('{"credentials": {"auth_token": "a\\u0000"}}',
     "invalid body: credentials.auth_token: must not contain NUL characters"),
    ('{"a\\u0000": 1}', "invalid body: body: must not contain NUL characters"),
    ('{"label": "\\ud800"}', "invalid body: label: not valid Unicode"),
    ("[" * 30000 + "]" * 30000, "invalid body: nested too deeply"),
    ('{"a":' * 10000 + "1" + "}" * 10000, "invalid body: nested too deeply"),
])
def test_malformed_bodies_answer_400(client, alice, data, message):
    answer = post_raw(client, alice, data.encode())
    assert error(answer) == (400, message)


def test_invalid_utf8_answers_400(client, alice):
    assert error(post_raw(client, alice, b'{"label": "\xff"}')) == (
        400, "invalid body: not valid UTF-8")


def test_a_body_over_the_limit_answers_413_whatever_its_type(client, alice):
    answer = client.post(PROVIDERS, data="x" * (64 * 1024 + 1),
                         headers={**alice, "Content-Type": "text/plain"})
    assert error(answer)[0] == 413


@pytest.mark.parametrize("content_type", [None, "text/plain", "application/x-www-form-urlencoded",
                                          "application/json; charset=latin-1"])
def test_other_content_types_answer_400(client, alice, content_type):
    headers = dict(alice)
    if content_type:
        headers["Content-Type"] = content_type
    answer = client.post(PROVIDERS, data=json.dumps(VALID), headers=headers)
    status, text = error(answer)
    assert status == 400 and text.startswith("invalid body:")


def test_json_with_a_utf8_charset_is_accepted(client, alice):
    answer = post_raw(client, alice, json.dumps(VALID), "application/json; charset=UTF-8")
    assert answer.status_code == 201


def test_a_body_over_64_kib_answers_413(client, alice, sql):
    big = {**VALID, "label": "x" * (64 * 1024)}
    answer = post_raw(client, alice, json.dumps(big))
    assert error(answer)[0] == 413
    assert sql.execute("SELECT count(*) AS n FROM providers").fetchone()["n"] == 0


def test_a_body_of_64_kib_is_read(client, alice):
    body = json.dumps(VALID)
    padded = body[:-1] + " " * (64 * 1024 - len(body)) + "}"
    assert len(padded) == 64 * 1024
    assert post_raw(client, alice, padded).status_code == 201


def test_a_body_of_unknown_length_over_the_limit_answers_413(client, alice):
    # As gunicorn hands over a chunked body: no Content-Length, the stream ends itself.
    data = b'{"label": "' + b"x" * 100 * 1024 + b'"}'
    answer = client.post(PROVIDERS, input_stream=io.BytesIO(data), headers={
        **alice, "Content-Type": "application/json"},
        environ_overrides={"wsgi.input_terminated": True})
    assert error(answer)[0] == 413


def test_key_order_and_whitespace_do_not_matter(client, alice):
    data = ('{\n  "credentials" : {"auth_token": "t", "account_sid": "%s"},\n "provider":"twilio"}'
            % TWILIO["account_sid"])
    assert post_raw(client, alice, data).status_code == 201


def test_number_bodies_are_checked_the_same_way(client, alice):
    credential = add_provider(client, alice)
    data = json.dumps({"e164": "+12025550123", "credentials_id": credential["id"]})
    assert error(post_raw(client, alice, data, "text/plain", NUMBERS))[0] == 400
    assert error(client.patch(f"{NUMBERS}/{credential['id']}", data="[]", headers={
        **alice, "Content-Type": "application/json"}))[0] in (400, 404)


def test_a_field_named_like_marshmallows_own_key_is_named(client, alice):
    body = {**VALID, "_schema": 1}
    assert error(client.post(PROVIDERS, json=body, headers=alice)) == (
        400, "invalid body: _schema: unknown field")
    assert error(client.get(f"{NUMBERS}?_schema=1", headers=alice)) == (
        400, "invalid query: _schema: unknown parameter")


class SlowUpload(io.BytesIO):
    """A client that takes its time sending the body (the behaviour under test)."""

    def __init__(self, data, delay):
        super().__init__(data)
        self.delay = delay

    def _wait(self):
        if self.delay:
            time.sleep(self.delay)
            self.delay = 0

    def read(self, size=-1):
        self._wait()
        return super().read(size)

    def readinto(self, buffer):
        self._wait()
        return super().readinto(buffer)


def test_a_slow_upload_does_not_use_up_the_database_deadline(app, make_key, monkeypatch):
    from werkzeug.test import EnvironBuilder, run_wsgi_app

    from app.request import db

    monkeypatch.setattr(db, "REQUEST_DEADLINE", 0.3)
    data = json.dumps(VALID).encode()
    environ = EnvironBuilder(path=PROVIDERS, method="POST", headers={
        "Authorization": f"Bearer {make_key('alice')}", "Content-Type": "application/json",
        "Content-Length": str(len(data))}).get_environ()
    environ["wsgi.input"] = SlowUpload(data, delay=0.6)  # read by the app, as gunicorn's
    environ["CONTENT_LENGTH"] = str(len(data))
    body, status, _ = run_wsgi_app(app, environ, buffered=True)
    assert status.startswith("201"), b"".join(body)
