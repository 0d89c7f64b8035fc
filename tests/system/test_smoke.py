"""scripts/smoke.sh: passes against the service, fails against a server that says yes to all."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from tests.support.server import smoke


def test_smoke_passes_against_the_service_and_removes_what_it_made(gunicorn, make_key, sql):
    done = smoke(f"http://127.0.0.1:{gunicorn.port}/api/v1", make_key("smoke"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smoke test passed: 15 steps" in done.stdout
    counts = sql.execute("""
        SELECT (SELECT count(*) FROM providers) AS p, (SELECT count(*) FROM numbers) AS n
    """).fetchone()
    assert counts == {"p": 0, "n": 0}


def test_smoke_takes_real_credentials_where_the_service_checks_them(start_gunicorn, fake,
                                                                   make_key):
    server = start_gunicorn(CARRIER_VERIFICATION="on", **fake.environ())
    credentials = {"auth_id": "smoke-vobiz-id", "auth_token": "smoke-vobiz-token"}
    done = smoke(f"http://127.0.0.1:{server.port}/api/v1", make_key("smoke"),
                 SMOKE_PROVIDER="vobiz", SMOKE_CREDENTIALS=json.dumps(credentials))
    assert done.returncode == 0, done.stdout + done.stderr
    # Checked twice with the carrier: at the create and at the rotation.
    sent = [headers.get("X-Auth-Token") for _, _, headers in fake.requests]
    assert sent == ["smoke-vobiz-token", "smoke-vobiz-token"]


def test_smoke_refuses_credentials_that_are_not_an_object():
    done = smoke("http://127.0.0.1:9/api/v1", "kvn_anything", SMOKE_PROVIDER="plivo",
                 SMOKE_CREDENTIALS="[1, 2]")
    assert done.returncode == 2
    assert "SMOKE_CREDENTIALS must be a JSON object of strings" in done.stderr


class AlwaysOk(BaseHTTPRequestHandler):
    def _ok(self):
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")

    do_GET = do_POST = do_PATCH = do_DELETE = _ok

    def log_message(self, *args):
        pass


def test_smoke_fails_against_a_server_that_answers_200_to_everything():
    server = ThreadingHTTPServer(("127.0.0.1", 0), AlwaysOk)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = smoke(f"http://127.0.0.1:{server.server_port}/api/v1", "kvn_anything")
    finally:
        server.shutdown()
    assert done.returncode != 0
    assert "FAIL [1]" in done.stderr and "expected HTTP 401" in done.stderr


class OtherOrigin(AlwaysOk):
    """Answers the first two steps as the service would, but puts the new credential's
    Location on another origin."""

    def do_GET(self):
        self.send_response(401)
        self.send_header("WWW-Authenticate", "Bearer")
        self.send_header("Content-Type", "text/plain; charset=utf-8")
        self.send_header("Content-Length", "26")
        self.end_headers()
        self.wfile.write(b"missing or invalid API key")

    def do_POST(self):
        credential_id = "798d91c8-0d01-411f-9c59-3f7a402a6fd3"
        body = json.dumps({"id": credential_id, "provider": "twilio", "label": "Smoke twilio",
                           "credential_keys": ["account_sid", "auth_token"],
                           "sealing_key_id": "6c4d5c69ac562105", "verified_at": None}).encode()
        self.send_response(201)
        self.send_header("Location",
                         f"http://elsewhere.invalid:{self.server.server_port}"
                         f"/api/v1/telephony/providers/{credential_id}")
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def test_smoke_fails_when_location_names_another_origin():
    server = ThreadingHTTPServer(("127.0.0.1", 0), OtherOrigin)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        done = smoke(f"http://127.0.0.1:{server.server_port}/api/v1", "kvn_anything")
    finally:
        server.shutdown()
    assert done.returncode != 0
    assert "FAIL [2] Location is 'http://elsewhere.invalid:" in done.stderr


def test_smoke_fails_when_the_hub_is_unreachable():
    done = smoke("http://127.0.0.1:9/api/v1", "kvn_anything")
    assert done.returncode != 0
    assert "could not reach" in done.stderr
