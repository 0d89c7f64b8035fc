"""Sealed credentials: only ciphertext reaches the database, and only the private key opens it."""

import base64
import json

import pytest

from app import sealing
from tests.support.api import NUMBERS, PROVIDERS, TWILIO, add_number, add_provider, bearer, error


def stored(sql):
    return sql.execute("SELECT * FROM providers").fetchone()


def test_the_ciphertext_opens_to_exactly_the_json_sent(client, alice, sql, sealing_keys):
    credentials = {**TWILIO, "note": "héllo ☎", "region": "us1"}
    answer = client.post(PROVIDERS, json={"provider": "twilio", "credentials": credentials},
                         headers=alice)
    assert answer.status_code == 201
    row = stored(sql)
    opened = sealing.open_sealed(sealing_keys[1], row["sealed_credentials"])
    assert json.loads(opened) == credentials
    assert row["sealing_key_id"] == answer.json["sealing_key_id"]


def test_no_credential_value_reaches_the_database(client, alice, sql):
    add_provider(client, alice)
    dump = json.dumps([{k: str(bytes(v)) if isinstance(v, memoryview) else str(v)
                        for k, v in row.items()}
                       for row in sql.execute("SELECT * FROM providers").fetchall()])
    for value in TWILIO.values():
        assert value not in dump
    assert TWILIO["auth_token"].encode() not in bytes(stored(sql)["sealed_credentials"])


def test_the_same_credentials_seal_differently_each_time(client, alice, sql):
    add_provider(client, alice)
    add_provider(client, alice)
    rows = sql.execute("SELECT sealed_credentials FROM providers").fetchall()
    assert bytes(rows[0]["sealed_credentials"]) != bytes(rows[1]["sealed_credentials"])


def test_the_key_id_is_the_public_keys_fingerprint(app, sealing_keys):
    raw = base64.b64decode(sealing_keys[0])
    assert app.extensions["sealer"].key_id == sealing.fingerprint(raw)
    assert len(app.extensions["sealer"].key_id) == 16


BROKEN_KEYS = {
    "unset": None,
    "not-base64": "not base64!",
    "short": base64.b64encode(b"x" * 31).decode(),
    "long": base64.b64encode(b"x" * 33).decode(),
    "low-order": base64.b64encode(bytes(32)).decode(),
}


@pytest.fixture(params=list(BROKEN_KEYS))
def unsealed(request, make_app, make_key):
    """A client of an app with no valid sealing key, and a key of account alice."""
    app = make_app(sealing_public_key=BROKEN_KEYS[request.param])
    return app.test_client(), bearer(make_key("alice"))


def test_without_a_valid_key_create_answers_503_and_stores_nothing(unsealed, sql):
    client, alice = unsealed
    answer = client.post(PROVIDERS, json={"provider": "twilio", "credentials": TWILIO},
                         headers=alice)
    assert error(answer) == (503, "encryption service unavailable")
    assert sql.execute("SELECT count(*) AS n FROM providers").fetchone()["n"] == 0


def test_without_a_valid_key_everything_else_works(unsealed, client, sql):
    unsealed_client, alice = unsealed
    credential = add_provider(client, alice)  # made while a key was configured
    url = f"{PROVIDERS}/{credential['id']}"
    assert unsealed_client.get(url, headers=alice).status_code == 200
    assert unsealed_client.patch(url, json={"label": "Renamed"}, headers=alice).status_code == 204
    number = add_number(unsealed_client, alice, credential["id"])
    assert unsealed_client.get(NUMBERS, headers=alice).json["numbers"] == [number]
    rotate = unsealed_client.patch(url, json={"credentials": {**TWILIO, "auth_token": "new"}},
                                   headers=alice)
    assert error(rotate) == (503, "encryption service unavailable")
    row = stored(sql)
    assert row["label"] == "Renamed"
    assert row["credential_keys"] == ["account_sid", "auth_token"]


def test_invalid_bodies_answer_400_before_sealing_is_tried(unsealed):
    client, alice = unsealed
    answer = client.post(PROVIDERS, json={"provider": "sip", "credentials": TWILIO}, headers=alice)
    assert error(answer)[0] == 400


def test_rotation_seals_to_the_key_configured_now(client, alice, make_app, sql):
    credential = add_provider(client, alice)
    new_public, new_private = sealing.keygen()
    rotated_app = make_app(sealing_public_key=new_public)
    new_credentials = {**TWILIO, "auth_token": "after-rotation"}
    answer = rotated_app.test_client().patch(
        f"{PROVIDERS}/{credential['id']}", json={"credentials": new_credentials}, headers=alice)
    assert answer.status_code == 204
    now = client.get(f"{PROVIDERS}/{credential['id']}", headers=alice).json
    assert now["sealing_key_id"] == rotated_app.extensions["sealer"].key_id
    assert now["sealing_key_id"] != credential["sealing_key_id"]
    opened = sealing.open_sealed(new_private, stored(sql)["sealed_credentials"])
    assert json.loads(opened) == new_credentials
