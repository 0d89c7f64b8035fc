"""Service endpoints and request ids: /healthz, /readyz, X-Request-ID, the request log."""

import re
import socket

import pytest

from tests.support.api import PROVIDERS, error


def dead_url():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"postgresql://postgres@127.0.0.1:{s.getsockname()[1]}/test"


def test_healthz_answers_ok_without_a_key(client):
    answer = client.get("/healthz")
    assert (answer.status_code, answer.text, answer.mimetype) == (200, "ok", "text/plain")


def test_healthz_does_not_touch_the_database(make_app):
    app = make_app(database_url=dead_url(), pool_timeout=0.2)
    assert app.test_client().get("/healthz").status_code == 200


def test_readyz_answers_ok_with_database_and_sealing_key(client):
    answer = client.get("/readyz")
    assert (answer.status_code, answer.text) == (200, "ok")


def test_readyz_names_a_missing_database(make_app):
    app = make_app(database_url=dead_url(), pool_timeout=0.2)
    assert error(app.test_client().get("/readyz")) == (503, "database unavailable")


def test_readyz_names_a_missing_sealing_key(make_app):
    app = make_app(sealing_public_key=None)
    assert error(app.test_client().get("/readyz")) == (
        503, "sealing key unavailable (SEALING_PUBLIC_KEY is not set)")


def test_readyz_names_both(make_app):
    app = make_app(database_url=dead_url(), pool_timeout=0.2, sealing_public_key="bad")
    status, text = error(app.test_client().get("/readyz"))
    assert status == 503
    assert text.startswith("database unavailable; sealing key unavailable")


def test_every_answer_carries_a_request_id(client, alice):
    for answer in (client.get("/healthz"), client.get(PROVIDERS),
                   client.get(PROVIDERS, headers=alice), client.get("/nowhere")):
        assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


def test_a_sane_request_id_is_kept(client):
    answer = client.get("/healthz", headers={"X-Request-ID": "edge-7f3a:01.2_x"})
    assert answer.headers["X-Request-ID"] == "edge-7f3a:01.2_x"


@pytest.mark.parametrize("given", ["has space", "x" * 129, "semi;colon", "quote\"d", ""])
def test_an_insane_request_id_is_replaced(client, given):
    answer = client.get("/healthz", headers={"X-Request-ID": given})
    assert re.fullmatch(r"[0-9a-f]{32}", answer.headers["X-Request-ID"])


@pytest.fixture
def access_lines(app, monkeypatch):
    lines = []
    monkeypatch.setitem(app.extensions, "access_log", lines.append)
    return lines


def test_one_log_line_per_request_with_its_fields(client, alice, access_lines):
    answer = client.get(f"{PROVIDERS}?limit=5", headers={**alice, "X-Request-ID": "r-1"})
    assert len(access_lines) == 1
    fields = access_lines[0]
    assert fields["request_id"] == "r-1" == answer.headers["X-Request-ID"]
    assert (fields["method"], fields["path"], fields["status"]) == ("GET", PROVIDERS, 200)
    assert fields["account_id"] == "alice"
    assert isinstance(fields["duration_ms"], float)


def test_forwarded_for_sets_the_client_address_only_behind_a_trusted_proxy(app, access_lines):
    client = app.test_client()
    forwarded = {"X-Forwarded-For": "203.0.113.9", "X-Forwarded-Proto": "https"}
    client.get("/healthz", headers=forwarded, environ_base={"REMOTE_ADDR": "198.51.100.1"})
    client.get("/healthz", headers=forwarded, environ_base={"REMOTE_ADDR": "127.0.0.1"})
    assert [line["remote_addr"] for line in access_lines] == ["198.51.100.1", "203.0.113.9"]
