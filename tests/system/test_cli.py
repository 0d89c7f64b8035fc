"""The operator's command line: API keys and sealing, through `flask --app wsgi`."""

import json
import re
import signal
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import click

from app import sealing
from app.commands import GROUPS
from tests.support import wait_until
from tests.support.api import PROVIDERS, TWILIO, add_provider, bearer
from tests.support.cli import devtool, flask, start_flask


def test_api_keys_create_prints_the_key_alone_and_it_works(database_url, client):
    made = flask("api-keys", "create", "--account", "acme", "--label", "ci",
                 database_url=database_url)
    key = made.stdout.strip()
    assert made.stdout == key + "\n"
    assert re.fullmatch(r"kvn_[A-Za-z0-9_-]{43}", key)
    assert client.get(PROVIDERS, headers=bearer(key)).status_code == 200


def test_a_platform_key_acts_for_x_account_id(database_url, client):
    key = flask("api-keys", "create", "--platform", database_url=database_url).stdout.strip()
    assert client.get(PROVIDERS, headers=bearer(key, "acme")).status_code == 200
    assert client.get(PROVIDERS, headers=bearer(key)).status_code == 400


def test_create_needs_exactly_one_of_account_or_platform(database_url):
    for args in ([], ["--account", "a", "--platform"], ["--account", "bad id"],
                 ["--account", "a", "--label", "line\nfake-id\tplatform"]):
        done = flask("api-keys", "create", *args, database_url=database_url, check=False)
        assert done.returncode != 0
        assert done.stdout == ""


def test_list_shows_one_key_a_line_id_first_never_the_key(database_url):
    key = flask("api-keys", "create", "--account", "acme", "--label", "ci",
                database_url=database_url).stdout.strip()
    flask("api-keys", "create", "--platform", "--label", "gateway", database_url=database_url)
    listed = flask("api-keys", "list", database_url=database_url).stdout
    assert key not in listed
    lines = listed.splitlines()
    assert len(lines) == 2
    first, second = (line.split("\t") for line in lines)
    assert re.fullmatch(r"[0-9a-f-]{36}", first[0])
    assert first[1:3] == ["acme", "ci"] and first[4] == "active"
    assert second[1:3] == ["platform", "gateway"]


def test_revoke_takes_the_listed_id_and_the_key_stops_at_once(database_url, client):
    key = flask("api-keys", "create", "--account", "acme", database_url=database_url).stdout.strip()
    key_id = flask("api-keys", "list", database_url=database_url).stdout.split("\t")[0]
    flask("api-keys", "revoke", key_id, database_url=database_url)
    assert client.get(PROVIDERS, headers=bearer(key)).status_code == 401
    assert flask("api-keys", "list", database_url=database_url).stdout.rstrip().endswith("revoked")


def test_revoke_of_an_unknown_id_fails(database_url):
    for key_id in ("00000000-0000-4000-8000-000000000000", "nope"):
        assert flask("api-keys", "revoke", key_id, database_url=database_url,
                     check=False).returncode != 0


def test_sealing_keygen_prints_a_usable_pair(database_url):
    out = flask("sealing", "keygen", database_url=database_url).stdout.splitlines()
    assert [line.split("=", 1)[0] for line in out] == ["SEALING_PUBLIC_KEY", "SEALING_PRIVATE_KEY"]
    public, private = (line.split("=", 1)[1] for line in out)
    sealer = sealing.Sealer(public)
    ciphertext, _ = sealer.seal({"a": "b"})
    assert json.loads(sealing.open_sealed(private, ciphertext)) == {"a": "b"}


def test_sealing_open_prints_the_credentials_json(database_url, client, alice, sealing_keys):
    credential = add_provider(client, alice)
    done = flask("sealing", "open", credential["id"], database_url=database_url,
                 env={"SEALING_PRIVATE_KEY": sealing_keys[1]})
    assert json.loads(done.stdout) == TWILIO


def test_sealing_open_refuses_without_the_right_private_key(database_url, client, alice):
    credential = add_provider(client, alice)
    missing = flask("sealing", "open", credential["id"], database_url=database_url, check=False)
    assert missing.returncode != 0 and "SEALING_PRIVATE_KEY" in missing.stderr
    other = flask("sealing", "open", credential["id"], database_url=database_url, check=False,
                  env={"SEALING_PRIVATE_KEY": sealing.keygen()[1]})
    assert other.returncode != 0 and "sealed to key" in other.stderr
    assert TWILIO["auth_token"] not in other.stdout + other.stderr


