"""Events (contract section 9): one per change, in the change's own statement, listed
per account, newest first."""

import json
from datetime import datetime, timedelta, timezone

import psycopg
import pytest

from app.queries import events as events_sql
from tests.support import THREADS, together
from tests.support.api import (
    CREDENTIALS,
    E164S,
    NUMBERS,
    PROVIDERS,
    TWILIO,
    add_number,
    add_provider,
    bearer,
    error,
)

EVENTS = "/api/v1/telephony/events"
NOT_A_TIME = "invalid query: since: must be an RFC 3339 time, e.g. 2026-11-28T17:02:03Z"


def request_id(headers, value):
    return {**headers, "X-Request-ID": value}


def listed(client, headers, **query):
    answer = client.get(EVENTS, query_string=query, headers=headers)
    assert answer.status_code == 200, answer.text
    return answer.json


def events_of(client, headers, object_id):
    """The object's events, oldest first."""
    return list(reversed(listed(client, headers, object_id=object_id, limit=200)["events"]))


def listed_keys(runner):
    """The lines of `api-keys list`: id, account (or `platform`), label, created, state."""
    done = runner.invoke(args=["api-keys", "list"])
    assert done.exit_code == 0, done.output
    return done.stdout.splitlines()


def key_id(runner, account_id):
    """The id `api-keys list` shows for the account's key."""
    lines = listed_keys(runner)
    return next(line.split("\t")[0] for line in lines if line.split("\t")[1] == account_id)


def count(sql):
    return sql.execute("SELECT count(*) AS n FROM events").fetchone()["n"]


# --- each write's event: content, actor, request id ----------------------------------------

def test_provider_created(client, alice, runner, app):
    answer = client.post(PROVIDERS, json={"provider": "twilio", "credentials": TWILIO,
                                          "label": "Prod"},
                         headers=request_id(alice, "req-provider-1"))
    made = answer.json
    (event,) = listed(client, alice)["events"]
    assert event == {
        "id": event["id"], "type": "provider.created", "object_id": made["id"],
        "actor": {"key_id": key_id(runner, "alice"), "kind": "account"},
        "request_id": "req-provider-1", "occurred_at": made["created_at"],
        "data": {"provider": "twilio", "label": "Prod",
                 "credential_keys": ["account_sid", "auth_token"],
                 "sealing_key_id": app.extensions["sealer"].key_id, "verified_at": None},
    }
    assert answer.headers["X-Request-ID"] == "req-provider-1"


def test_provider_label_change(client, alice):
    made = add_provider(client, alice)
    client.patch(f"{PROVIDERS}/{made['id']}", json={"label": "Renamed"}, headers=alice)
    created, updated = events_of(client, alice, made["id"])
    assert (created["type"], updated["type"]) == ("provider.created", "provider.updated")
    assert updated["data"] == {"label": {"from": "Twilio", "to": "Renamed"}}
    now = client.get(f"{PROVIDERS}/{made['id']}", headers=alice).json
    assert updated["occurred_at"] == now["updated_at"]


def test_provider_rotation_records_what_describes_the_credentials(client, alice, make_app,
                                                                  sealing_keys):
    made = add_provider(client, alice)
    from app.sealing import keygen

    rotated_app = make_app(sealing_public_key=keygen()[0])
    rotated_client = rotated_app.test_client()
    answer = rotated_client.patch(
        f"{PROVIDERS}/{made['id']}", headers=request_id(alice, "req-rotate"),
        json={"credentials": {**TWILIO, "auth_token": "new-token"}, "label": "Rotated"})
    assert answer.status_code == 204
    updated = events_of(client, alice, made["id"])[-1]
    assert updated["request_id"] == "req-rotate"
    assert updated["data"] == {
        "credentials": "rotated",
        "label": {"from": "Twilio", "to": "Rotated"},
        "credential_keys": {"from": ["account_sid", "auth_token"],
                            "to": ["account_sid", "auth_token"]},
        "sealing_key_id": {"from": made["sealing_key_id"],
                           "to": rotated_app.extensions["sealer"].key_id},
        "verified_at": {"from": None, "to": None},
    }
    assert "new-token" not in json.dumps(updated)


