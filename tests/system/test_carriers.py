"""The carrier's check of credentials (contract 4.1), through real gunicorn against a
fake of the carriers' APIs: every row of the contract's table, and what is stored.
What needs no server (Twilio's two forms, the switch) is in tests/inprocess/."""

import base64
import json
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.support import line, wait_until
from tests.support.api import PROVIDERS, bearer
from tests.support.server import free_port

SID = "AC" + "0123456789abcdef" * 2
KEY_SID = "SK" + "fedcba9876543210" * 2
TWILIO = {"account_sid": SID, "auth_token": "twilio-token-OK"}
TWILIO_KEY = {"account_sid": SID, "api_key_sid": KEY_SID, "api_key_secret": "key-secret-OK"}
PLIVO = {"auth_id": "MAPLIVOAUTHID0001", "auth_token": "plivo-token-OK"}
VOBIZ = {"auth_id": "vobiz-auth-id", "auth_token": "vobiz-token-OK"}
GOOD = {"twilio": TWILIO, "plivo": PLIVO, "vobiz": VOBIZ}


# Every test starts with the fake as conftest.py's `fake` leaves it: answering, its
# record empty, nothing left hanging from the test before.
pytestmark = pytest.mark.usefixtures("fake")


# The module's gunicorn, and those a test starts with start_gunicorn(**CHECKING, ...),
# check credentials with the carrier before they are stored.
CHECKING = {"CARRIER_VERIFICATION": "on"}


@pytest.fixture(scope="module")
def gunicorn_env(fake_carriers):
    return {**CHECKING, **fake_carriers.environ()}


def create(gunicorn, key, provider, credentials, headers=None):
    body = {"provider": provider, "credentials": credentials}
    return gunicorn.request("POST", PROVIDERS, body, {**bearer(key), **(headers or {})},
                            timeout=30)


def stored(sql):
    return sql.execute("SELECT count(*) AS n FROM providers").fetchone()["n"]


def basic(user, password):
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


# --- 2xx: sealed and stored, verified_at now -----------------------------------------------

@pytest.mark.parametrize("provider, path, auth", [
    ("twilio", f"/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json?PageSize=1",
     ("Authorization", basic(SID, TWILIO["auth_token"]))),
    ("plivo", f"/v1/Account/{PLIVO['auth_id']}/",
     ("Authorization", basic(PLIVO["auth_id"], PLIVO["auth_token"]))),
    ("vobiz", "/api/v1/auth/me", ("X-Auth-Token", VOBIZ["auth_token"])),
])
def test_accepted_credentials_are_stored_with_verified_at(gunicorn, fake, make_key, sql,
                                                          provider, path, auth):
    status, headers, text = create(gunicorn, make_key("alice"), provider, GOOD[provider])
    assert status == 201, text
    body = json.loads(text)
    assert body["verified_at"].endswith("Z") and len(body["verified_at"]) == 27
    verified_at = datetime.fromisoformat(body["verified_at"].replace("Z", "+00:00"))
    assert abs(verified_at - datetime.now(timezone.utc)) < timedelta(seconds=10)
    # Exactly one read-only request, as the contract's table says, and nothing more.
    assert [(m, p) for m, p, _ in fake.requests] == [("GET", path)]
    sent = fake.requests[0][2]
    assert sent[auth[0]] == auth[1]
    if provider == "vobiz":
        assert sent["X-Auth-ID"] == VOBIZ["auth_id"]
    assert "X-Account-ID" not in sent and "alice" not in json.dumps(sent)
    row = sql.execute("SELECT verified_at IS NOT NULL AS checked FROM providers").fetchone()
    assert row == {"checked": True}


def test_twilio_api_keys_are_checked_with_the_key_pair(gunicorn, fake, make_key):
    status, _, text = create(gunicorn, make_key("alice"), "twilio", TWILIO_KEY)
    assert status == 201, text
    assert json.loads(text)["credential_keys"] == ["account_sid", "api_key_secret", "api_key_sid"]
    (_, path, sent), = fake.requests
    assert path == f"/2010-04-01/Accounts/{SID}/IncomingPhoneNumbers.json?PageSize=1"
    assert sent["Authorization"] == basic(KEY_SID, TWILIO_KEY["api_key_secret"])


