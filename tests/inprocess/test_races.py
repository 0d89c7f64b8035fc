"""Races settled by PostgreSQL's constraints, not by a read-then-write in Python."""

import pytest

from tests.support import THREADS, together
from tests.support.api import NUMBERS, PROVIDERS, add_provider, bearer


@pytest.fixture
def wide_app(make_app):
    """An app whose pool lets every thread hold a connection at once."""
    return make_app(pool_max_size=THREADS + 1)


def test_one_number_registered_by_many_at_once_gives_exactly_one_201(wide_app, make_key, sql):
    headers = [bearer(make_key(f"acct{i}")) for i in range(THREADS)]
    clients = [wide_app.test_client() for _ in range(THREADS)]
    credentials = [add_provider(clients[i], headers[i])["id"] for i in range(THREADS)]

    def register(i):
        answer = clients[i].post(NUMBERS, json={"e164": "+12025550123",
                                                "credentials_id": credentials[i]},
                                 headers=headers[i])
        return answer.status_code, answer.text.removesuffix("\n")

    results = together(THREADS, register)
    assert sorted(status for status, _ in results) == [201] + [400] * (THREADS - 1)
    assert {text for status, text in results if status == 400} == {
        "duplicate number: +12025550123 is already registered"}
    assert sql.execute("SELECT count(*) AS n FROM numbers").fetchone()["n"] == 1


def test_a_credential_deleted_while_a_number_registers_never_leaves_a_dangling_number(
        wide_app, make_key, sql):
    alice = bearer(make_key("alice"))
    for round_ in range(25):
        credential = add_provider(wide_app.test_client(), alice)["id"]

        def act(i, credential=credential, round_=round_):
            client = wide_app.test_client()
            if i == 0:
                answer = client.delete(f"{PROVIDERS}/{credential}", headers=alice)
            else:
                answer = client.post(NUMBERS, json={"e164": f"+1202555{round_:04d}",
                                                    "credentials_id": credential}, headers=alice)
            return answer.status_code, answer.text.removesuffix("\n")

        deleted, registered = together(2, act)
        assert (deleted, registered) in {
            ((204, ""), (400, "invalid body: credentials_id: no such credential")),
            ((409, "credential in use by 1 phone number"), (201, registered[1])),
        }
    dangling = sql.execute("""
        SELECT count(*) AS n FROM numbers n
         WHERE NOT EXISTS (SELECT 1 FROM providers p WHERE p.id = n.credentials_id)
    """).fetchone()["n"]
    assert dangling == 0