def test_provider_deleted(client, alice):
    made = add_provider(client, alice, "plivo", label="Old Plivo")
    assert client.delete(f"{PROVIDERS}/{made['id']}", headers=alice).status_code == 204
    deleted = events_of(client, alice, made["id"])[-1]
    assert deleted["type"] == "provider.deleted"
    assert deleted["data"] == {"provider": "plivo", "label": "Old Plivo"}
    assert deleted["occurred_at"] > made["updated_at"]


def test_number_created_updated_deleted(client, alice):
    credential = add_provider(client, alice)
    number = add_number(client, alice, credential["id"], agent_id="agent_1",
                        outbound_enabled=False)
    client.patch(f"{NUMBERS}/{number['id']}", json={"agent_id": "agent_2"}, headers=alice)
    client.patch(f"{NUMBERS}/{number['id']}", json={"agent_id": None, "inbound_enabled": False,
                                                    "outbound_enabled": False}, headers=alice)
    client.delete(f"{NUMBERS}/{number['id']}", headers=alice)
    created, pinned, unpinned, deleted = events_of(client, alice, number["id"])
    assert created["type"] == "number.created"
    assert created["data"] == {"e164": E164S[0], "provider": "twilio",
                               "credentials_id": credential["id"], "agent_id": "agent_1",
                               "inbound_enabled": True, "outbound_enabled": False,
                               "fallback_e164": None}
    assert created["occurred_at"] == number["created_at"]
    assert pinned["data"] == {"agent_id": {"from": "agent_1", "to": "agent_2"}}
    # Only what changed: outbound_enabled was false already.
    assert unpinned["data"] == {"agent_id": {"from": "agent_2", "to": None},
                                "inbound_enabled": {"from": True, "to": False}}
    assert (deleted["type"], deleted["data"]) == (
        "number.deleted", {"e164": E164S[0], "agent_id": None})
    assert created["occurred_at"] < pinned["occurred_at"] < unpinned["occurred_at"] < (
        deleted["occurred_at"])


def test_a_platform_keys_change_names_the_key_and_the_account(client, platform_key, runner):
    headers = bearer(platform_key, "acct_9")
    made = add_provider(client, headers)
    (event,) = listed(client, headers)["events"]
    platform_id = next(line.split("\t")[0] for line in listed_keys(runner)
                       if "\tplatform\t" in line)
    assert event["actor"] == {"key_id": platform_id, "kind": "platform", "account_id": "acct_9"}
    assert event["object_id"] == made["id"]


def test_a_request_without_its_own_id_records_the_one_it_was_answered_with(client, alice):
    answer = client.post(PROVIDERS, json={"provider": "vobiz",
                                          "credentials": CREDENTIALS["vobiz"]}, headers=alice)
    (event,) = listed(client, alice)["events"]
    assert event["request_id"] == answer.headers["X-Request-ID"]


def test_no_credential_value_or_ciphertext_is_ever_in_an_event(client, alice, sql):
    made = add_provider(client, alice)
    client.patch(f"{PROVIDERS}/{made['id']}", headers=alice,
                 json={"credentials": {**TWILIO, "auth_token": "rotated-secret"}})
    client.delete(f"{PROVIDERS}/{made['id']}", headers=alice)
    text = json.dumps(listed(client, alice))
    stored = sql.execute("SELECT string_agg(data::text, ' ') AS t FROM events").fetchone()["t"]
    for secret in (TWILIO["account_sid"], TWILIO["auth_token"], "rotated-secret"):
        assert secret not in text and secret not in stored


# --- no event without its change, no change without its event ------------------------------

def test_errors_write_no_event(client, alice, bob, sql):
    credential = add_provider(client, alice)
    number = add_number(client, alice, credential["id"])
    before = count(sql)
    client.post(NUMBERS, json={"e164": E164S[0], "credentials_id": credential["id"]},
                headers=alice)                                          # duplicate
    client.post(PROVIDERS, json={"provider": "twilio"}, headers=alice)   # invalid body
    client.patch(f"{NUMBERS}/{number['id']}", json={"agent_id": "x"}, headers=bob)  # 404
    client.delete(f"{PROVIDERS}/{credential['id']}", headers=alice)     # 409 in use
    client.patch(f"{PROVIDERS}/{credential['id']}", json={"label": ""}, headers=alice)
    assert count(sql) == before


