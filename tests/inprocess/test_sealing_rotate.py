"""`sealing rotate` (contract section 8): every credential sealed to the old key sealed
again to the new one, the same plaintext, each with its provider.updated event by the
operator; through Flask's CLI runner. The real command line, interrupted and run again on
thousands of rows, is in tests/system/test_cli.py."""

import json

import pytest

from app import sealing
from app.queries import providers
from tests.support.api import CREDENTIALS, PROVIDERS, TWILIO, add_provider

EVENTS = "/api/v1/telephony/events"
SECRETS = [credentials["auth_token"] for credentials in CREDENTIALS.values()]


@pytest.fixture
def new_keys():
    """(public, private) of the key pair to rotate to."""
    return sealing.keygen()


@pytest.fixture
def rotating(make_app, new_keys):
    """The app once SEALING_PUBLIC_KEY is the new key: the one the command runs in."""
    return make_app(sealing_public_key=new_keys[0])


@pytest.fixture
def credentials(client, alice):
    """One credential of each carrier, sealed to the old key by the API."""
    return [add_provider(client, alice, provider) for provider in CREDENTIALS]


def rotate(app, private_key, *args):
    """`flask sealing rotate ARGS` with SEALING_PRIVATE_KEY set; the plaintext in no output."""
    done = app.test_cli_runner().invoke(args=["sealing", "rotate", *args],
                                        env={"SEALING_PRIVATE_KEY": private_key})
    assert not any(secret in done.output for secret in SECRETS)
    return done


def stored(sql):
    """Each credential's (id, key id, ciphertext), by id."""
    return {row["id"]: (row["sealing_key_id"], bytes(row["sealed_credentials"]))
            for row in sql.execute(
                "SELECT id::text AS id, sealing_key_id, sealed_credentials FROM providers")}


def rotation_events(sql):
    return sql.execute("SELECT object_id::text AS object_id, data FROM events"
                       " WHERE actor_kind = 'operator'").fetchall()


def key_id(public_key):
    return sealing.Sealer(public_key).key_id


def test_each_credential_opens_with_the_new_key_to_its_own_plaintext(
        credentials, rotating, sql, sealing_keys, new_keys):
    before = {id_: sealing.open_sealed(sealing_keys[1], sealed)
              for id_, (_, sealed) in stored(sql).items()}
    done = rotate(rotating, sealing_keys[1])
    assert done.exit_code == 0, done.output
    old, new = key_id(sealing_keys[0]), key_id(new_keys[0])
    assert done.stderr.startswith(f"rotated 3 from key {old} to key {new}, 0 already current, "
                                  "0 sealed to neither key (run sealing-rotate-")
    assert done.stdout == ""
    after = stored(sql)
    assert {key for key, _ in after.values()} == {new}
    assert {id_: sealing.open_sealed(new_keys[1], sealed) for id_, (_, sealed) in after.items()
            } == before
    assert [json.loads(before[c["id"]]) for c in credentials] == list(CREDENTIALS.values())


def test_each_rotation_is_a_provider_updated_event_by_the_operator(
        credentials, rotating, client, alice, sealing_keys, new_keys):
    done = rotate(rotating, sealing_keys[1])
    run_id = done.stderr.split("(run ")[1].split(")")[0]
    for credential in credentials:
        events = client.get(EVENTS, query_string={"object_id": credential["id"]},
                            headers=alice).json["events"]
        assert [event["type"] for event in events] == ["provider.updated", "provider.created"]
        rotated = events[0]
        assert rotated["actor"] == {"kind": "operator", "command": "sealing rotate"}
        assert rotated["request_id"] == run_id
        assert rotated["data"] == {
            "credentials": "rotated",
            "credential_keys": {"from": credential["credential_keys"],
                                "to": credential["credential_keys"]},
            "sealing_key_id": {"from": key_id(sealing_keys[0]), "to": key_id(new_keys[0])},
            "verified_at": {"from": None, "to": None},
        }
        now = client.get(f"{PROVIDERS}/{credential['id']}", headers=alice).json
        assert rotated["occurred_at"] == now["updated_at"] > credential["updated_at"]
        assert now["sealing_key_id"] == key_id(new_keys[0])