# --- 401/403/404: 400, nothing stored ------------------------------------------------------

@pytest.mark.parametrize("provider", ["twilio", "plivo", "vobiz"])
def test_credentials_the_carrier_refuses_answer_400_and_store_nothing(gunicorn, make_key, sql,
                                                                      provider):
    credentials = {**GOOD[provider], "auth_token": "wrong-token"}
    status, _, text = create(gunicorn, make_key("alice"), provider, credentials)
    assert (status, line(text)) == (400, f"invalid body: credentials: rejected by {provider} (401)")
    assert stored(sql) == 0


@pytest.mark.parametrize("fault", [403, 404])
def test_forbidden_or_not_found_at_the_carrier_is_a_rejection(gunicorn, make_key, sql, fault):
    credentials = {**PLIVO, "auth_token": f"fake:{fault}"}
    status, _, text = create(gunicorn, make_key("alice"), "plivo", credentials)
    assert (status, line(text)) == (400, f"invalid body: credentials: rejected by plivo ({fault})")
    assert stored(sql) == 0


# --- anything else: 502, nothing stored ----------------------------------------------------

@pytest.mark.parametrize("secret, reason", [
    ("fake:500", "unexpected status 500"),
    ("fake:503", "unexpected status 503"),
    ("fake:429", "rate limited (429)"),
    ("fake:302", "redirected (302)"),
    ("fake:400", "unexpected status 400"),
])
def test_other_carrier_answers_are_502_and_store_nothing(gunicorn, fake, make_key, sql,
                                                         secret, reason):
    credentials = {**VOBIZ, "auth_token": secret}
    status, _, text = create(gunicorn, make_key("alice"), "vobiz", credentials)
    assert (status, line(text)) == (
        502, f"could not verify credentials with vobiz: {reason}; try again")
    assert stored(sql) == 0
    assert len(fake.requests) == 1  # no retry, and a redirect is not followed


def test_a_carrier_that_never_answers_is_502_within_the_limit(gunicorn, make_key, sql):
    started = time.monotonic()
    status, _, text = create(gunicorn, make_key("alice"), "twilio",
                             {**TWILIO, "auth_token": "fake:hang"})
    elapsed = time.monotonic() - started
    assert (status, line(text)) == (
        502, "could not verify credentials with twilio: no answer within 5 seconds; try again")
    assert 4.5 < elapsed < 8  # the contract's 5 seconds, with slack for a busy machine
    assert stored(sql) == 0


def test_a_carrier_that_cannot_be_reached_is_502(start_gunicorn, make_key, sql):
    server = start_gunicorn(**CHECKING, PLIVO_API_URL=f"http://127.0.0.1:{free_port()}")
    status, _, text = create(server, make_key("alice"), "plivo", PLIVO)
    assert (status, line(text)) == (
        502, "could not verify credentials with plivo: could not connect; try again")
    assert stored(sql) == 0


def test_a_502_is_not_kept_so_a_retry_with_the_same_key_succeeds(gunicorn, fake, make_key, sql):
    key = make_key("alice")
    retry = {"Idempotency-Key": "add-plivo-1"}
    fake.outage = 503
    assert create(gunicorn, key, "plivo", PLIVO, retry)[0] == 502
    assert stored(sql) == 0
    fake.outage = None
    status, headers, text = create(gunicorn, key, "plivo", PLIVO, retry)
    assert status == 201, text
    assert "Idempotent-Replayed" not in headers
    # The kept answer replays without asking the carrier again.
    asked = len(fake.requests)
    status, headers, again = create(gunicorn, key, "plivo", PLIVO, retry)
    assert (status, headers.get("Idempotent-Replayed"), again) == (201, "true", text)
    assert len(fake.requests) == asked
    assert stored(sql) == 1


