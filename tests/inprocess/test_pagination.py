"""Keyset pagination of both lists: limit, opaque cursors, oldest first."""

import base64

import pytest

from app.queries import numbers, providers
from tests.support.api import NUMBERS, PROVIDERS, add_number, add_provider, error


@pytest.fixture
def seven_numbers(client, alice):
    credential = add_provider(client, alice)
    return [add_number(client, alice, credential["id"], f"+1202555010{i}")["id"] for i in range(7)]


def walk(client, headers, path, limit):
    seen, cursor, pages = [], None, 0
    while True:
        query = f"?limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        answer = client.get(path + query, headers=headers)
        assert answer.status_code == 200, answer.text
        key = "numbers" if path == NUMBERS else "providers"
        assert len(answer.json[key]) <= limit
        seen += [row["id"] for row in answer.json[key]]
        cursor = answer.json["next_cursor"]
        pages += 1
        if cursor is None:
            return seen, pages


@pytest.mark.parametrize("limit, pages", [(1, 7), (2, 4), (3, 3), (7, 1), (200, 1)])
def test_pages_cover_every_row_once_in_order(client, alice, seven_numbers, limit, pages):
    assert walk(client, alice, NUMBERS, limit) == (seven_numbers, pages)


def test_default_page_is_50(client, alice):
    credential = add_provider(client, alice)
    for i in range(51):
        add_number(client, alice, credential["id"], f"+120255501{i:02d}")
    first = client.get(NUMBERS, headers=alice).json
    assert len(first["numbers"]) == 50
    rest = client.get(f"{NUMBERS}?cursor={first['next_cursor']}", headers=alice).json
    assert len(rest["numbers"]) == 1 and rest["next_cursor"] is None


def test_filters_paginate_too(client, alice, seven_numbers):
    answer = client.get(f"{NUMBERS}?provider=twilio&limit=3", headers=alice).json
    second = client.get(
        f"{NUMBERS}?provider=twilio&limit=3&cursor={answer['next_cursor']}", headers=alice).json
    assert [n["id"] for n in answer["numbers"] + second["numbers"]] == seven_numbers[:6]


def test_providers_paginate(client, alice):
    made = [add_provider(client, alice, p)["id"] for p in ("twilio", "plivo", "vobiz")]
    assert walk(client, alice, PROVIDERS, 2) == (made, 2)


def test_rows_made_in_the_same_instant_are_ordered_by_id(client, alice, sql, seven_numbers):
    sql.execute("UPDATE numbers SET created_at = '2026-11-28T17:02:03.123456Z'")
    assert walk(client, alice, NUMBERS, 2)[0] == sorted(seven_numbers)


def cursor_of(text):
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


@pytest.mark.parametrize("query, message", [
    ("limit=0", "invalid query: limit: must be an integer from 1 to 200"),
    ("limit=201", "invalid query: limit: must be an integer from 1 to 200"),
    ("limit=-1", "invalid query: limit: must be an integer from 1 to 200"),
    ("limit=ten", "invalid query: limit: must be an integer from 1 to 200"),
    ("limit=1.5", "invalid query: limit: must be an integer from 1 to 200"),
    ("limit=", "invalid query: limit: must be an integer from 1 to 200"),
    ("cursor=", "invalid query: cursor: not a cursor of this list"),
    ("cursor=!!!", "invalid query: cursor: not a cursor of this list"),
    ("cursor=bm9wZQ", "invalid query: cursor: not a cursor of this list"),
    ("cursor=" + cursor_of("p|2026-11-28T17:02:03.123456Z|6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11"),
     "invalid query: cursor: not a cursor of this list"),
    ("cursor=" + cursor_of("n|2026-13-45T17:02:03.123456Z|6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11"),
     "invalid query: cursor: not a cursor of this list"),
    ("cursor=" + cursor_of("n|2026-11-28T17:02:03.123456Z|x'; DROP TABLE numbers; --"),
     "invalid query: cursor: not a cursor of this list"),
])
def test_bad_limit_or_cursor_answers_400(client, alice, query, message):
    assert error(client.get(f"{NUMBERS}?{query}", headers=alice)) == (400, message)


@pytest.mark.parametrize("spoil", [
    lambda c: c[:4] + "!!!!" + c[4:],   # junk the decoder would drop
    lambda c: c + "=" * (-len(c) % 4 or 4),  # padding the service never issues
    lambda c: c[:10] + "\n" + c[10:],
    lambda c: c + "A",
])
def test_a_cursor_is_read_only_exactly_as_issued(client, alice, seven_numbers, spoil):
    cursor = client.get(f"{NUMBERS}?limit=2", headers=alice).json["next_cursor"]
    assert client.get(f"{NUMBERS}?limit=2&cursor={cursor}", headers=alice).status_code == 200
    answer = client.get(NUMBERS, headers=alice, query_string={"limit": 2,
                                                             "cursor": spoil(cursor)})
    assert error(answer) == (400, "invalid query: cursor: not a cursor of this list")


def test_a_providers_list_refuses_a_numbers_cursor(client, alice, seven_numbers):
    cursor = client.get(f"{NUMBERS}?limit=1", headers=alice).json["next_cursor"]
    assert error(client.get(f"{PROVIDERS}?cursor={cursor}", headers=alice)) == (
        400, "invalid query: cursor: not a cursor of this list")


def test_a_providers_list_refuses_number_filters(client, alice):
    assert error(client.get(f"{PROVIDERS}?provider=twilio", headers=alice)) == (
        400, "invalid query: provider: unknown parameter")


def plans_of(sql, read):
    """The plans of the statements a read runs inside its function, as PostgreSQL ran
    them (auto_explain, its log sent to this session)."""
    plans = []
    sql.add_notice_handler(lambda notice: plans.append(notice.message_primary))
    with sql.transaction():
        sql.execute("LOAD 'auto_explain'")
        sql.execute("SET LOCAL auto_explain.log_min_duration = 0")
        sql.execute("SET LOCAL auto_explain.log_nested_statements = on")
        sql.execute("SET LOCAL client_min_messages = log")
        sql.execute("SET LOCAL enable_sort = off")  # a sort left in a plan is then forced
        for _ in range(7):  # past PL/pgSQL's first custom plans, to the one it keeps
            plans.clear()
            read(sql)
    return "\n".join(plans)


@pytest.mark.parametrize("read", [
    lambda conn, after: numbers.page(conn, "alice", filters={}, after=after, limit=51),
    lambda conn, after: numbers.page(conn, "alice", filters={"agent_id": "agent_7"},
                                     after=after, limit=51),
    lambda conn, after: numbers.page(conn, "alice", filters={
        "credentials_id": "6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11"}, after=after, limit=51),
    lambda conn, after: numbers.page(conn, "alice", filters={"provider": "twilio"},
                                     after=after, limit=51),
    lambda conn, after: numbers.page(conn, "alice", filters={
        "provider": "twilio", "agent_id": "agent_7"}, after=after, limit=51),
    lambda conn, after: providers.page(conn, "alice", filters={}, after=after, limit=51),
], ids=["numbers", "by-agent", "by-credential", "by-provider", "two-filters", "providers"])
@pytest.mark.parametrize("after", [None, ("2026-11-28T17:02:03.123456Z",
                                          "6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11")],
                         ids=["first-page", "next-page"])
def test_a_page_is_read_in_index_order_never_sorted(sql, read, after):
    plan = plans_of(sql, lambda conn: read(conn, after))
    assert "Sort" not in plan, plan
    assert "Index" in plan, plan
