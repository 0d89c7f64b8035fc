"""Idempotency-Key on POST /numbers and POST /providers, as the contract's Retries section says."""

import json
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest

from tests.support.api import NUMBERS, PROVIDERS, TWILIO, add_provider, bearer, error

BODY = {"provider": "twilio", "label": "Main", "credentials": TWILIO}


def post(client, headers, key, body=BODY, path=PROVIDERS):
    return client.post(path, json=body, headers={**headers, "Idempotency-Key": key})


def count(sql, table):
    return sql.execute(f"SELECT count(*) AS n FROM {table}").fetchone()["n"]


def test_a_repeat_replays_the_first_answer_and_creates_nothing(client, alice, sql):
    first = post(client, alice, "key-1")
    again = post(client, alice, "key-1")
    assert first.status_code == again.status_code == 201
    assert again.data == first.data
    assert again.headers["Location"] == first.headers["Location"]
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(sql, "providers") == 1


def test_the_same_json_value_in_another_order_and_spacing_is_the_same_body(client, alice):
    first = post(client, alice, "key-1")
    reordered = json.dumps({"credentials": dict(reversed(TWILIO.items())), "label": "Main",
                            "provider": "twilio"}, indent=4)
    again = client.post(PROVIDERS, data=reordered, headers={
        **alice, "Idempotency-Key": "key-1", "Content-Type": "application/json"})
    assert again.headers["Idempotent-Replayed"] == "true"
    assert again.json == first.json


def test_the_same_key_with_another_body_answers_422(client, alice, sql):
    post(client, alice, "key-1")
    other = post(client, alice, "key-1", {**BODY, "label": "Other"})
    assert error(other) == (422, "Idempotency-Key reused with a different body")
    assert count(sql, "providers") == 1


def test_keys_are_scoped_to_the_endpoint(client, alice):
    credential = post(client, alice, "shared").json
    number = post(client, alice, "shared", {"e164": "+12025550123",
                                             "credentials_id": credential["id"]}, NUMBERS)
    assert number.status_code == 201 and "Idempotent-Replayed" not in number.headers


def test_keys_are_scoped_to_the_account(client, alice, bob, sql):
    mine = post(client, alice, "shared")
    theirs = post(client, bob, "shared")
    assert mine.status_code == theirs.status_code == 201
    assert "Idempotent-Replayed" not in theirs.headers
    assert mine.json["id"] != theirs.json["id"]
    assert count(sql, "providers") == 2


def test_a_platform_key_shares_the_accounts_scope(client, alice, platform_key):
    first = post(client, alice, "key-1")
    again = post(client, bearer(platform_key, "alice"), "key-1")
    assert again.headers["Idempotent-Replayed"] == "true" and again.json == first.json


def test_client_errors_are_kept_and_replayed(client, alice, sql):
    first = post(client, alice, "bad-1", {"provider": "sip", "credentials": TWILIO})
    again = post(client, alice, "bad-1", {"provider": "sip", "credentials": TWILIO})
    assert error(first)[0] == error(again)[0] == 400
    assert again.text == first.text and again.headers["Idempotent-Replayed"] == "true"


def test_a_duplicate_number_is_kept_without_spoiling_the_transaction(client, alice):
    credential = add_provider(client, alice)
    number = {"e164": "+12025550123", "credentials_id": credential["id"]}
    assert post(client, alice, "n-1", number, NUMBERS).status_code == 201
    duplicate = post(client, alice, "n-2", number, NUMBERS)
    replayed = post(client, alice, "n-2", number, NUMBERS)
    assert error(duplicate) == (400, "duplicate number: +12025550123 is already registered")
    assert replayed.text == duplicate.text and replayed.headers["Idempotent-Replayed"] == "true"


def test_server_errors_are_not_kept(make_app, client, alice, sql):
    unsealed = make_app(sealing_public_key=None).test_client()
    assert error(post(unsealed, alice, "retry-me"))[0] == 503
    assert count(sql, "idempotency_keys") == 0
    retried = post(client, alice, "retry-me")
    assert retried.status_code == 201 and "Idempotent-Replayed" not in retried.headers


@pytest.mark.parametrize("key", ["", "x" * 256, "has space", "é", "tab\tkey"])
def test_a_malformed_key_answers_400(client, alice, key, sql):
    answer = post(client, alice, key)
    assert error(answer) == (
        400, "invalid Idempotency-Key header: must be 1 to 255 visible ASCII characters")
    assert count(sql, "providers") == 0


def test_the_longest_key_is_accepted(client, alice):
    assert post(client, alice, "~" * 255).status_code == 201


def test_a_key_held_by_a_running_request_answers_409_and_is_freed_if_it_dies(
        client, alice, config):
    # A first request "still running": its claim is an uncommitted row, as in the service.
    holder = psycopg.connect(config.database_url)
    holder.execute("""
        INSERT INTO idempotency_keys (account_id, endpoint, key, request_hash)
        VALUES ('alice', 'POST /api/v1/telephony/providers', 'busy', %s)
    """, (b"\0" * 32,))
    try:
        assert error(post(client, alice, "busy")) == (
            409, "request with this Idempotency-Key is in progress")
    finally:
        holder.close()  # its process died: the transaction is rolled back
    assert post(client, alice, "busy").status_code == 201