# --- sealing rotate on thousands of credentials, interrupted and run again ------------------

ROTATED = 4000  # credentials sealed to the old key


def seed_sealed(sql, count, public_key, first=0):
    """`count` credentials, each with secrets of its own, sealed to the key and loaded
    with COPY; return each one's plaintext bytes, by id."""
    sealer = sealing.Sealer(public_key)
    plaintexts = {}
    with sql.cursor().copy("COPY providers (id, account_id, provider, label, credential_keys,"
                           " sealed_credentials, sealing_key_id) FROM STDIN") as copy:
        for i in range(first, first + count):
            credentials = {"account_sid": f"AC{i:032x}", "auth_token": f"rotation-secret-{i:06d}"}
            credential_id = str(uuid.uuid4())
            copy.write_row((credential_id, f"acct_{i % 50}", "twilio", f"Twilio {i}",
                            list(credentials), *sealer.seal(credentials)))
            plaintexts[credential_id] = sealing.serialise(credentials)
    return plaintexts


def sealed_rows(sql):
    """Each credential's (key id, ciphertext), by id."""
    return {row["id"]: (row["sealing_key_id"], bytes(row["sealed_credentials"]))
            for row in sql.execute(
                "SELECT id::text AS id, sealing_key_id, sealed_credentials FROM providers")}


def rotation_events(sql):
    """How many rotation events each credential has, by id."""
    return {row["id"]: row["n"] for row in sql.execute("""
        SELECT object_id::text AS id, count(*) AS n
          FROM events
         WHERE actor_kind = 'operator' AND actor_command = 'sealing rotate'
      GROUP BY object_id
    """)}


