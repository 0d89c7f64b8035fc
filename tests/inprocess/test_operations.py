"""Each operation is declared once, on its view, and the machinery around the views keeps its
promises for every declared operation, those added later included."""

import base64
import json
import re

import psycopg
import pytest

from app import create_app, queries
from app.api.operations import operations
from app.config import Config
from app.queries import numbers, providers, routes
from app.request import fast_path
from tests.support.api import CREDENTIALS, E164S, add_number, add_provider, bearer, url_of

# Made at collection, by an app that opens no connection until a request needs one.
DOCUMENT = json.loads(create_app(Config()).extensions["openapi"])
OPERATIONS = sorted(
    (operation["operationId"], method, path)
    for path, item in DOCUMENT["paths"].items() if path.startswith("/api/v1/telephony/")
    for method, operation in item.items() if method != "parameters"
)
# A valid body for each operation that takes one: a new operation with a body fails the
# test below until it has its entry here.
BODIES = {
    "createProvider": {"provider": "plivo", "credentials": CREDENTIALS["plivo"]},
    "updateProvider": {"label": "Renamed"},
    "createNumber": lambda ids: {"e164": E164S[1], "credentials_id": ids["providers"]},
    "updateNumber": {"agent_id": "agent_2"},
}


def test_every_route_under_the_api_declares_its_operation(app):
    declared = {(path, method) for path, method, _ in operations(app)}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/telephony"):
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert (re.sub(r"<(\w+)>", r"{\1}", rule.rule), method.lower()) in declared, rule


@pytest.fixture
def objects(client, alice):
    """The ids of a credential and a number of alice's, made with her key (now known)."""
    credential = add_provider(client, alice)
    number = add_number(client, alice, credential["id"])
    return {"providers": credential["id"], "numbers": number["id"], "e164": number["e164"]}


def everything(sql):
    return [sql.execute(f"SELECT * FROM {table} ORDER BY 1").fetchall()
            for table in ("providers", "numbers", "events", "idempotency_keys")]


@pytest.mark.parametrize("operation_id, method, path", OPERATIONS)
def test_a_known_key_once_revoked_changes_nothing_on_any_operation(
        client, alice, objects, sql, operation_id, method, path):
    assert client.get("/api/v1/telephony/providers", headers=alice).status_code == 200
    sql.execute("UPDATE api_keys SET revoked_at = now()")
    before = everything(sql)
    body = BODIES.get(operation_id)
    needs_body = "requestBody" in DOCUMENT["paths"][path][method]
    assert (body is not None) == needs_body, f"{operation_id}: add its body to BODIES"
    for headers in (alice, {**alice, "Idempotency-Key": "revoked-key"}):
        answer = client.open(url_of(path, objects), method=method, headers=headers,
                             json=body(objects) if callable(body) else body)
        assert answer.status_code == 401, (operation_id, answer.status_code, answer.text)
    assert everything(sql) == before


@pytest.fixture
def statements(monkeypatch):
    """Every statement run through psycopg, as it is sent: by a cursor, or at libpq's
    level by a hot read (app/queries' hot_rows)."""
    sent = []
    real_execute, real_hot_rows = psycopg.Cursor.execute, queries.hot_rows

    def execute(self, query, params=None, **kwargs):
        sent.append(query)
        return real_execute(self, query, params, **kwargs)

    def hot_rows(conn, query, *params):
        sent.append(query)
        return real_hot_rows(conn, query, *params)

    monkeypatch.setattr(psycopg.Cursor, "execute", execute)
    for module in (numbers, providers, routes):
        if hasattr(module, "hot_rows"):
            monkeypatch.setattr(module, "hot_rows", hot_rows)
    return sent


@pytest.mark.parametrize("path, platform_only", sorted({
    (path, declaration.platform_only) for path, method, declaration in operations(
        create_app(Config())) if declaration.fast is not None}))
