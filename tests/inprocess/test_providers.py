"""/providers: create, list, get, rotate and delete carrier credentials."""

import pytest

from tests.support.api import CREDENTIALS, PROVIDERS, TWILIO, add_number, add_provider, error

CREDENTIAL_FIELDS = {"id", "provider", "label", "credential_keys", "sealing_key_id",
                     "verified_at", "created_at", "updated_at"}


def test_create_answers_201_with_the_object_and_its_location(client, alice, app):
    answer = client.post(
        PROVIDERS, json={"provider": "twilio", "label": "Production Twilio", "credentials": TWILIO},
        headers=alice,
    )
    assert answer.status_code == 201
    body = answer.json
    assert set(body) == CREDENTIAL_FIELDS
    assert body["provider"] == "twilio"
    assert body["label"] == "Production Twilio"
    assert body["credential_keys"] == ["account_sid", "auth_token"]
    assert body["sealing_key_id"] == app.extensions["sealer"].key_id
    assert body["verified_at"] is None  # the tests' app stores credentials unchecked
    assert body["created_at"] == body["updated_at"]
    assert body["created_at"].endswith("Z") and len(body["created_at"]) == 27
    assert answer.headers["Location"] == f"{PROVIDERS}/{body['id']}"


@pytest.mark.parametrize("provider", ["twilio", "plivo", "vobiz"])
def test_each_provider_is_accepted_with_its_required_fields(client, alice, provider):
    body = add_provider(client, alice, provider)
    assert body["provider"] == provider
    assert body["credential_keys"] == sorted(CREDENTIALS[provider])


@pytest.mark.parametrize("label", [None, "absent"])
def test_label_defaults_to_the_provider_display_name(client, alice, label):
    body = {"provider": "plivo", "credentials": CREDENTIALS["plivo"]}
    if label is None:
        body["label"] = None
    answer = client.post(PROVIDERS, json=body, headers=alice)
    assert answer.json["label"] == "Plivo"


def test_label_is_trimmed(client, alice):
    assert add_provider(client, alice, label="  Backup  ")["label"] == "Backup"


def test_extra_credential_fields_are_kept_and_listed_sorted(client, alice):
    answer = client.post(PROVIDERS, json={
        "provider": "vobiz", "credentials": {**CREDENTIALS["vobiz"], "region": "in-1"},
    }, headers=alice)
    assert answer.json["credential_keys"] == ["auth_id", "auth_token", "region"]


def test_answers_never_show_credential_values_or_ciphertext(client, alice):
    created = client.post(PROVIDERS, json={"provider": "twilio", "credentials": TWILIO},
                          headers=alice)
    shown = [created.text, client.get(PROVIDERS, headers=alice).text,
             client.get(created.headers["Location"], headers=alice).text]
    for text in shown:
        assert TWILIO["auth_token"] not in text
        assert TWILIO["account_sid"] not in text
        assert "sealed" not in text


