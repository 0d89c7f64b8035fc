"""fallback_e164: where an inbound call to a number goes when no agent can take it."""

import pytest

from tests.support.api import E164S, NUMBERS, add_number, add_provider, error

FALLBACK = "+12025550199"


@pytest.fixture
def credential(client, alice):
    return add_provider(client, alice)


def test_a_number_registered_with_a_fallback_shows_it_after_outbound_enabled(
        client, alice, credential):
    answer = client.post(NUMBERS, json={"e164": E164S[0], "credentials_id": credential["id"],
                                        "fallback_e164": FALLBACK}, headers=alice)
    assert answer.status_code == 201
    assert answer.json["fallback_e164"] == FALLBACK
    fields = list(answer.json)
    assert fields[fields.index("outbound_enabled") + 1] == "fallback_e164"
    assert client.get(f"{NUMBERS}/{answer.json['id']}", headers=alice).json == answer.json
    assert client.get(NUMBERS, headers=alice).json["numbers"] == [answer.json]


@pytest.mark.parametrize("none", [None, ""])
def test_null_or_empty_means_no_fallback(client, alice, credential, none):
    number = add_number(client, alice, credential["id"], fallback_e164=none)
    assert number["fallback_e164"] is None


@pytest.mark.parametrize("fallback, message", [
    (E164S[0], "invalid body: fallback_e164: must differ from e164"),
    ("+10000000000", "invalid body: fallback_e164: not a valid E.164 phone number"),
    ("+1 202 555 0199", "invalid body: fallback_e164: not a valid E.164 phone number"),
    (12025550199, "invalid body: fallback_e164: must be a string"),
])
def test_a_fallback_is_a_valid_number_other_than_the_number(client, alice, credential, sql,
                                                            fallback, message):
    answer = client.post(NUMBERS, json={"e164": E164S[0], "credentials_id": credential["id"],
                                        "fallback_e164": fallback}, headers=alice)
    assert error(answer) == (400, message)
    assert sql.execute("SELECT count(*) AS n FROM numbers").fetchone()["n"] == 0


def test_a_patch_sets_and_clears_the_fallback_with_its_events(client, alice, credential):
    number = add_number(client, alice, credential["id"])
    path = f"{NUMBERS}/{number['id']}"
    assert client.patch(path, json={"fallback_e164": FALLBACK}, headers=alice).status_code == 204
    assert client.get(path, headers=alice).json["fallback_e164"] == FALLBACK
    assert client.patch(path, json={"fallback_e164": ""}, headers=alice).status_code == 204
    assert client.get(path, headers=alice).json["fallback_e164"] is None
    events = client.get(f"/api/v1/telephony/events?object_id={number['id']}",
                        headers=alice).json["events"]
    assert [e["data"] for e in events[:2]] == [
        {"fallback_e164": {"from": FALLBACK, "to": None}},
        {"fallback_e164": {"from": None, "to": FALLBACK}}]
    assert events[2]["data"]["fallback_e164"] is None  # number.created


def test_a_patch_to_the_number_itself_is_refused_by_the_database_and_changes_nothing(
        client, alice, credential):
    number = add_number(client, alice, credential["id"], fallback_e164=FALLBACK)
    path = f"{NUMBERS}/{number['id']}"
    answer = client.patch(path, json={"fallback_e164": number["e164"], "agent_id": "agent_9"},
                          headers=alice)
    assert error(answer) == (400, "invalid body: fallback_e164: must differ from e164")
    assert client.get(path, headers=alice).json == number


def test_a_row_written_before_the_column_reads_with_a_null_fallback_in_its_place(
        client, alice, credential, sql):
    number = add_number(client, alice, credential["id"])
    with sql.transaction():  # the JSON a row kept before sql/010, without the field
        sql.execute("ALTER TABLE numbers DISABLE TRIGGER numbers_api_json")
        sql.execute("""UPDATE numbers
                          SET api_json = replace(api_json, '"fallback_e164":null,', '')""")
        sql.execute("ALTER TABLE numbers ENABLE ALWAYS TRIGGER numbers_api_json")
    assert "fallback_e164" not in sql.execute("SELECT api_json FROM numbers").fetchone()[
        "api_json"]
    shown = client.get(f"{NUMBERS}/{number['id']}", headers=alice)
    assert shown.json == number
    assert list(shown.json) == list(number)
    assert client.get(NUMBERS, headers=alice).json["numbers"] == [number]