def test_the_carrier_is_not_asked_again_and_verified_at_stays(
        rotating, client, alice, sql, sealing_keys, fake):
    credential = add_provider(client, alice)
    sql.execute("UPDATE providers SET verified_at = '2026-11-28T17:02:03Z'")
    assert rotate(rotating, sealing_keys[1]).exit_code == 0
    assert fake.requests == []
    (event,) = rotation_events(sql)
    assert event["data"]["verified_at"] == {"from": "2026-11-28T17:02:03.000000Z",
                                            "to": "2026-11-28T17:02:03.000000Z"}
    now = client.get(f"{PROVIDERS}/{credential['id']}", headers=alice).json
    assert now["verified_at"] == "2026-11-28T17:02:03.000000Z"


def test_rows_on_the_new_key_or_on_neither_are_left_alone_and_counted(
        credentials, rotating, client, alice, sql, sealing_keys, new_keys, make_app):
    on_new = add_provider(rotating.test_client(), alice)
    elsewhere = add_provider(make_app(sealing_public_key=sealing.keygen()[0]).test_client(),
                             alice)
    before = stored(sql)
    done = rotate(rotating, sealing_keys[1])
    assert done.exit_code == 0, done.output
    assert ", 1 already current, 1 sealed to neither key" in done.stderr
    after = stored(sql)
    assert after[on_new["id"]] == before[on_new["id"]]
    assert after[elsewhere["id"]] == before[elsewhere["id"]]
    assert sorted(e["object_id"] for e in rotation_events(sql)) == sorted(
        c["id"] for c in credentials)


def test_run_again_it_changes_nothing_and_counts_them_current(credentials, rotating, sql,
                                                              sealing_keys):
    assert rotate(rotating, sealing_keys[1]).exit_code == 0
    once = stored(sql)
    again = rotate(rotating, sealing_keys[1])
    assert again.exit_code == 0, again.output
    assert again.stderr.startswith("rotated 0 ") and ", 3 already current, " in again.stderr
    assert stored(sql) == once
    assert len(rotation_events(sql)) == 3


def test_batches_cover_every_row_once(client, alice, rotating, sql, sealing_keys, new_keys):
    made = [add_provider(client, alice, label=f"Twilio {i}") for i in range(7)]
    done = rotate(rotating, sealing_keys[1], "--batch", "2")
    assert done.exit_code == 0 and done.stderr.startswith("rotated 7 "), done.output
    assert {key for key, _ in stored(sql).values()} == {key_id(new_keys[0])}
    assert sorted(e["object_id"] for e in rotation_events(sql)) == sorted(m["id"] for m in made)


def test_a_dry_run_counts_and_changes_nothing(credentials, rotating, client, alice, sql,
                                              sealing_keys, new_keys):
    add_provider(rotating.test_client(), alice)
    before, events_before = stored(sql), sql.execute("SELECT count(*) FROM events").fetchone()
    done = rotate(rotating, sealing_keys[1], "--dry-run")
    assert done.exit_code == 0, done.output
    old, new = key_id(sealing_keys[0]), key_id(new_keys[0])
    assert done.stderr == (f"dry run: 3 to rotate from key {old} to key {new}, 1 already "
                           "current, 0 sealed to neither key; nothing changed\n")
    assert stored(sql) == before
    assert sql.execute("SELECT count(*) FROM events").fetchone() == events_before


def test_a_row_that_does_not_open_is_counted_and_the_rest_rotated(
        credentials, rotating, sql, sealing_keys, new_keys):
    broken = credentials[1]["id"]
    foreign, _ = sealing.Sealer(sealing.keygen()[0]).seal(TWILIO)  # sealed to another key
    sql.execute("UPDATE providers SET sealed_credentials = %s WHERE id = %s", (foreign, broken))
    done = rotate(rotating, sealing_keys[1], "--batch", "1")
    assert done.exit_code == 1
    assert done.stderr.splitlines()[0].startswith("rotated 2 ")
    assert done.stderr.splitlines()[1] == (
        f"Error: 1 credentials sealed to key {key_id(sealing_keys[0])} do not open with "
        f"SEALING_PRIVATE_KEY and stay as they are (the first: {broken})")
    after = stored(sql)
    assert after[broken] == (key_id(sealing_keys[0]), foreign)
    assert [key for id_, (key, _) in after.items() if id_ != broken] == [key_id(new_keys[0])] * 2
    dry = rotate(rotating, sealing_keys[1], "--dry-run")
    assert dry.exit_code == 1 and dry.stderr.startswith("dry run: 0 to rotate ")


