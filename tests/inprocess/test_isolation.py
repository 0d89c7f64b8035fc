"""Another account's rows: indistinguishable from missing ones, on every endpoint."""

import pytest

from tests.support.api import NUMBERS, PROVIDERS, add_number, add_provider, bearer


@pytest.fixture
def alices_rows(client, alice):
    credential = add_provider(client, alice)
    number = add_number(client, alice, credential["id"])
    return credential, number


MISSING = "00000000-0000-4000-8000-000000000000"


def ask(client, headers, method, path, body=None):
    answer = getattr(client, method)(path, json=body, headers=headers)
    return answer.status_code, answer.text.removesuffix("\n"), answer.mimetype


@pytest.fixture(params=["account-key", "platform-key"])
def intruder(request, make_key, platform_key):
    """Bob, through his own account key or through the platform key naming him."""
    if request.param == "account-key":
        return bearer(make_key("bob"))
    return bearer(platform_key, "bob")


def test_another_accounts_credential_answers_as_a_missing_one(client, intruder, alices_rows, alice):
    credential, _ = alices_rows
    for method, body in [("get", None), ("patch", {"label": "x"}), ("delete", None)]:
        theirs = ask(client, intruder, method, f"{PROVIDERS}/{credential['id']}", body)
        missing = ask(client, intruder, method, f"{PROVIDERS}/{MISSING}", body)
        assert theirs == missing
        assert theirs[0] == 404
    assert client.get(f"{PROVIDERS}/{credential['id']}", headers=alice).json == credential


def test_another_accounts_number_answers_as_a_missing_one(client, intruder, alices_rows, alice):
    _, number = alices_rows
    for method, body in [("get", None), ("patch", {"agent_id": "agent_x"}), ("delete", None)]:
        theirs = ask(client, intruder, method, f"{NUMBERS}/{number['id']}", body)
        missing = ask(client, intruder, method, f"{NUMBERS}/{MISSING}", body)
        assert theirs == missing
        assert theirs[0] == 404
    assert client.get(f"{NUMBERS}/{number['id']}", headers=alice).json == number


def test_lists_never_show_another_accounts_rows(client, intruder, alices_rows):
    credential, number = alices_rows
    assert client.get(PROVIDERS, headers=intruder).json["providers"] == []
    assert client.get(NUMBERS, headers=intruder).json["numbers"] == []
    for query in (f"credentials_id={credential['id']}", "provider=twilio", "e164=%2B12025550123"):
        assert client.get(f"{NUMBERS}?{query}", headers=intruder).json["numbers"] == []


def test_a_number_cannot_use_another_accounts_credential(client, intruder, alices_rows):
    credential, _ = alices_rows
    theirs = ask(client, intruder, "post", NUMBERS,
                 {"e164": "+12025550199", "credentials_id": credential["id"]})
    missing = ask(client, intruder, "post", NUMBERS,
                  {"e164": "+12025550199", "credentials_id": MISSING})
    assert theirs == missing == (400, "invalid body: credentials_id: no such credential",
                                 "text/plain")


def test_a_cursor_cannot_reach_another_accounts_rows(client, alice, intruder):
    credential = add_provider(client, alice)
    for i in range(3):
        add_number(client, alice, credential["id"], f"+1202555012{i}")
    cursor = client.get(f"{NUMBERS}?limit=1", headers=alice).json["next_cursor"]
    assert cursor
    assert client.get(f"{NUMBERS}?cursor={cursor}", headers=intruder).json == {
        "numbers": [], "next_cursor": None}