def test_a_replay_writes_no_event(client, alice, sql):
    keyed = {**alice, "Idempotency-Key": "once"}
    body = {"provider": "twilio", "credentials": TWILIO}
    assert client.post(PROVIDERS, json=body, headers=keyed).status_code == 201
    replay = client.post(PROVIDERS, json=body, headers=keyed)
    assert replay.headers["Idempotent-Replayed"] == "true"
    assert count(sql) == 1


def test_a_patch_that_sets_what_is_set_changes_nothing_and_records_nothing(client, alice, sql):
    credential = add_provider(client, alice, label="Same")
    number = add_number(client, alice, credential["id"], agent_id="agent_1")
    before = count(sql)
    path = f"{NUMBERS}/{number['id']}"
    assert client.patch(path, json={"agent_id": "agent_1", "inbound_enabled": True},
                        headers=alice).status_code == 204
    assert client.patch(f"{PROVIDERS}/{credential['id']}", json={"label": " Same "},
                        headers=alice).status_code == 204
    assert count(sql) == before
    assert client.get(path, headers=alice).json["updated_at"] == number["updated_at"]


@pytest.fixture
def failing_event_insert(sql):
    """Every insert into events fails, as a full disk or a bug would make it."""
    sql.execute("""
        CREATE FUNCTION refuse_event() RETURNS trigger LANGUAGE plpgsql AS
            $$ BEGIN RAISE EXCEPTION 'event insert failed'; END $$;
        CREATE TRIGGER refuse_event BEFORE INSERT ON events
            FOR EACH ROW EXECUTE FUNCTION refuse_event();
    """)
    yield
    sql.execute("DROP TRIGGER refuse_event ON events; DROP FUNCTION refuse_event()")


def test_a_failed_event_insert_leaves_no_change(client, alice, sql, failing_event_insert):
    rows = "SELECT (SELECT count(*) FROM providers) AS p, (SELECT count(*) FROM numbers) AS n"
    answer = client.post(PROVIDERS, json={"provider": "twilio", "credentials": TWILIO},
                         headers=alice)
    assert error(answer) == (500, "database error")
    assert sql.execute(rows).fetchone() == {"p": 0, "n": 0}


STATE = """SELECT (SELECT json_agg(n ORDER BY id) FROM numbers n)::text AS numbers,
                  (SELECT json_agg(p ORDER BY id) FROM providers p)::text AS providers"""


@pytest.fixture
def a_number(client, alice):
    credential = add_provider(client, alice)
    return credential, add_number(client, alice, credential["id"])


@pytest.mark.parametrize("method, path, body", [
    ("post", NUMBERS, {"e164": E164S[1], "credentials_id": "{credential}"}),
    ("patch", f"{NUMBERS}/{{number}}", {"agent_id": "agent_9"}),
    ("delete", f"{NUMBERS}/{{number}}", None),
    ("patch", f"{PROVIDERS}/{{credential}}", {"label": "Changed"}),
    ("patch", f"{PROVIDERS}/{{credential}}", {"credentials": TWILIO}),
])
def test_a_failed_event_insert_undoes_each_kind_of_change(client, alice, sql, a_number, request,
                                                          method, path, body):
    credential, number = a_number
    ids = {"credential": credential["id"], "number": number["id"]}
    before = sql.execute(STATE).fetchone()
    request.getfixturevalue("failing_event_insert")
    if body and body.get("credentials_id"):
        body = {**body, "credentials_id": credential["id"]}
    answer = getattr(client, method)(path.format(**ids), json=body, headers=alice)
    assert error(answer) == (500, "database error")
    assert sql.execute(STATE).fetchone() == before
    assert count(sql) == 2  # the two creates before the failure


def test_concurrent_updates_of_one_number_chain_without_gaps(make_app, make_key):
    wide_app = make_app(pool_max_size=THREADS + 1)
    headers = bearer(make_key("alice"))
    clients = [wide_app.test_client() for _ in range(THREADS)]
    credential = add_provider(clients[0], headers)
    number = add_number(clients[0], headers, credential["id"])

    def pin(i):
        return clients[i].patch(f"{NUMBERS}/{number['id']}", json={"agent_id": f"agent_{i}"},
                                headers=headers).status_code

    assert together(THREADS, pin) == [204] * THREADS
    updates = events_of(clients[0], headers, number["id"])[1:]
    assert len(updates) == THREADS  # every pin changed the agent: each its own event
    previous = None
    for event in updates:
        assert event["data"]["agent_id"]["from"] == previous
        previous = event["data"]["agent_id"]["to"]
    final = clients[0].get(f"{NUMBERS}/{number['id']}", headers=headers).json
    assert final["agent_id"] == previous