def test_sealing_rotate_interrupted_and_run_again_rotates_each_credential_once(
        database_url, sql):
    (old_public, old_private), (new_public, new_private) = sealing.keygen(), sealing.keygen()
    old, new = sealing.Sealer(old_public).key_id, sealing.Sealer(new_public).key_id
    plaintexts = seed_sealed(sql, ROTATED, old_public)
    current = seed_sealed(sql, 100, new_public, first=ROTATED)
    seed_sealed(sql, 10, sealing.keygen()[0], first=ROTATED + 100)  # sealed to neither key
    env = {"SEALING_PRIVATE_KEY": old_private, "SEALING_PUBLIC_KEY": new_public}
    seeded = sealed_rows(sql)
    outputs = []

    dry = flask("sealing", "rotate", "--dry-run", database_url=database_url, env=env)
    outputs.append(dry.stdout + dry.stderr)
    assert dry.stderr == (f"dry run: {ROTATED} to rotate from key {old} to key {new}, 100 "
                          "already current, 10 sealed to neither key; nothing changed\n")
    assert sealed_rows(sql) == seeded and rotation_events(sql) == {}

    started = time.monotonic()
    first = start_flask("sealing", "rotate", "--batch", "100", database_url=database_url,
                        env=env)
    on_new = lambda: sql.execute(  # noqa: E731
        "SELECT count(*) AS n FROM providers WHERE sealing_key_id = %s", (new,)).fetchone()["n"]
    wait_until(lambda: on_new() >= 100 + ROTATED // 2 or first.poll() is not None, timeout=60)
    first.send_signal(signal.SIGKILL)
    outputs.extend(first.communicate(timeout=10))
    killed_after = time.monotonic() - started
    assert first.returncode == -signal.SIGKILL, outputs[-1]
    halfway = sealed_rows(sql)
    done_first = {id_ for id_, (key, _) in halfway.items() if key == new} - set(current)
    assert ROTATED // 2 <= len(done_first) < ROTATED
    # Each row either rotated with its one event, or untouched with none: nothing between.
    assert rotation_events(sql) == dict.fromkeys(done_first, 1)
    assert all(halfway[id_] == seeded[id_] for id_ in plaintexts if id_ not in done_first)

    started = time.monotonic()
    again = flask("sealing", "rotate", "--batch", "100", database_url=database_url, env=env)
    second_took = time.monotonic() - started
    outputs.append(again.stdout + again.stderr)
    assert again.stderr.startswith(
        f"rotated {ROTATED - len(done_first)} from key {old} to key {new}, "
        f"{100 + len(done_first)} already current, 10 sealed to neither key (run ")
    after = sealed_rows(sql)
    assert rotation_events(sql) == dict.fromkeys(plaintexts, 1)
    assert all(after[id_] == halfway[id_] for id_ in done_first)  # not changed twice
    assert all(after[id_] == seeded[id_] for id_ in after if id_ not in plaintexts)
    opened = {id_: sealing.Opener(new_private).open(after[id_][1]) for id_ in plaintexts}
    assert opened == plaintexts

    check = flask("sealing", "rotate", "--dry-run", database_url=database_url, env=env)
    outputs.append(check.stdout + check.stderr)
    assert check.stderr.startswith(f"dry run: 0 to rotate from key {old} to key {new}, "
                                   f"{ROTATED + 100} already current, 10 sealed to neither key")
    assert not any("rotation-secret-" in output for output in outputs)
    print(f"sealing rotate: {len(done_first)} of {ROTATED} rotated before SIGKILL at "
          f"{killed_after:.1f} s; the other {ROTATED - len(done_first)} in {second_took:.1f} s")


def test_sealing_rotate_fails_in_one_line(database_url):
    """No traceback from the real command line: a missing key, the same pair, no database."""
    public, private = sealing.keygen()
    for env, expected in (
        ({"SEALING_PUBLIC_KEY": public}, "Error: SEALING_PRIVATE_KEY is not set"),
        ({"SEALING_PRIVATE_KEY": private}, "Error: SEALING_PUBLIC_KEY is not set"),
        ({"SEALING_PRIVATE_KEY": private, "SEALING_PUBLIC_KEY": public},
         "Error: SEALING_PRIVATE_KEY and SEALING_PUBLIC_KEY are the same key pair"),
    ):
        done = flask("sealing", "rotate", database_url=database_url, env=env, check=False)
        assert done.returncode == 1 and done.stdout == ""
        assert done.stderr.startswith(expected) and done.stderr.count("\n") == 1, done.stderr
    down = flask("sealing", "rotate", database_url="postgresql://127.0.0.1:1/nowhere",
                 env={"SEALING_PRIVATE_KEY": private, "SEALING_PUBLIC_KEY": sealing.keygen()[0]},
                 check=False)
    assert down.returncode == 1 and down.stderr.startswith(
        "Error: cannot connect to the database DATABASE_URL names: ")
    assert "Traceback" not in down.stderr and down.stderr.count("\n") == 1, down.stderr


def test_the_seeder_loads_accounts_credentials_and_numbers(database_url, sql, client, make_key):
    indexes = lambda: sorted(r["indexname"] for r in sql.execute(  # noqa: E731
        "SELECT indexname FROM pg_indexes WHERE tablename = 'numbers'"))
    before = indexes()
    done = devtool("seed", "--accounts", "3", "--numbers", "50", database_url=database_url)
    assert "seeded 3 accounts, 50 numbers and 0 events" in done.stderr
    devtool("seed", "--accounts", "3", "--numbers", "10", database_url=database_url)
    counts = sql.execute("""
        SELECT (SELECT count(*) FROM providers) AS providers,
               (SELECT count(*) FROM numbers) AS numbers,
               (SELECT count(DISTINCT account_id) FROM numbers) AS accounts
    """).fetchone()
    assert counts == {"providers": 6, "numbers": 60, "accounts": 3}
    assert indexes() == before
    # The seeded rows are ordinary rows: listed, paginated and guarded like any other.
    key = make_key("bench_000001")
    listed = client.get("/api/v1/telephony/numbers?limit=200", headers=bearer(key)).json
    assert len(listed["numbers"]) == 20
    credential = listed["numbers"][0]["credentials_id"]
    assert client.delete(f"{PROVIDERS}/{credential}", headers=bearer(key)).status_code == 409


def test_the_seeder_loads_events_listed_newest_first(database_url, sql, client, make_key):
    indexes = lambda: sorted(r["indexname"] for r in sql.execute(  # noqa: E731
        "SELECT indexname FROM pg_indexes WHERE tablename = 'events'"))
    before = indexes()
    done = devtool("seed", "--accounts", "2", "--numbers", "0", "--events", "30",
                   database_url=database_url)
    assert "seeded 2 accounts, 0 numbers and 30 events" in done.stderr
    devtool("seed", "--accounts", "2", "--numbers", "0", "--events", "10",
            database_url=database_url)
    assert sql.execute("SELECT count(*) AS n FROM events").fetchone() == {"n": 40}
    assert indexes() == before
    listed = client.get("/api/v1/telephony/events?limit=200",
                        headers=bearer(make_key("bench_000001"))).json["events"]
    assert len(listed) == 20
    stamps = [event["occurred_at"] for event in listed]
    assert stamps == sorted(stamps, reverse=True)
    assert listed[0]["data"]["agent_id"]["to"].startswith("agent_")


def test_the_fake_carriers_serve_until_sigterm():
    import signal
    import socket

    from tests.support import wait_until
    from tests.support.cli import start_devtool
    from tests.support.server import free_port

    port = free_port()
    fake = start_devtool("fake_carrier", "--port", str(port))

    def listening():
        with socket.socket() as probe:
            return probe.connect_ex(("127.0.0.1", port)) == 0

    try:
        wait_until(listening)
        out = "".join(fake.stdout.readline() for _ in range(4))
        for name in ("TWILIO", "PLIVO", "VOBIZ"):
            assert f"export {name}_API_URL=http://127.0.0.1:{port}" in out
        fake.send_signal(signal.SIGTERM)  # what a script's background job gets
        assert fake.wait(timeout=10) == 0
    finally:
        fake.kill()


def test_production_commands_offer_no_development_tool(database_url):
    listed = flask("--help", database_url=database_url).stdout
    assert {"db", "api-keys", "sealing"} <= set(re.findall(r"^  (\S+)", listed, re.M))
    assert "bench" not in listed and "carriers" not in listed and "seed" not in listed


# A command that fails says what is wrong on one line of standard error, and exits
# non-zero: never a traceback.

def failed_on_one_line(done, *words):
    assert done.returncode != 0, done.stdout
    assert "Traceback" not in done.stderr, done.stderr
    assert len(done.stderr.splitlines()) == 1, done.stderr
    assert done.stderr.startswith("Error: "), done.stderr
    for word in words:
        assert word in done.stderr
    assert done.stdout == ""


def every_command(group=None, path=()):
    """The command line of each of the operator's commands: ["db", "upgrade"], ..."""
    for command in (GROUPS if group is None else group.commands.values()):
        if isinstance(command, click.Group):
            yield from every_command(command, (*path, command.name))
        else:
            yield [*path, command.name]


def test_without_database_url_a_command_says_so(tmp_path):
    # PGHOST: libpq's defaults reach no server here, whatever this machine runs.
    done = flask("api-keys", "list", database_url="", env={"PGHOST": str(tmp_path)},
                 check=False)
    failed_on_one_line(done, "DATABASE_URL is not set", "No such file or directory")


def test_an_unreachable_database_is_one_line():
    for command in (["api-keys", "list"], ["db", "upgrade"]):
        done = flask(*command, database_url="postgresql://127.0.0.1:1/hub", check=False)
        failed_on_one_line(done, "cannot connect to the database DATABASE_URL names",
                           "Connection refused")


def test_a_database_without_the_schema_says_what_to_run(fresh_database):
    done = flask("api-keys", "list", database_url=fresh_database, check=False)
    failed_on_one_line(done, 'relation "api_keys" does not exist', "db upgrade")


def test_a_bad_configuration_value_stops_every_command_on_one_line(database_url):
    # Flask loads the app before it looks the command up: each one stops there, Flask's too.
    commands = [*every_command(), ["--help"], ["routes"]]
    assert ["db", "upgrade"] in commands and ["api-keys", "list"] in commands
    runs = [(command, {"CARRIER_VERIFICATION": "maybe"}) for command in commands]
    runs.append((["api-keys", "list"], {"DATABASE_POOL_SIZE": "four"}))

    def run(command, env):
        return flask(*command, database_url=database_url, env=env, check=False)

    with ThreadPoolExecutor(4) as pool:
        done = list(pool.map(lambda each: run(*each), runs))
    for (command, env), result in zip(runs, done, strict=True):
        [(name, value)] = env.items()
        assert result.returncode != 0, command
        failed_on_one_line(result, f"Error: {name} must be", repr(value))


def test_a_missing_variable_is_named(database_url):
    done = flask("sealing", "open", "00000000-0000-4000-8000-000000000000",
                 database_url=database_url, check=False)
    failed_on_one_line(done, "SEALING_PRIVATE_KEY is not set")


def test_a_bad_argument_is_clicks_usage_error_without_a_traceback(database_url):
    done = flask("api-keys", "revoke", "nope", database_url=database_url, check=False)
    assert done.returncode == 2
    assert "Traceback" not in done.stderr
    assert done.stderr.splitlines()[-1] == "Error: Invalid value for 'KEY_ID': must be a UUID"
    unknown = flask("api-keys", "revoke", "00000000-0000-4000-8000-000000000000",
                    database_url=database_url, check=False)
    failed_on_one_line(unknown, "no API key 00000000-0000-4000-8000-000000000000")