def test_a_rejection_is_kept_like_any_400(gunicorn, fake, make_key):
    key = make_key("alice")
    retry = {"Idempotency-Key": "add-vobiz-wrong"}
    credentials = {**VOBIZ, "auth_token": "wrong"}
    first = create(gunicorn, key, "vobiz", credentials, retry)
    second = create(gunicorn, key, "vobiz", credentials, retry)
    assert first[0] == second[0] == 400 and first[2] == second[2]
    assert second[1]["Idempotent-Replayed"] == "true"
    assert len(fake.requests) == 1


# --- PATCH with new credentials ------------------------------------------------------------

def test_rotation_is_checked_and_moves_verified_at(gunicorn, fake, make_key, sql):
    key = make_key("alice")
    made = json.loads(create(gunicorn, key, "twilio", TWILIO)[2])
    path = f"{PROVIDERS}/{made['id']}"
    status, _, text = gunicorn.request("PATCH", path, {"credentials": TWILIO_KEY}, bearer(key))
    assert status == 204, text
    now = json.loads(gunicorn.request("GET", path, headers=bearer(key))[2])
    assert now["verified_at"] > made["verified_at"]
    assert now["credential_keys"] == ["account_sid", "api_key_secret", "api_key_sid"]
    assert len(fake.requests) == 2


@pytest.mark.parametrize("secret, status", [("wrong", 400), ("fake:500", 502), ("fake:302", 502)])
def test_a_rotation_that_fails_its_check_changes_nothing(gunicorn, make_key, sql, secret,
                                                          status):
    key = make_key("alice")
    made = json.loads(create(gunicorn, key, "twilio", TWILIO)[2])
    before = sql.execute("SELECT * FROM providers").fetchone()
    answer = gunicorn.request("PATCH", f"{PROVIDERS}/{made['id']}",
                              {"credentials": {**TWILIO, "auth_token": secret}, "label": "New"},
                              bearer(key))
    assert answer[0] == status
    assert sql.execute("SELECT * FROM providers").fetchone() == before


def test_a_label_change_does_not_ask_the_carrier(gunicorn, fake, make_key):
    key = make_key("alice")
    made = json.loads(create(gunicorn, key, "vobiz", VOBIZ)[2])
    fake.requests.clear()
    status, _, _ = gunicorn.request("PATCH", f"{PROVIDERS}/{made['id']}", {"label": "Renamed"},
                                    bearer(key))
    assert status == 204
    assert fake.requests == []
    now = json.loads(gunicorn.request("GET", f"{PROVIDERS}/{made['id']}", headers=bearer(key))[2])
    assert now["verified_at"] == made["verified_at"]


# --- what the check never does -------------------------------------------------------------

def test_no_credential_field_reaches_the_log(gunicorn, make_key):
    key = make_key("alice")
    create(gunicorn, key, "twilio", TWILIO)
    create(gunicorn, key, "plivo", {**PLIVO, "auth_token": "wrong-plivo-token"})
    create(gunicorn, key, "vobiz", {**VOBIZ, "auth_token": "fake:500"})
    log = gunicorn.log()
    for secret in (SID, TWILIO["auth_token"], PLIVO["auth_id"], "wrong-plivo-token",
                   VOBIZ["auth_id"], KEY_SID, key):
        assert secret not in log
    checks = [line for line in gunicorn.log_lines() if line.get("logger") == "app.carriers.check"]
    assert any("twilio answered 200" in line["message"] for line in checks)
    assert any("vobiz answered 500" in line["message"] for line in checks)
    assert all(line.get("request_id") for line in checks)


