"""GET /api/v1/openapi.json: a valid OpenAPI 3.1 document of every route, as served."""

import re

from openapi_spec_validator import validate

from app.api.openapi import STATUSES


def document(client):
    answer = client.get("/api/v1/openapi.json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    return answer.json


def test_the_document_is_valid_openapi_3_1_without_a_key(client):
    doc = document(client)
    assert doc["openapi"] == "3.1.0"
    validate(doc)


def test_it_describes_every_route_the_app_serves_and_no_other(client, app):
    served = {
        (re.sub(r"<(\w+)>", r"{\1}", rule.rule), method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith("/api/v1/telephony") or rule.rule in ("/healthz", "/readyz")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    doc = document(client)
    described = {(path, method) for path, ops in doc["paths"].items() for method in ops
                 if method != "parameters"}
    assert described == served


def test_paths_are_as_served_and_servers_relative(client):
    doc = document(client)
    assert all(p.startswith("/api/v1/telephony/") or p in ("/healthz", "/readyz")
               for p in doc["paths"])
    assert [s["url"] for s in doc["servers"]] == ["/"]


def test_errors_are_text_and_every_operation_needs_the_bearer_key(client):
    doc = document(client)
    assert doc["components"]["securitySchemes"]["bearer"] == {"type": "http", "scheme": "bearer"}
    assert doc["security"] == [{"bearer": []}]
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if method == "parameters":
                continue
            # Errors: the text line, or problem details for an Accept that prefers them;
            # the service endpoints' (for load balancers) only the line.
            expected = (["text/plain", "application/problem+json"]
                        if path.startswith("/api/v1/telephony") else ["text/plain"])
            for status, response in operation["responses"].items():
                if int(status) >= 400:
                    assert list(response["content"]) == expected, (path, method, status)
            if path.startswith("/api/v1/telephony"):
                assert {"400", "401", "403", "500"} <= set(operation["responses"])
                names = [p["$ref"].rsplit("/", 1)[1] if "$ref" in p else p["name"]
                         for p in operation["parameters"]]
                assert "X-Account-ID" in names
                assert ("Idempotency-Key" in names) == (method == "post")


def test_bodies_and_queries_come_from_the_validating_schemas(client):
    doc = document(client)
    create = doc["components"]["schemas"]["CreateNumberRequest"]
    assert set(create["required"]) == {"e164", "credentials_id"}
    assert create["properties"]["e164"]["pattern"] == r"^\+[1-9][0-9]{1,14}$"
    listed = {p["name"] for p in doc["paths"]["/api/v1/telephony/numbers"]["get"]["parameters"]
              if "name" in p}
    assert listed == {"agent_id", "credentials_id", "provider", "e164", "limit", "cursor"}


def test_documented_statuses_are_the_ones_the_service_uses(client):
    doc = document(client)
    used = {int(s) for ops in doc["paths"].values() for method, op in ops.items()
            if method != "parameters" for s in op["responses"]}
    assert used <= set(STATUSES)
    post = doc["paths"]["/api/v1/telephony/providers"]["post"]["responses"]
    assert {"201", "409", "413", "422", "503"} <= set(post)
    assert "Location" in post["201"]["headers"]


def test_every_operation_has_one_tag_and_every_tag_is_declared(client):
    # The docs page and generated clients group operations by tag.
    doc = document(client)
    declared = [tag["name"] for tag in doc["tags"]]
    used = {}
    for path, operations in doc["paths"].items():
        for method, operation in operations.items():
            if method != "parameters":
                assert len(operation["tags"]) == 1, (path, method)
                used.setdefault(operation["tags"][0], []).append(path)
    assert set(used) == set(declared)
    assert {"providers", "numbers"} <= set(used)
    for tag, paths in used.items():
        if tag != "service":
            assert all(p.startswith(f"/api/v1/telephony/{tag}") for p in paths), tag
