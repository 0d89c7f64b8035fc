"""The hot reads answer exactly as Flask's views do, whichever path answers them.

app/request/fast_path.py answers the ordinary 200 of GET /numbers[/{id}] and
/providers[/{id}] for a key the process knows; the first request of a key, and every
other case, is Flask's.
"""

import logging

import pytest

from app.keys import key_hash
from app.request import auth, fast_path
from tests.support.api import E164S, NUMBERS, PROVIDERS, add_number, add_provider, bearer, error


@pytest.fixture
def served_by(monkeypatch):
    """Which path answered each request: 'hot' or 'flask'."""
    paths = []
    real = fast_path.FastPath.serve

    def serve(self, environ, read, view):
        answer = real(self, environ, read, view)
        paths.append("flask" if answer is None else "hot")
        return answer

    monkeypatch.setattr(fast_path.FastPath, "serve", serve)
    return paths


@pytest.fixture
def numbers(client, alice):
    credential = add_provider(client, alice)
    return [add_number(client, alice, credential["id"], e164=e164, agent_id="agent_1")
            for e164 in E164S[:3]]


def the_same_answer(answer):
    headers = {k: v for k, v in answer.headers.items() if k != "X-Request-ID"}
    return answer.status_code, headers, answer.data


def test_a_known_keys_reads_are_the_views_own_answers(client, alice, numbers, served_by):
    cursor = client.get(f"{NUMBERS}?limit=2", headers=alice).json["next_cursor"]
    for path in (NUMBERS, f"{NUMBERS}?limit=2", f"{NUMBERS}?limit=2&cursor={cursor}",
                 f"{NUMBERS}?agent_id=agent_1&limit=1", f"{NUMBERS}/{numbers[1]['id']}",
                 f"{NUMBERS}/{numbers[2]['id'].upper()}", PROVIDERS, f"{PROVIDERS}?limit=1",
                 f"{PROVIDERS}/{numbers[0]['credentials_id']}"):
        auth.KNOWN.clear()  # the key's first request: Flask's
        by_flask = client.get(path, headers=alice)
        by_hot_path = client.get(path, headers=alice)
        assert served_by[-2:] == ["flask", "hot"], path
        assert by_flask.status_code == 200
        assert the_same_answer(by_hot_path) == the_same_answer(by_flask), path


def test_a_hot_read_writes_one_log_line_and_keeps_the_request_id(app, client, alice, numbers,
                                                                served_by, monkeypatch):
    lines = []
    monkeypatch.setitem(app.extensions, "access_log", lines.append)
    answer = client.get(f"{NUMBERS}/{numbers[0]['id']}",
                        headers={**alice, "X-Request-ID": "hot-1"})
    assert served_by == ["hot"]
    assert answer.headers["X-Request-ID"] == "hot-1"
    assert len(lines) == 1
    assert {k: lines[0][k] for k in ("request_id", "method", "path", "status", "account_id")} == {
        "request_id": "hot-1", "method": "GET", "path": f"{NUMBERS}/{numbers[0]['id']}",
        "status": 200, "account_id": "alice"}
    assert isinstance(lines[0]["duration_ms"], float)


def test_a_known_key_revoked_answers_401_on_its_next_hot_read(client, alice, numbers, sql):
    assert client.get(NUMBERS, headers=alice).status_code == 200
    sql.execute("UPDATE api_keys SET revoked_at = now()")
    assert error(client.get(NUMBERS, headers=alice)) == (401, "missing or invalid API key")
    assert error(client.get(f"{NUMBERS}/{numbers[0]['id']}", headers=alice))[0] == 401


def test_what_the_hot_path_does_not_find_is_answered_by_flask(client, alice, bob, numbers,
                                                              served_by):
    client.get(NUMBERS, headers=bob)  # bob's key is known now
    assert client.get(NUMBERS, headers=bob).json == {"numbers": [], "next_cursor": None}
    assert error(client.get(f"{NUMBERS}/{numbers[0]['id']}", headers=bob)) == (
        404, "phone number not found")
    assert error(client.get(f"{NUMBERS}?limit=201", headers=alice))[0] == 400
    assert error(client.get(f"{NUMBERS}?limit=1&limit=2", headers=alice))[0] == 400
    assert error(client.get(f"{PROVIDERS}?agent_id=agent_1", headers=alice))[0] == 400
    assert error(client.get(f"{PROVIDERS}/{numbers[0]['credentials_id']}", headers=bob)) == (
        404, "credential not found")
    assert served_by and set(served_by) == {"flask"}


def test_a_database_failure_on_a_hot_read_answers_500_with_its_request_id(make_app, caplog,
                                                                          monkeypatch):
    app = make_app(database_url="postgresql://postgres@127.0.0.1:1/test", pool_timeout=0.2)
    key = "kvn_" + "h" * 43
    monkeypatch.setitem(auth.KNOWN, key_hash(key),
                        {"kind": "account", "account_id": "alice"})
    with caplog.at_level(logging.ERROR):
        answer = app.test_client().get(NUMBERS, headers={**bearer(key), "X-Request-ID": "hot-500"})
    assert error(answer) == (500, "database error")
    assert answer.headers["X-Request-ID"] == "hot-500"
    causes = [r for r in caplog.records if r.getMessage().startswith("database error: ")]
    assert causes and causes[0].request_id == "hot-500"
