"""The service as production runs it: the Procfile's gunicorn, its logs, its graceful stop."""

import json
import socket
import subprocess
import threading

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from app.config import Config
from app.process import pool as db
from tests.support import ROOT, line, wait_until
from tests.support.api import NUMBERS, PROVIDERS, TWILIO, bearer
from tests.support.server import procfile

SECRET_TOKEN = "tok_SECRET_d1f0e5b2c9a84d7e"
SECRET_SID = "AC" + "feedface" * 4


@pytest.fixture(scope="module")
def gunicorn_env():
    return {"WEB_CONCURRENCY": "2"}


def test_the_procfile_serves_the_api(gunicorn, make_key):
    key = make_key("alice")
    status, headers, body = gunicorn.request(
        "POST", PROVIDERS, {"provider": "twilio", "credentials": TWILIO}, bearer(key))
    assert status == 201, body
    assert headers["Location"].startswith(f"{PROVIDERS}/")
    assert gunicorn.request("GET", "/readyz")[:3:2] == (200, "ok")


def test_the_start_up_log_names_the_address_it_listens_at_once(gunicorn):
    # Operators read this line to know where the service is; with reuse_port gunicorn's
    # own would read "Listening at:  (pid)", and is dropped (gunicorn.conf.py).
    lines = [line for line in gunicorn.log().splitlines() if "Listening at:" in line]
    pid = gunicorn.process.pid
    assert len(lines) == 1, lines
    assert lines[0].endswith(f"Listening at: http://0.0.0.0:{gunicorn.port} ({pid})"), lines


def test_a_bad_configuration_value_stops_gunicorn(start_gunicorn):
    # The command line says it on one line (test_cli.py); the server refuses to start.
    with pytest.raises(RuntimeError, match="gunicorn exited:(.|\n)*"
                       "CARRIER_VERIFICATION must be on or off, not 'maybe'"):
        start_gunicorn(CARRIER_VERIFICATION="maybe")


def test_logs_are_json_lines_and_never_hold_secrets(gunicorn, make_key):
    key = make_key("alice")
    made = []
    requests = [
        ("POST", PROVIDERS, {"provider": "twilio", "label": "L", "credentials": {
            "account_sid": SECRET_SID, "auth_token": SECRET_TOKEN}},
         bearer(key), 201),
        ("POST", PROVIDERS, {"provider": "sip", "credentials": {"auth_token": SECRET_TOKEN}},
         bearer(key), 400),
        ("POST", PROVIDERS, f'{{"provider": "twilio", "credentials": "{SECRET_TOKEN}"',
         {**bearer(key), "Content-Type": "application/json"}, 400),
        ("GET", f"{PROVIDERS}?api_key={key}", None, {}, 401),
        ("GET", PROVIDERS, None, bearer("kvn_" + SECRET_TOKEN), 401),
        ("GET", NUMBERS, None, {**bearer(key), "X-Request-ID": "trace-42"}, 200),
    ]
    for method, path, body, headers, expected in requests:
        status, answer_headers, text = gunicorn.request(method, path, body, headers)
        assert status == expected, text
        made.append(answer_headers["X-Request-ID"])
    gunicorn_log = gunicorn.log()
    for secret in (key, SECRET_TOKEN, SECRET_SID, "Bearer", "Authorization"):
        assert secret not in gunicorn_log
    lines = {line["request_id"]: line for line in gunicorn.log_lines() if line.get("path")}
    for request_id, (method, path, _, _, expected) in zip(made, requests, strict=True):
        line = lines[request_id]
        assert (line["method"], line["path"], line["status"]) == (
            method, path.split("?")[0], expected)
        assert set(line) >= {"time", "request_id", "method", "path", "status", "duration_ms",
                             "account_id"}
    assert lines["trace-42"]["account_id"] == "alice"


