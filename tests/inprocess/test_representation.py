"""The changed object back: both PATCHes answer 204, or with Prefer: return=representation
200 and the object as the change's own statement wrote it."""

import pytest

from tests.support import together
from tests.support.api import (
    NUMBERS,
    PLIVO,
    PROVIDERS,
    add_number,
    add_provider,
    error,
)

REPRESENTATION = {"Prefer": "return=representation"}


@pytest.fixture
def number(client, alice):
    credential = add_provider(client, alice)
    return add_number(client, alice, credential["id"], agent_id="agent_1")


def test_without_the_preference_a_patch_answers_204_with_no_body(client, alice, number):
    answer = client.patch(f"{NUMBERS}/{number['id']}", json={"agent_id": "agent_2"},
                          headers=alice)
    assert (answer.status_code, answer.data) == (204, b"")
    assert "Preference-Applied" not in answer.headers


def test_a_pin_with_the_preference_answers_the_number_as_changed(client, alice, number):
    answer = client.patch(f"{NUMBERS}/{number['id']}", json={"agent_id": "agent_2"},
                          headers={**alice, **REPRESENTATION})
    assert answer.status_code == 200
    assert answer.headers["Preference-Applied"] == "return=representation"
    assert answer.json == client.get(f"{NUMBERS}/{number['id']}", headers=alice).json
    assert answer.json["agent_id"] == "agent_2"
    assert answer.json["updated_at"] > number["updated_at"]


@pytest.mark.parametrize("prefer", [
    "return=representation", "RETURN=Representation", 'return="representation"',
    "respond-async, return=representation", "handling=lenient; x=1, return=representation; q=1",
])
def test_the_preference_is_read_as_rfc_7240_writes_it(client, alice, number, prefer):
    answer = client.patch(f"{NUMBERS}/{number['id']}", json={"inbound_enabled": False},
                          headers={**alice, "Prefer": prefer})
    assert answer.status_code == 200, prefer


@pytest.mark.parametrize("prefer", ["return=minimal", "respond-async", "representation"])
def test_other_preferences_are_ignored(client, alice, number, prefer):
    answer = client.patch(f"{NUMBERS}/{number['id']}", json={"agent_id": None},
                          headers={**alice, "Prefer": prefer})
    assert answer.status_code == 204


def test_a_patch_that_sets_what_is_set_answers_the_object_unchanged(client, alice, number):
    answer = client.patch(f"{NUMBERS}/{number['id']}", json={"agent_id": "agent_1"},
                          headers={**alice, **REPRESENTATION})
    assert answer.status_code == 200
    assert answer.json == number


def test_a_provider_relabelled_or_rotated_comes_back_as_changed(client, alice):
    credential = add_provider(client, alice, provider="plivo")
    relabelled = client.patch(f"{PROVIDERS}/{credential['id']}", json={"label": "Backup"},
                              headers={**alice, **REPRESENTATION})
    assert relabelled.status_code == 200
    assert relabelled.headers["Preference-Applied"] == "return=representation"
    assert relabelled.json == {**credential, "label": "Backup",
                               "updated_at": relabelled.json["updated_at"]}
    rotated = client.patch(f"{PROVIDERS}/{credential['id']}",
                           json={"credentials": {**PLIVO, "auth_token": "new"}},
                           headers={**alice, **REPRESENTATION})
    assert rotated.status_code == 200
    assert rotated.json == client.get(f"{PROVIDERS}/{credential['id']}", headers=alice).json
    assert rotated.json["updated_at"] > relabelled.json["updated_at"]


def test_a_missing_object_is_404_with_or_without_the_preference(client, alice):
    missing = "6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11"
    answer = client.patch(f"{NUMBERS}/{missing}", json={"agent_id": "a"},
                          headers={**alice, **REPRESENTATION})
    assert error(answer) == (404, "phone number not found")


def test_each_concurrent_pin_answers_the_object_its_own_statement_wrote(make_app, make_key, sql):
    from tests.support.api import bearer

    app = make_app(pool_max_size=9)
    alice = bearer(make_key("alice"))
    credential = add_provider(app.test_client(), alice)
    number = add_number(app.test_client(), alice, credential["id"])

    def pin(i):
        answer = app.test_client().patch(f"{NUMBERS}/{number['id']}",
                                         json={"agent_id": f"agent_{i}"},
                                         headers={**alice, **REPRESENTATION})
        return answer.json

    answers = together(8, pin)
    # Each answer is the row as its own change left it: its agent, its updated_at; no
    # second read saw another pin slip in between.
    assert sorted(a["agent_id"] for a in answers) == sorted(f"agent_{i}" for i in range(8))
    assert len({a["updated_at"] for a in answers}) == 8
    events = sql.execute("SELECT data FROM events WHERE type = 'number.updated'"
                         " ORDER BY occurred_at").fetchall()
    assert [e["data"]["agent_id"]["to"] for e in events] == [
        a["agent_id"] for a in sorted(answers, key=lambda a: a["updated_at"])]
