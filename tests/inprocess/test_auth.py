"""Keys and accounts: who may call, and which account a call acts for."""

import pytest

from tests.support.api import NUMBERS, PROVIDERS, add_provider, bearer, error

UNAUTHORIZED = (401, "missing or invalid API key")


def assert_unauthorized(answer):
    assert error(answer) == UNAUTHORIZED
    assert answer.headers["WWW-Authenticate"] == "Bearer"


@pytest.mark.parametrize("headers", [
    {},
    {"Authorization": ""},
    {"Authorization": "Bearer"},
    {"Authorization": "Bearer "},
    {"Authorization": "Basic dXNlcjpwYXNz"},
    {"Authorization": "Token kvn_abc"},
    {"Authorization": "Bearer kvn_" + "a" * 43},
    {"Authorization": "Bearer kvn_x y"},
    {"Authorization": "Bearer " + "k" * 5000},
], ids=["none", "empty", "scheme-only", "scheme-space", "basic", "token", "unknown", "two-words",
        "huge"])
def test_missing_malformed_or_unknown_keys_answer_401(client, headers):
    for path in (PROVIDERS, NUMBERS):
        assert_unauthorized(client.get(path, headers=headers))


def test_every_endpoint_needs_a_key(client):
    some_id = "6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11"
    for method, path in [
        ("get", PROVIDERS), ("post", PROVIDERS), ("get", f"{PROVIDERS}/{some_id}"),
        ("patch", f"{PROVIDERS}/{some_id}"), ("delete", f"{PROVIDERS}/{some_id}"),
        ("get", NUMBERS), ("post", NUMBERS), ("get", f"{NUMBERS}/{some_id}"),
        ("patch", f"{NUMBERS}/{some_id}"), ("delete", f"{NUMBERS}/{some_id}"),
    ]:
        assert_unauthorized(getattr(client, method)(path, json={}))


def test_the_scheme_is_case_insensitive(client, make_key):
    key = make_key("alice")
    assert client.get(PROVIDERS, headers={"Authorization": f"bearer {key}"}).status_code == 200


def test_a_key_in_the_query_string_is_not_accepted(client, make_key):
    key = make_key("alice")
    for param in ("api_key", "access_token", "key"):
        assert_unauthorized(client.get(f"{PROVIDERS}?{param}={key}"))


def test_a_revoked_key_answers_401_at_once(client, make_key, sql):
    key = make_key("alice")
    assert client.get(PROVIDERS, headers=bearer(key)).status_code == 200
    sql.execute("UPDATE api_keys SET revoked_at = now()")
    assert_unauthorized(client.get(PROVIDERS, headers=bearer(key)))


def test_keys_are_stored_only_as_hashes(make_key, sql):
    key = make_key("alice")
    row = sql.execute("SELECT * FROM api_keys").fetchone()
    assert key.encode() not in b"".join(
        v.encode() if isinstance(v, str) else bytes(v) for v in row.values()
        if isinstance(v, (str, bytes, memoryview)))


def test_an_account_key_acts_for_its_account(client, alice, bob):
    add_provider(client, alice)
    assert len(client.get(PROVIDERS, headers=alice).json["providers"]) == 1
    assert client.get(PROVIDERS, headers=bob).json["providers"] == []


def test_an_account_key_may_name_its_own_account(client, make_key):
    key = make_key("alice")
    assert client.get(PROVIDERS, headers=bearer(key, "alice")).status_code == 200


def test_an_account_key_naming_another_account_answers_403(client, make_key):
    key = make_key("alice")
    answer = client.get(PROVIDERS, headers=bearer(key, "bob"))
    assert error(answer) == (403, "X-Account-ID does not match the API key")


def test_a_platform_key_acts_for_the_account_it_names(client, platform_key, alice):
    created = add_provider(client, bearer(platform_key, "alice"))
    assert client.get(PROVIDERS, headers=alice).json["providers"] == [created]
    assert client.get(PROVIDERS, headers=bearer(platform_key, "bob")).json["providers"] == []


@pytest.mark.parametrize("method, path", [
    ("get", PROVIDERS), ("post", PROVIDERS), ("get", NUMBERS), ("post", NUMBERS),
    ("get", f"{NUMBERS}/0b6f7d7e-1f0e-4f51-8d6c-2a9d1f5e3c44"),
])
def test_a_platform_key_without_x_account_id_answers_400(client, platform_key, method, path):
    answer = getattr(client, method)(path, json={}, headers=bearer(platform_key))
    assert error(answer) == (400, "missing X-Account-ID header")


