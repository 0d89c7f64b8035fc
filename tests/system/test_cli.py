"""The operator's command line: API keys and sealing, through `flask --app wsgi`."""

import json
import re

from app import sealing
from tests.support.api import PROVIDERS, TWILIO, add_provider, bearer
from tests.support.cli import devtool, flask


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