def test_a_slow_carrier_holds_no_database_connection(start_gunicorn, fake, make_key):
    # One worker, ONE pooled connection: were the waiting check holding it, or the
    # worker's loop, every read below would wait out the pool's timeout and answer 500.
    server = start_gunicorn(**CHECKING, **fake.environ(), DATABASE_POOL_SIZE="1")
    key = make_key("alice")
    answers = []
    slow = threading.Thread(target=lambda: answers.append(
        create(server, key, "twilio", {**TWILIO, "auth_token": "fake:hang"})))
    try:
        slow.start()
        wait_until(lambda: len(fake.requests) == 1)
        for _ in range(5):
            started = time.monotonic()
            status, _, _ = server.request("GET", PROVIDERS, headers=bearer(key))
            assert status == 200
            assert time.monotonic() - started < 2
        fake.release()  # the carrier hangs up: the check ends, as a 502
        slow.join(timeout=10)
        assert answers and answers[0][0] == 502
    finally:
        fake.release()


@pytest.mark.parametrize("provider, credentials, message", [
    ("vobiz", {**VOBIZ, "auth_token": "tök\u00e9n"},
     "invalid body: credentials.auth_token: cannot be sent to vobiz: printable ASCII only"),
    ("vobiz", {**VOBIZ, "auth_id": " padded"},
     "invalid body: credentials.auth_id: cannot be sent to vobiz: no leading or trailing space"),
    ("twilio", {**TWILIO_KEY, "api_key_secret": "line\nbreak"},
     "invalid body: credentials.api_key_secret: cannot be sent to twilio: printable ASCII only"),
])
def test_values_the_check_cannot_carry_are_refused(gunicorn, fake, make_key, provider,
                                                   credentials, message):
    status, _, text = create(gunicorn, make_key("alice"), provider, credentials)
    assert (status, line(text)) == (400, message)
    assert fake.requests == []


def test_fields_the_check_does_not_carry_may_be_anything(gunicorn, fake, make_key):
    status, _, text = create(gunicorn, make_key("alice"), "plivo",
                             {**PLIVO, "region": " ünïcode "})
    assert status == 201, text


@pytest.mark.parametrize("auth_id", [".", "..", "a/../b", "x?y#z"])
def test_an_id_in_the_path_stays_one_segment(gunicorn, fake, make_key, auth_id):
    create(gunicorn, make_key("alice"), "plivo", {**PLIVO, "auth_id": auth_id})
    (_, path, _), = fake.requests
    assert path.startswith("/v1/Account/") and path.count("/") == 4 and path.endswith("/")
    assert "." not in path and "?" not in path and "#" not in path


class Trickle:
    """A carrier that sends its answer a byte every `pace` seconds (each within httpx's
    per-read timeout), or at once when `pace` is 0, then keeps the connection open."""

    def __init__(self, answer, pace):
        import socket

        self.answer, self.pace = answer, pace
        self.server = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.server.getsockname()[1]}"
        self.stopping = threading.Event()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while not self.stopping.is_set():
            try:
                conn, _ = self.server.accept()
            except OSError:
                return
            threading.Thread(target=self.drip, args=(conn,), daemon=True).start()

    def drip(self, conn):
        with conn:
            conn.recv(65536)
            pieces = [self.answer] if not self.pace else [bytes([b]) for b in self.answer]
            for piece in pieces:
                # The carrier's own pace (an Event's wait, so stop() ends it at once).
                if self.pace and self.stopping.wait(self.pace):
                    return
                conn.sendall(piece)
            self.stopping.wait()

    def stop(self):
        self.stopping.set()
        self.server.close()


@pytest.mark.parametrize("answer, pace", [
    (b"HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}", 0.5),      # the head trickles in
    (b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n", 0),     # the body never comes
])
def test_the_whole_check_is_bounded_by_5_seconds(start_gunicorn, make_key, sql, answer,
                                                  pace):
    carrier = Trickle(answer, pace)
    server = start_gunicorn(**CHECKING, VOBIZ_API_URL=carrier.url)
    try:
        started = time.monotonic()
        status, _, text = create(server, make_key("alice"), "vobiz", VOBIZ)
        elapsed = time.monotonic() - started
    finally:
        carrier.stop()
    assert (status, line(text)) == (
        502, "could not verify credentials with vobiz: no answer within 5 seconds; try again")
    assert 4.5 < elapsed < 8
    assert stored(sql) == 0