def test_the_platforms_reads_are_logged_without_their_ciphertext(gunicorn, make_key):
    alice, platform = make_key("alice"), make_key(platform=True)
    _, _, created = gunicorn.request("POST", PROVIDERS, {"provider": "twilio", "credentials": {
        "account_sid": SECRET_SID, "auth_token": SECRET_TOKEN}}, bearer(alice))
    credential = json.loads(created)
    status, _, _ = gunicorn.request("POST", NUMBERS, {
        "e164": "+12025550123", "credentials_id": credential["id"]}, bearer(alice))
    assert status == 201
    sealed, routed = [], []
    for _ in range(2):  # the key new to its worker, then maybe known: either path
        status, headers, text = gunicorn.request(
            "GET", f"{PROVIDERS}/{credential['id']}/sealed", None, bearer(platform, "alice"))
        assert status == 200, text
        sealed.append((headers["X-Request-ID"], json.loads(text)["sealed"]))
        status, headers, _ = gunicorn.request("GET", "/api/v1/telephony/routes/%2B12025550123",
                                              None, bearer(platform))
        assert status == 200
        routed.append(headers["X-Request-ID"])
    log = gunicorn.log()
    for secret in (platform, SECRET_TOKEN, SECRET_SID, *(ciphertext for _, ciphertext in sealed)):
        assert secret not in log
    lines = {line["request_id"]: line for line in gunicorn.log_lines() if line.get("path")}
    for request_id in [request_id for request_id, _ in sealed] + routed:
        assert (lines[request_id]["status"], lines[request_id]["account_id"]) == (200, "alice")


def test_sigterm_answers_every_accepted_request(start_gunicorn, database_url, make_key, sql):
    """Requests held mid-flight by a row lock; SIGTERM; the listener closes; the lock goes:
    every one of them must still be answered."""
    server = start_gunicorn(WEB_CONCURRENCY="2",
                            DATABASE_STATEMENT_TIMEOUT_MS="30000")
    key = make_key("alice")
    _, _, body = server.request("POST", PROVIDERS, {"provider": "twilio", "credentials": TWILIO},
                                bearer(key))
    credential_id = json.loads(body)["id"]
    _, _, body = server.request("POST", NUMBERS, {"e164": "+12025550123",
                                                  "credentials_id": credential_id}, bearer(key))
    number_id = json.loads(body)["id"]

    clients = 4
    answers = []
    with psycopg.connect(database_url, autocommit=True) as holder:
        with holder.transaction():
            holder.execute("SELECT 1 FROM numbers WHERE id = %s FOR UPDATE", (number_id,))

            def pin(i):
                answers.append(server.request("PATCH", f"{NUMBERS}/{number_id}",
                                              {"agent_id": f"agent_{i}"}, bearer(key), timeout=60))

            threads = [threading.Thread(target=pin, args=(i,)) for i in range(clients)]
            for thread in threads:
                thread.start()
            wait_until(lambda: waiting_on_locks(sql) == clients)
            server.terminate()
            wait_until(lambda: refuses_connections(server.port))
        # The transaction ends here: the held requests go on, after SIGTERM.
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _, _ in answers] == [204] * clients
    assert server.process.wait(timeout=30) == 0


def waiting_on_locks(sql):
    return sql.execute("""
        SELECT count(*) AS n FROM pg_stat_activity
         WHERE application_name = 'kataven-hub' AND wait_event_type = 'Lock'
    """).fetchone()["n"]


def refuses_connections(port):
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def test_the_procfile_release_migrates_a_fresh_database(sql, database_url):
    name = "fresh_release"
    sql.execute(f"DROP DATABASE IF EXISTS {name}")
    sql.execute(f"CREATE DATABASE {name}")
    url = make_conninfo(**{**conninfo_to_dict(database_url), "dbname": name})
    try:
        done = subprocess.run(procfile("release"), cwd=ROOT, env={"DATABASE_URL": url,
                              "PATH": "/usr/bin:/bin"}, capture_output=True, text=True, timeout=60)
        assert done.returncode == 0, done.stderr
        with db.connect(Config(database_url=url)) as conn:
            assert conn.execute("SELECT count(*) AS n FROM schema_migrations").fetchone()["n"] >= 1
    finally:
        sql.execute(f"DROP DATABASE {name} WITH (FORCE)")


@pytest.mark.parametrize("path, headers, status", [
    (f"{PROVIDERS}?agent_id=" + "a" * 5000, {}, 414),
    (PROVIDERS, {"Authorization": "Bearer " + "k" * 9000}, 431),
    (PROVIDERS, {f"X-Filler-{i}": "x" for i in range(120)}, 431),
])
def test_gunicorns_own_limits_answer_one_line_of_text(gunicorn, path, headers, status):
    got, answer_headers, body = gunicorn.request("GET", path, headers=headers)
    assert got == status
    assert answer_headers["Content-Type"] == "text/plain; charset=utf-8"
    assert "<" not in line(body)
    assert "k" * 100 not in body  # never an echo of the header's value