def test_a_patch_that_rotated_the_row_meanwhile_wins(credentials, rotating, alice, sql,
                                                     sealing_keys, new_keys, monkeypatch):
    """The row is opened, then a PATCH brings new credentials before it is sealed again:
    the PATCH's stay, and the row counts as already current."""
    target = credentials[0]["id"]
    patched = {**TWILIO, "auth_token": "patched-token"}
    opened = sealing.Opener.open

    def open_then_patch(opener, ciphertext):
        plaintext = opened(opener, ciphertext)
        if json.loads(plaintext) == TWILIO:
            answer = rotating.test_client().patch(f"{PROVIDERS}/{target}", headers=alice,
                                                  json={"credentials": patched})
            assert answer.status_code == 204
        return plaintext

    monkeypatch.setattr(sealing.Opener, "open", open_then_patch)
    done = rotate(rotating, sealing_keys[1])
    assert done.exit_code == 0, done.output
    assert done.stderr.startswith("rotated 2 ") and ", 1 already current, " in done.stderr
    key, sealed = stored(sql)[target]
    assert json.loads(sealing.open_sealed(new_keys[1], sealed)) == patched
    assert "patched-token" not in done.output
    assert len(rotation_events(sql)) == 2


def test_a_resealing_of_a_row_that_changed_since_it_was_read_changes_nothing(
        credentials, sql, sealing_keys, new_keys):
    row = providers.sealed(sql, credentials[0]["id"])
    origin = {"actor_key_id": None, "actor_kind": "operator", "actor_command": "sealing rotate",
              "request_id": "sealing-rotate-test"}
    stale = (b"not what the row holds", row["sealing_key_id"])
    new = sealing.Sealer(new_keys[0]).seal(TWILIO)
    assert not providers.reseal(sql, credentials[0]["id"], was=stale, sealed=new, origin=origin)
    assert providers.sealed(sql, credentials[0]["id"]) == row
    assert rotation_events(sql) == []


# --- refused before anything is read ------------------------------------------------------

def refused(done):
    """The one line a failing command prints: no traceback, nothing on stdout."""
    assert done.exit_code == 1 and isinstance(done.exception, SystemExit), done.output
    assert done.stdout == "" and len(done.stderr.splitlines()) == 1, done.output
    return done.stderr.removeprefix("Error: ").rstrip("\n")


def test_refused_without_a_usable_private_key(credentials, rotating, sql):
    before = stored(sql)
    assert refused(rotate(rotating, None)).startswith("SEALING_PRIVATE_KEY is not set")
    assert refused(rotate(rotating, "not base64!")) == "SEALING_PRIVATE_KEY is not valid base64"
    assert refused(rotate(rotating, "eHh4")) == "SEALING_PRIVATE_KEY must be 32 bytes, got 3"
    assert stored(sql) == before


@pytest.mark.parametrize("public_key", [None, "not base64!"])
def test_refused_without_a_usable_public_key(credentials, make_app, sql, sealing_keys,
                                             public_key):
    before = stored(sql)
    line = refused(rotate(make_app(sealing_public_key=public_key), sealing_keys[1]))
    assert line.startswith("SEALING_PUBLIC_KEY is not") and "new public key" in line
    assert stored(sql) == before


def test_refused_when_both_keys_are_the_same_pair(credentials, app, sql, sealing_keys):
    before = stored(sql)
    line = refused(rotate(app, sealing_keys[1]))
    assert line.startswith("SEALING_PRIVATE_KEY and SEALING_PUBLIC_KEY are the same key pair")
    assert stored(sql) == before


def test_no_database_is_one_line(make_app, new_keys, sealing_keys):
    unreachable = make_app(sealing_public_key=new_keys[0],
                           database_url="postgresql://127.0.0.1:1/nowhere")
    assert refused(rotate(unreachable, sealing_keys[1])).startswith(
        "cannot connect to the database DATABASE_URL names: ")