INVALID_BODIES = [
    ({"credentials": TWILIO}, "invalid body: provider: required"),
    ({"provider": "Twilio", "credentials": TWILIO},
     "invalid body: provider: must be one of plivo, twilio, vobiz"),
    ({"provider": "sip", "credentials": TWILIO},
     "invalid body: provider: must be one of plivo, twilio, vobiz"),
    ({"provider": 1, "credentials": TWILIO}, "invalid body: provider: must be a string"),
    ({"provider": "twilio"}, "invalid body: credentials: required"),
    ({"provider": "twilio", "credentials": None}, "invalid body: credentials: must be an object"),
    ({"provider": "twilio", "credentials": "AC..."},
     "invalid body: credentials: must be an object"),
    ({"provider": "twilio", "credentials": {}}, "invalid body: credentials: must not be empty"),
    ({"provider": "twilio", "credentials": {"account_sid": TWILIO["account_sid"]}},
     "invalid body: credentials.auth_token: required"),
    ({"provider": "twilio", "credentials": {**TWILIO, "account_sid": "AC123"}},
     "invalid body: credentials.account_sid: must be AC followed by 32 hex digits"),
    ({"provider": "twilio", "credentials": {**TWILIO, "auth_token": ""}},
     "invalid body: credentials.auth_token: must be a non-empty string"),
    ({"provider": "twilio", "credentials": {**TWILIO, "auth_token": 12345}},
     "invalid body: credentials.auth_token: must be a non-empty string"),
    ({"provider": "twilio", "credentials": {**TWILIO, "auth_token": "x" * 1025}},
     "invalid body: credentials.auth_token: must be at most 1024 characters"),
    ({"provider": "twilio", "credentials": {**TWILIO, "bad-name": "x"}},
     "invalid body: credentials.bad-name: field names are 1 to 64 characters of a-z A-Z 0-9 _"),
    ({"provider": "twilio", "credentials": {**TWILIO, "n" * 65: "x"}},
     f"invalid body: credentials.{'n' * 65}: field names are 1 to 64 characters of a-z A-Z 0-9 _"),
    ({"provider": "twilio", "credentials": {**TWILIO, **{f"f{i}": "x" for i in range(19)}}},
     "invalid body: credentials: at most 20 fields"),
    ({"provider": "plivo", "credentials": {"auth_token": "t"}},
     "invalid body: credentials.auth_id: required"),
    ({"provider": "twilio", "credentials": TWILIO, "label": ""},
     "invalid body: label: must be 1 to 100 characters"),
    ({"provider": "twilio", "credentials": TWILIO, "label": "   "},
     "invalid body: label: must be 1 to 100 characters"),
    ({"provider": "twilio", "credentials": TWILIO, "label": "x" * 101},
     "invalid body: label: must be 1 to 100 characters"),
    ({"provider": "twilio", "credentials": TWILIO, "label": 7},
     "invalid body: label: must be a string"),
    ({"provider": "twilio", "credentials": TWILIO, "label": "a\tb"},
     "invalid body: label: must not contain control characters"),
    ({"provider": "twilio", "credentials": TWILIO, "lable": "typo"},
     "invalid body: lable: unknown field"),
    ({"provider": "twilio", "credentials": TWILIO, "credential_keys": ["x"]},
     "invalid body: credential_keys: unknown field"),
]


@pytest.mark.parametrize("body, message", INVALID_BODIES)
def test_invalid_create_bodies_answer_400_naming_the_field(client, alice, sql, body, message):
    answer = client.post(PROVIDERS, json=body, headers=alice)
    assert error(answer) == (400, message)
    assert sql.execute("SELECT count(*) AS n FROM providers").fetchone()["n"] == 0


def test_twenty_credential_fields_are_accepted(client, alice):
    credentials = {**TWILIO, **{f"f{i}": "x" for i in range(18)}}
    answer = client.post(PROVIDERS, json={"provider": "twilio", "credentials": credentials},
                         headers=alice)
    assert answer.status_code == 201


def test_a_value_of_1024_characters_is_accepted(client, alice):
    credentials = {**TWILIO, "auth_token": "x" * 1024}
    answer = client.post(PROVIDERS, json={"provider": "twilio", "credentials": credentials},
                         headers=alice)
    assert answer.status_code == 201


def test_server_set_fields_in_the_body_are_ignored(client, alice):
    answer = client.post(PROVIDERS, json={
        "provider": "twilio", "credentials": TWILIO, "id": "00000000-0000-0000-0000-000000000000",
        "account_id": "mallory", "created_at": "2000-01-01T00:00:00Z", "updated_at": "x",
    }, headers=alice)
    assert answer.status_code == 201
    assert answer.json["id"] != "00000000-0000-0000-0000-000000000000"
    assert not answer.json["created_at"].startswith("2000")


def test_get_answers_the_object(client, alice):
    created = add_provider(client, alice)
    answer = client.get(f"{PROVIDERS}/{created['id']}", headers=alice)
    assert answer.status_code == 200
    assert answer.json == created


@pytest.mark.parametrize("credential_id", [
    "6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11", "prov_01HZ2N7G3K8M0Q5R7T9V2X4Y6Z", "1",
])
def test_get_of_a_missing_or_malformed_id_answers_404(client, alice, credential_id):
    answer = client.get(f"{PROVIDERS}/{credential_id}", headers=alice)
    assert error(answer) == (404, "credential not found")


def test_get_accepts_an_upper_case_id(client, alice):
    created = add_provider(client, alice)
    answer = client.get(f"{PROVIDERS}/{created['id'].upper()}", headers=alice)
    assert answer.json["id"] == created["id"]


def test_list_answers_the_accounts_credentials_oldest_first(client, alice):
    first = add_provider(client, alice, "twilio")
    second = add_provider(client, alice, "plivo")
    answer = client.get(PROVIDERS, headers=alice)
    assert answer.status_code == 200
    assert answer.json == {"providers": [first, second], "next_cursor": None}


