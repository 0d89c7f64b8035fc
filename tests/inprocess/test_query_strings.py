"""Query strings: every endpoint takes only its own parameters. A key pasted into the URL
or a typo is a 400 naming it, on the single-object endpoints and the POSTs too."""

import json

import pytest

from app import create_app
from app.api.operations import operations
from app.config import Config
from tests.support.api import CREDENTIALS, E164S, add_number, add_provider, bearer, error, url_of

DOCUMENT = json.loads(create_app(Config()).extensions["openapi"])
OPERATIONS = sorted(
    (operation["operationId"], method, path)
    for path, item in DOCUMENT["paths"].items() if path.startswith("/api/v1/telephony/")
    for method, operation in item.items() if method != "parameters"
)
BODIES = {
    "createProvider": {"provider": "plivo", "credentials": CREDENTIALS["plivo"]},
    "updateProvider": {"label": "Renamed"},
    "createNumber": lambda ids: {"e164": E164S[1], "credentials_id": ids["providers"]},
    "updateNumber": {"agent_id": "agent_2"},
}


PLATFORM_ONLY = {declaration.id for _, _, declaration in operations(create_app(Config()))
                 if declaration.platform_only}


@pytest.fixture
def objects(client, alice):
    credential = add_provider(client, alice)
    number = add_number(client, alice, credential["id"])
    return {"providers": credential["id"], "numbers": number["id"], "e164": number["e164"]}


@pytest.mark.parametrize("operation_id, method, path", OPERATIONS)
@pytest.mark.parametrize("parameter", ["api_key", "anything"])
def test_an_unknown_parameter_is_400_naming_it_on_every_endpoint(
        client, alice, platform_key, objects, operation_id, method, path, parameter):
    body = BODIES.get(operation_id)
    headers = bearer(platform_key, "alice") if operation_id in PLATFORM_ONLY else alice
    url = url_of(path, objects) + f"?{parameter}=1"
    answer = client.open(url, method=method, headers=headers,
                         json=body(objects) if callable(body) else body)
    assert error(answer) == (400, f"invalid query: {parameter}: unknown parameter")


def test_nothing_is_changed_by_a_refused_request(client, alice, objects, sql):
    before = sql.execute("SELECT count(*) AS n FROM events").fetchone()
    client.patch(f"/api/v1/telephony/numbers/{objects['numbers']}?x=1",
                 json={"agent_id": "agent_9"}, headers=alice)
    assert sql.execute("SELECT count(*) AS n FROM events").fetchone() == before