@pytest.mark.parametrize("account_id", ["", "a b", "a" * 65, "acct/1", "ä", "a.b"])
def test_a_malformed_x_account_id_answers_400(client, platform_key, make_key, account_id):
    for key in (platform_key, make_key("alice")):
        answer = client.get(PROVIDERS, headers=bearer(key, account_id))
        status, text = error(answer)
        assert status == 400
        assert text.startswith("invalid X-Account-ID header")


def test_the_longest_account_id_is_accepted(client, platform_key):
    answer = client.get(PROVIDERS, headers=bearer(platform_key, "A-z_9" * 12 + "abcd"))
    assert answer.status_code == 200


@pytest.mark.parametrize("path", [
    "/api/v1/telephony/agents", "/api/v1/telephony", "/v1/telephony/numbers",
                                  "/", f"{PROVIDERS}/", f"{PROVIDERS}/x/y",
                                  "/api/v1/telephony//providers", "/api//v1/telephony/numbers"])
def test_unknown_paths_answer_404_whatever_the_key(client, alice, path):
    assert error(client.get(path)) == (404, "not found")
    assert error(client.get(path, headers=alice)) == (404, "not found")


def test_a_wrong_method_answers_405(client, alice):
    answer = client.put(PROVIDERS, headers=alice)
    assert error(answer) == (405, "method not allowed")
    assert set(answer.headers["Allow"].split(", ")) >= {"GET", "POST"}
    assert client.delete(NUMBERS).status_code == 405
    assert error(client.options(PROVIDERS, headers=alice)) == (405, "method not allowed")


def test_a_known_key_revoked_answers_401_to_every_request(client, make_key, sql):
    key = make_key("alice")
    credential = add_provider(client, bearer(key))
    assert client.get(PROVIDERS, headers=bearer(key)).status_code == 200  # now known
    sql.execute("UPDATE api_keys SET revoked_at = now()")
    for method, path, headers in [
        ("get", PROVIDERS, bearer(key)),
        ("get", f"{PROVIDERS}/{credential['id']}", bearer(key)),
        ("get", f"{PROVIDERS}/not-a-uuid", bearer(key)),
        ("get", f"{NUMBERS}?limit=0", bearer(key)),
        ("get", NUMBERS, bearer(key, "bob")),
        ("head", PROVIDERS, bearer(key)),
        ("post", PROVIDERS, bearer(key)),
    ]:
        answer = getattr(client, method)(path, headers=headers, json={})
        assert answer.status_code == 401, (method, path, answer.text)


def test_a_known_keys_read_checks_the_key_in_its_own_query(client, make_key, monkeypatch):
    from app.queries import api_keys

    lookups = []
    real = api_keys.find_active
    monkeypatch.setattr(api_keys, "find_active",
                        lambda conn, digest: lookups.append(1) or real(conn, digest))
    key = make_key("alice")
    add_provider(client, bearer(key))
    assert len(lookups) == 1  # a write: the key is looked up first
    for _ in range(3):
        assert len(client.get(PROVIDERS, headers=bearer(key)).json["providers"]) == 1
    assert len(lookups) == 1  # reads that found rows: no lookup of their own
    assert client.get(NUMBERS, headers=bearer(key)).json["numbers"] == []
    assert len(lookups) == 2  # found nothing: the key is asked about separately


def test_a_known_key_revoked_registers_nothing(client, make_key, sql):
    key = make_key("alice")
    credential = add_provider(client, bearer(key))
    assert client.get(PROVIDERS, headers=bearer(key)).status_code == 200  # now known
    sql.execute("UPDATE api_keys SET revoked_at = now()")
    body = {"e164": "+12025550123", "credentials_id": credential["id"]}
    assert client.post(NUMBERS, json=body, headers=bearer(key)).status_code == 401
    assert client.post(NUMBERS, json=body, headers={**bearer(key), "Idempotency-Key": "k"}
                       ).status_code == 401
    counts = sql.execute("""SELECT (SELECT count(*) FROM numbers) AS n,
                                   (SELECT count(*) FROM idempotency_keys) AS k""").fetchone()
    assert counts == {"n": 0, "k": 0}


def test_registering_with_a_known_key_is_one_statement(client, make_key, monkeypatch):
    from app.queries import api_keys

    lookups = []
    real = api_keys.find_active
    monkeypatch.setattr(api_keys, "find_active",
                        lambda conn, digest: lookups.append(1) or real(conn, digest))
    key = make_key("alice")
    credential = add_provider(client, bearer(key))
    for e164 in ("+12025550123", "+12025550124"):
        answer = client.post(NUMBERS, json={"e164": e164, "credentials_id": credential["id"]},
                             headers=bearer(key))
        assert answer.status_code == 201
    assert len(lookups) == 1  # the provider's POST; the numbers' INSERTs checked the key