def test_list_of_an_account_without_credentials_is_empty(client, alice):
    assert client.get(PROVIDERS, headers=alice).json == {"providers": [], "next_cursor": None}


def test_patch_label_answers_204_and_moves_updated_at(client, alice):
    created = add_provider(client, alice)
    answer = client.patch(f"{PROVIDERS}/{created['id']}", json={"label": "Renamed"}, headers=alice)
    assert answer.status_code == 204
    assert answer.data == b""
    now = client.get(f"{PROVIDERS}/{created['id']}", headers=alice).json
    assert now["label"] == "Renamed"
    assert now["updated_at"] > created["updated_at"]
    assert now["created_at"] == created["created_at"]


def test_patch_label_null_restores_the_display_name(client, alice):
    created = add_provider(client, alice, label="Custom")
    client.patch(f"{PROVIDERS}/{created['id']}", json={"label": None}, headers=alice)
    assert client.get(f"{PROVIDERS}/{created['id']}", headers=alice).json["label"] == "Twilio"


def test_patch_credentials_rotates_them_in_place(client, alice, sql):
    created = add_provider(client, alice)
    number = add_number(client, alice, created["id"])
    rotated = {**TWILIO, "auth_token": "rotated-token", "region": "us1"}
    answer = client.patch(f"{PROVIDERS}/{created['id']}", json={"credentials": rotated},
                          headers=alice)
    assert answer.status_code == 204
    now = client.get(f"{PROVIDERS}/{created['id']}", headers=alice).json
    assert now["credential_keys"] == ["account_sid", "auth_token", "region"]
    assert now["updated_at"] > created["updated_at"]
    assert client.get(f"/api/v1/telephony/numbers/{number['id']}", headers=alice).json == number


def test_patch_may_repeat_the_same_provider(client, alice):
    created = add_provider(client, alice)
    answer = client.patch(f"{PROVIDERS}/{created['id']}",
                          json={"provider": "twilio", "label": "Same"}, headers=alice)
    assert answer.status_code == 204


@pytest.mark.parametrize("body, message", [
    ({}, "invalid body: nothing to update"),
    ({"provider": "twilio"}, "invalid body: nothing to update"),
    ({"provider": "plivo", "label": "x"},
     "invalid body: provider: cannot change (twilio credential)"),
    ({"provider": "vobiz"}, "invalid body: provider: cannot change (twilio credential)"),
    ({"credentials": {"auth_id": "a", "auth_token": "b"}},
     "invalid body: credentials.account_sid: required"),
    ({"label": ""}, "invalid body: label: must be 1 to 100 characters"),
    ({"label": "x", "e164": "+12025550123"}, "invalid body: e164: unknown field"),
])
def test_invalid_patch_bodies_answer_400_and_change_nothing(client, alice, body, message):
    created = add_provider(client, alice)
    answer = client.patch(f"{PROVIDERS}/{created['id']}", json=body, headers=alice)
    assert error(answer) == (400, message)
    assert client.get(f"{PROVIDERS}/{created['id']}", headers=alice).json == created


def test_patch_of_a_missing_credential_answers_404(client, alice):
    answer = client.patch(f"{PROVIDERS}/6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11",
                          json={"label": "x"}, headers=alice)
    assert error(answer) == (404, "credential not found")


def test_delete_answers_204_then_404(client, alice):
    created = add_provider(client, alice)
    assert client.delete(f"{PROVIDERS}/{created['id']}", headers=alice).status_code == 204
    assert error(client.get(f"{PROVIDERS}/{created['id']}", headers=alice)) == (
        404, "credential not found")
    assert error(client.delete(f"{PROVIDERS}/{created['id']}", headers=alice)) == (
        404, "credential not found")


def test_delete_of_a_credential_in_use_answers_409_with_the_count(client, alice):
    created = add_provider(client, alice)
    add_number(client, alice, created["id"], "+12025550123")
    add_number(client, alice, created["id"], "+12025550124")
    answer = client.delete(f"{PROVIDERS}/{created['id']}", headers=alice)
    assert error(answer) == (409, "credential in use by 2 phone numbers")
    assert client.get(f"{PROVIDERS}/{created['id']}", headers=alice).status_code == 200


def test_a_credential_in_use_by_one_number_says_so_in_the_singular(client, alice):
    created = add_provider(client, alice)
    add_number(client, alice, created["id"], "+12025550123")
    answer = client.delete(f"{PROVIDERS}/{created['id']}", headers=alice)
    assert error(answer) == (409, "credential in use by 1 phone number")
