"""A database that does not answer: 500 `database error`, the cause in the log only."""

import logging
import socket

import pytest

from tests.support.api import NUMBERS, PROVIDERS, TWILIO, error


def closed_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def down(make_app, make_key):
    """A client of an app whose database is unreachable, and a valid-looking key."""
    app = make_app(database_url=f"postgresql://postgres@127.0.0.1:{closed_port()}/test",
                   pool_timeout=0.5)
    return app.test_client(), {"Authorization": "Bearer kvn_" + "a" * 43}


@pytest.mark.parametrize("method, path", [
    ("get", PROVIDERS), ("post", PROVIDERS), ("get", NUMBERS),
    ("delete", f"{NUMBERS}/0b6f7d7e-1f0e-4f51-8d6c-2a9d1f5e3c44"),
])
def test_requests_answer_500_database_error(down, method, path):
    client, headers = down
    answer = getattr(client, method)(path, json={"provider": "twilio", "credentials": TWILIO},
                                     headers=headers)
    assert error(answer) == (500, "database error")


def test_the_cause_goes_to_the_log_not_to_the_client(down, caplog):
    client, headers = down
    with caplog.at_level(logging.ERROR):
        answer = client.get(PROVIDERS, headers=headers)
    assert answer.text == "database error\n"
    assert any("database error" in r.getMessage() and "PoolTimeout" in r.getMessage()
               for r in caplog.records)
    assert headers["Authorization"] not in caplog.text
