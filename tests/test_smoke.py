"""scripts/smoke.sh: passes against the service, fails against a server that says yes to all."""

import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from server import ROOT, Gunicorn


def smoke(hub_url, key):
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "smoke.sh")],
        env={"HUB_URL": hub_url, "KATAVEN_API_KEY": key, "PATH": "/usr/bin:/bin"},
        capture_output=True, text=True, timeout=120,
    )


@pytest.fixture
def gunicorn(database_url, sealing_keys, tmp_path):
    server = Gunicorn(tmp_path / "out.log", DATABASE_URL=database_url,
                      SEALING_PUBLIC_KEY=sealing_keys[0], WEB_CONCURRENCY="1").start()
    yield server
    server.stop()


def test_smoke_passes_against_the_service_and_removes_what_it_made(gunicorn, make_key, sql):
    done = smoke(f"http://127.0.0.1:{gunicorn.port}/api/v1", make_key("smoke"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smoke test passed: 14 steps" in done.stdout
    counts = sql.execute("""
        SELECT (SELECT count(*) FROM providers) AS p, (SELECT count(*) FROM numbers) AS n
    """).fetchone()
    assert counts == {"p": 0, "n": 0}


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


def test_smoke_fails_when_the_hub_is_unreachable():
    done = smoke("http://127.0.0.1:9/api/v1", "kvn_anything")
    assert done.returncode != 0
    assert "could not reach" in done.stderr