def test_a_fast_read_with_a_known_key_is_one_statement_on_either_path(
        client, alice, objects, statements, monkeypatch, platform_key, path, platform_only):
    url = url_of(path, objects)
    if platform_only:
        alice = bearer(platform_key, "alice")  # acting for her (routes need no account)
    assert client.get(url, headers=alice).status_code == 200
    statements.clear()
    assert client.get(url, headers=alice).status_code == 200  # the fast path's
    assert len(statements) == 1, statements
    monkeypatch.setattr(fast_path.FastPath, "serve", lambda *_: None)  # all to Flask
    statements.clear()
    assert client.get(url, headers=alice).status_code == 200
    assert len(statements) == 1, statements


def hooks_on(app, endpoint):
    """Names of the functions Flask runs around a request to `endpoint`."""
    blueprint = endpoint.rpartition(".")[0]
    scopes = [None] + [name for name in app.blueprints
                       if blueprint == name or blueprint.startswith(name + ".")]
    found = set()
    for registry in (app.before_request_funcs, app.after_request_funcs,
                     app.teardown_request_funcs, app.url_value_preprocessors,
                     app.url_default_functions):
        for scope in scopes:
            found |= {function.__name__ for function in registry.get(scope, ())}
    return found | {function.__name__ for function in app.teardown_appcontext_funcs}


def test_the_fast_path_stands_in_for_every_flask_hook_on_its_routes(app):
    fast = {declaration.id for _, _, declaration in operations(app) if declaration.fast}
    assert fast, "no read is declared fast"
    for endpoint, view in app.view_functions.items():
        if getattr(getattr(view, "operation", None), "id", None) in fast:
            missing = hooks_on(app, endpoint) - set(fast_path.FLASK_HOOKS)
            assert not missing, f"{endpoint}: Flask runs {missing}, which the fast path skips"
    # Middleware inside the fast path would be skipped too: it hands over to Flask itself.
    layer = app.wsgi_app
    while not isinstance(layer, fast_path.FastPath):
        layer = getattr(layer, "direct", None) or layer.app
    assert layer.flask == app.__class__.wsgi_app.__get__(app)


def test_the_carriers_are_the_ones_the_database_allows(sql):
    from app.carriers import NAMES

    check = sql.execute("""
        SELECT pg_get_constraintdef(c.oid) AS check
          FROM pg_constraint c JOIN pg_type t ON t.oid = c.contypid
         WHERE t.typname = 'carrier'
    """).fetchone()["check"]
    assert sorted(re.findall(r"'([a-z]+)'", check)) == sorted(NAMES), check


def test_every_carrier_module_says_everything_about_its_carrier():
    from app.carriers import CARRIERS

    for name, carrier in CARRIERS.items():
        assert carrier.NAME == name
        for attribute in ("DISPLAY_NAME", "API_URL", "FORMS", "IN_HEADERS", "DESCRIPTION",
                          "required", "check_request", "fake_check", "ACCEPTED",
                          "UNAUTHORIZED"):
            assert hasattr(carrier, attribute), f"{name}: {attribute}"
        assert set(carrier.required(CREDENTIALS[name])) <= set(CREDENTIALS[name])


@pytest.mark.parametrize("operation_id, method, path", [
    o for o in OPERATIONS if o[0] != "getSealedProvider"])
def test_no_other_operation_answers_with_the_ciphertext(
        client, alice, platform_key, objects, sql, operation_id, method, path):
    stored = bytes(sql.execute("SELECT sealed_credentials FROM providers").fetchone()[
        "sealed_credentials"])
    body = BODIES.get(operation_id)
    for headers in (alice, bearer(platform_key, "alice")):
        answer = client.open(url_of(path, objects), method=method, json=body(objects)
                             if callable(body) else body,
                             headers={**headers, "Prefer": "return=representation"})
        assert answer.status_code < 500, (operation_id, answer.text)
        for form in (base64.b64encode(stored), stored.hex().encode(), stored):
            assert form not in answer.data, operation_id