# --- GET /events ---------------------------------------------------------------------------

def test_the_list_is_newest_first_and_pages_by_cursor(client, alice):
    credential = add_provider(client, alice)
    for e164 in E164S:
        add_number(client, alice, credential["id"], e164=e164)
    everything = listed(client, alice, limit=200)["events"]
    assert len(everything) == 1 + len(E164S)
    assert [e["type"] for e in everything][-1] == "provider.created"
    stamps = [(e["occurred_at"], e["id"]) for e in everything]
    assert stamps == sorted(stamps, reverse=True)
    seen, cursor = [], None
    while True:
        page = listed(client, alice, limit=2, **({"cursor": cursor} if cursor else {}))
        seen += page["events"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert seen == everything


def test_filters_by_object_type_and_time(client, alice, sql):
    credential = add_provider(client, alice)
    number = add_number(client, alice, credential["id"])
    client.patch(f"{NUMBERS}/{number['id']}", json={"agent_id": "agent_1"}, headers=alice)
    assert [e["type"] for e in listed(client, alice, object_id=number["id"])["events"]] == [
        "number.updated", "number.created"]
    assert [e["object_id"] for e in listed(client, alice, type="provider.created")["events"]] == [
        credential["id"]]
    assert listed(client, alice, object_id=number["id"], type="number.deleted")["events"] == []
    # since: at or after the time given, in any offset.
    sql.execute("UPDATE events SET occurred_at = occurred_at - interval '2 days'"
                " WHERE type = 'provider.created'")
    since = (datetime.now(timezone.utc) - timedelta(days=1)).isoformat()
    recent = listed(client, alice, since=since)["events"]
    assert {e["type"] for e in recent} == {"number.created", "number.updated"}
    exact = recent[-1]["occurred_at"]
    assert listed(client, alice, since=exact)["events"][-1]["occurred_at"] == exact
    in_paris = datetime.fromisoformat(exact.replace("Z", "+00:00")).astimezone(
        timezone(timedelta(hours=1))).isoformat()
    assert listed(client, alice, since=in_paris)["events"] == listed(client, alice, since=exact)[
        "events"]


def test_only_the_accounts_own_events_and_another_accounts_id_is_like_an_unknown_one(
        client, alice, bob):
    credential = add_provider(client, alice)
    theirs = client.get(EVENTS, query_string={"object_id": credential["id"]}, headers=bob)
    unknown = client.get(EVENTS, query_string={"object_id": "0b6f7d7e-1f0e-4f51-8d6c-2a9d1f5e3c44"},
                         headers=bob)
    assert theirs.status_code == unknown.status_code == 200
    assert theirs.data == unknown.data == b'{"events":[],"next_cursor":null}'
    assert listed(client, bob)["events"] == []


@pytest.mark.parametrize("query, message", [
    ("object_id=nope", "invalid query: object_id: not a valid UUID"),
    ("type=number.pinned", "invalid query: type: must be one of provider.created, "
                           "provider.updated, provider.deleted, number.created, "
                           "number.updated, number.deleted"),
    ("since=yesterday", NOT_A_TIME),
    ("since=2026-11-28", NOT_A_TIME),
    ("since=2026-02-30T00:00:00Z", NOT_A_TIME),
    ("since=2026-11-28T00:00:00%2B00:60", NOT_A_TIME),
    ("limit=0", "invalid query: limit: must be an integer from 1 to 200"),
    ("limit=201", "invalid query: limit: must be an integer from 1 to 200"),
    ("cursor=abc", "invalid query: cursor: not a cursor of this list"),
    ("actor=me", "invalid query: actor: unknown parameter"),
])
def test_bad_parameters_answer_400_naming_them(client, alice, query, message):
    assert error(client.get(f"{EVENTS}?{query}", headers=alice)) == (400, message)


def test_a_cursor_of_another_list_is_refused(client, alice):
    credential = add_provider(client, alice)
    add_provider(client, alice)
    cursor = client.get(PROVIDERS, query_string={"limit": 1}, headers=alice).json["next_cursor"]
    assert credential and cursor
    assert error(client.get(EVENTS, query_string={"cursor": cursor}, headers=alice)) == (
        400, "invalid query: cursor: not a cursor of this list")


def test_since_with_an_unencoded_plus_is_read_as_plus(client, alice):
    add_provider(client, alice)
    answer = client.get(f"{EVENTS}?since=2000-01-01T00:00:00+01:00", headers=alice)
    assert answer.status_code == 200 and len(answer.json["events"]) == 1


@pytest.mark.parametrize("offset", ["%2B20:00", "-23:59", "%2B16:00"])
def test_since_takes_any_offset_rfc_3339_allows(client, alice, offset):
    add_provider(client, alice)
    answer = client.get(f"{EVENTS}?since=2000-01-01T00:00:00{offset}", headers=alice)
    assert answer.status_code == 200 and len(answer.json["events"]) == 1
    later = client.get(f"{EVENTS}?since=2999-01-01T00:00:00{offset}", headers=alice)
    assert later.json["events"] == []


def test_the_list_needs_a_key(client):
    assert error(client.get(EVENTS)) == (401, "missing or invalid API key")


# --- an operator's change: a command, no key -----------------------------------------------

def test_events_hold_a_key_or_an_operators_command_never_both(sql):
    insert = """
        INSERT INTO events (account_id, type, object_id, occurred_at, actor_key_id,
                            actor_kind, actor_command, request_id, data)
             VALUES ('alice', 'provider.updated', gen_random_uuid(), now(), %s, %s, %s,
                     'r', '{}')
    """
    key = "00000000-0000-4000-8000-000000000000"
    sql.execute(insert, (key, "account", None))
    sql.execute(insert, (None, "operator", "sealing rotate"))
    for wrong in ((None, "account", None), (key, "operator", "sealing rotate"),
                  (None, "operator", None), (key, "platform", "sealing rotate"),
                  (None, "someone", "x")):
        with pytest.raises(psycopg.errors.CheckViolation):
            sql.execute(insert, wrong)
    assert sql.execute("SELECT convalidated FROM pg_constraint WHERE conname = 'events_actor'"
                       ).fetchone() == {"convalidated": True}


def test_an_operators_change_names_the_command_and_no_key(client, alice, sql):
    made = add_provider(client, alice)
    sql.execute("""
        INSERT INTO events (account_id, type, object_id, occurred_at, actor_kind,
                            actor_command, request_id, data)
             VALUES ('alice', 'provider.updated', %s, now(), 'operator', 'sealing rotate',
                     'sealing-rotate-0123456789abcdef', '{"credentials": "rotated"}')
    """, (made["id"],))
    rotated = listed(client, alice)["events"][0]
    assert rotated["actor"] == {"kind": "operator", "command": "sealing rotate"}
    assert rotated["request_id"] == "sealing-rotate-0123456789abcdef"


# --- retention -----------------------------------------------------------------------------

def test_purge_events_deletes_only_the_old_ones(client, alice, sql, runner):
    for provider in ("twilio", "plivo", "vobiz"):
        add_provider(client, alice, provider)
    sql.execute("UPDATE events SET occurred_at = now() - interval '91 days'"
                " WHERE data->>'provider' <> 'vobiz'")
    done = runner.invoke(args=["db", "purge-events"])
    assert done.exit_code == 0 and "purged 2 events older than 90 days" in done.stderr
    assert [e["data"]["provider"] for e in listed(client, alice)["events"]] == ["vobiz"]
    done = runner.invoke(args=["db", "purge-events", "--older-than-days", "0"])
    assert done.exit_code == 0 and "purged 1 events" in done.stderr


def test_purge_goes_in_batches(client, alice, sql):
    for provider in ("twilio", "plivo", "vobiz"):
        add_provider(client, alice, provider)
    sql.execute("UPDATE events SET occurred_at = now() - interval '1 year'")
    assert events_sql.purge(sql, 30, batch=2) == 3
    assert count(sql) == 0