def test_a_retry_waiting_on_the_first_gets_its_answer(client, alice, config, sql):
    # The first request commits while the retry waits on its row: the retry replays.
    holder = psycopg.connect(config.database_url)
    holder.execute("""
        INSERT INTO idempotency_keys (account_id, endpoint, key, request_hash, status,
                                      content_type, body, location)
        VALUES ('alice', 'POST /api/v1/telephony/providers', 'slow', %s, 201,
                'application/json', '{"id": "kept"}', '/api/v1/telephony/providers/kept')
    """, (hashed(BODY),))
    answers = []
    retry = threading.Thread(target=lambda: answers.append(post(client, alice, "slow")))
    retry.start()
    wait_for_lock_waiters(sql, 1)
    holder.commit()
    holder.close()
    retry.join()
    assert answers[0].status_code == 201 and answers[0].json == {"id": "kept"}
    assert answers[0].headers["Idempotent-Replayed"] == "true"
    assert count(sql, "providers") == 0


def hashed(body):
    import hashlib

    return hashlib.sha256(json.dumps(body, sort_keys=True, separators=(",", ":"),
                                     ensure_ascii=False).encode()).digest()


def wait_for_lock_waiters(sql, n):
    from tests.support import wait_until

    wait_until(lambda: sql.execute("""SELECT count(*) AS n FROM pg_stat_activity
                                       WHERE wait_event_type = 'Lock'""").fetchone()["n"] >= n,
               timeout=10, every=0.01)


def test_concurrent_retries_with_one_key_make_exactly_one_row(make_app, make_key, sql):
    app = make_app(pool_max_size=13)
    alice = bearer(make_key("alice"))
    start = threading.Barrier(12)

    def attempt(_):
        start.wait()
        return post(app.test_client(), alice, "storm")

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(attempt, range(12)))
    statuses = sorted(a.status_code for a in answers)
    assert set(statuses) <= {201, 409} and statuses.count(201) >= 1
    created = [a for a in answers if a.status_code == 201]
    assert sum("Idempotent-Replayed" not in a.headers for a in created) == 1
    assert len({a.json["id"] for a in created}) == 1
    assert count(sql, "providers") == 1
    assert count(sql, "idempotency_keys") == 1


def test_expired_answers_are_forgotten_and_purged(client, alice, sql, database_url):
    post(client, alice, "old")
    post(client, alice, "older")
    sql.execute("UPDATE idempotency_keys SET expires_at = now() - interval '1 second'")
    reused = post(client, alice, "old", {**BODY, "label": "New"})
    assert reused.status_code == 201 and "Idempotent-Replayed" not in reused.headers
    keys = [r["key"] for r in sql.execute("SELECT key FROM idempotency_keys")]
    assert keys == ["old"]  # "older" went with the account's next keyed request


def test_the_purge_command_removes_every_expired_answer(client, alice, bob, sql, runner):
    post(client, alice, "a")
    post(client, bob, "b")
    sql.execute("UPDATE idempotency_keys SET expires_at = now() - interval '1 second'"
                " WHERE key = 'a'")
    done = runner.invoke(args=["db", "purge-idempotency-keys"])
    assert done.exit_code == 0 and "purged 1 " in done.stderr
    assert [r["key"] for r in sql.execute("SELECT key FROM idempotency_keys")] == ["b"]


def test_without_the_header_nothing_is_kept(client, alice, sql):
    client.post(PROVIDERS, json=BODY, headers=alice)
    client.post(PROVIDERS, json=BODY, headers=alice)
    assert count(sql, "providers") == 2 and count(sql, "idempotency_keys") == 0


def test_a_credential_deleted_during_a_keyed_registration_answers_400(client, alice, sql):
    credential = add_provider(client, alice)
    # Stand-in for a delete racing the insert: the credential goes just before the
    # number's foreign key is checked, inside the Idempotency-Key's transaction.
    sql.execute("""
        CREATE FUNCTION test_delete_credential() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN DELETE FROM providers WHERE id = NEW.credentials_id; RETURN NEW; END $$;
        CREATE TRIGGER test_delete_credential BEFORE INSERT ON numbers
            FOR EACH ROW EXECUTE FUNCTION test_delete_credential();
    """)
    try:
        body = {"e164": "+12025550123", "credentials_id": credential["id"]}
        answer = post(client, alice, "racing", body, NUMBERS)
        assert error(answer) == (400, "invalid body: credentials_id: no such credential")
        assert post(client, alice, "racing", body, NUMBERS).headers["Idempotent-Replayed"] == "true"
    finally:
        sql.execute("DROP TRIGGER test_delete_credential ON numbers;"
                    " DROP FUNCTION test_delete_credential()")
