"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, made from the schemas that validate.

Bodies, query strings and answers come from app/schemas.py through apispec's
marshmallow plugin, so the document cannot drift from what is checked. The table
below adds what schemas do not say: each operation's statuses and headers. A test
holds it to the app's routes.
"""

import json

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, current_app

from . import schemas
from .api import PREFIX
from .idempotency import HEADER as IDEMPOTENCY_KEY

bp = Blueprint("openapi", __name__)

ERROR = {"text/plain": {"schema": {"type": "string"}}}
REQUEST_ID = {"description": "The request's id (the caller's, when sane), also in the logs",
              "schema": {"type": "string"}}

# What each status means, wherever it appears.
STATUSES = {
    200: "OK",
    201: "Created",
    204: "Done; no body",
    400: "Invalid body, query or header, naming the field (also credentials the carrier rejected)",
    401: "Missing or invalid API key",
    403: "X-Account-ID does not match the API key",
    404: "Not found (also another account's id, or an id that is not a UUID)",
    409: "Conflict",
    413: "Body over 64 KiB",
    422: "Idempotency-Key reused with a different body",
    500: "Database error",
    502: "The carrier could not be asked to check the credentials; try again",
    503: "Encryption service unavailable",
}
AUTHED = (400, 401, 403, 500)

# (path below PREFIX, method): operationId, summary, request body schema, query schema,
# success (status, answer schema or None), extra error statuses, whether
# Idempotency-Key applies.
OPERATIONS = {
    ("/providers", "get"): ("listProviders", "List telephony provider credentials", None,
                            schemas.ListProvidersQuery, (200, "ProviderList"), (), False),
    ("/providers", "post"): ("createProvider", "Add a telephony provider credential", "CreateProviderRequest",
                             None, (201, "ProviderCredential"), (409, 413, 422, 502, 503), True),
    ("/providers/{id}", "get"): ("getProvider", "Get a telephony provider credential", None, None,
                                 (200, "ProviderCredential"), (404,), False),
    ("/providers/{id}", "patch"): ("updateProvider", "Rotate a credential or change its label",
                                   "UpdateProviderRequest", None, (204, None), (404, 413, 502, 503),
                                   False),
    ("/providers/{id}", "delete"): ("deleteProvider", "Delete a telephony provider credential", None, None,
                                    (204, None), (404, 409), False),
    ("/numbers", "get"): ("listNumbers", "List phone numbers", None, schemas.ListNumbersQuery,
                          (200, "NumberList"), (), False),
    ("/numbers", "post"): ("createNumber", "Register a phone number", "CreateNumberRequest", None,
                           (201, "PhoneNumber"), (409, 413, 422), True),
    ("/numbers/{id}", "get"): ("getNumber", "Get a phone number", None, None, (200, "PhoneNumber"), (404,),
                               False),
    ("/numbers/{id}", "patch"): ("updateNumber", "Pin or unpin a phone number to an agent",
                                 "UpdateNumberRequest", None, (204, None), (404, 413), False),
    ("/numbers/{id}", "delete"): ("deleteNumber", "Delete a phone number", None, None, (204, None), (404,),
                                  False),
    ("/events", "get"): ("listEvents", "List the account's events, newest first", None,
                         schemas.ListEventsQuery, (200, "EventList"), (), False),
}
# Operations are grouped by the first segment of their path below PREFIX (the docs page
# and generated clients show one group a tag); the service endpoints form their own.
TAGS = {
    "providers": "Carrier credentials: sealed before they are stored, never shown again",
    "numbers": "Phone numbers, bound to a credential and pinned to a voice agent",
    "events": "Who changed which credential or number, and when",
    "service": "Liveness and readiness; no key needed",
}
COMPONENTS = {
    "CreateProviderRequest": schemas.CreateProviderRequest,
    "UpdateProviderRequest": schemas.UpdateProviderRequest,
    "CreateNumberRequest": schemas.CreateNumberRequest,
    "UpdateNumberRequest": schemas.UpdateNumberRequest,
    "ProviderCredential": schemas.ProviderCredential,
    "ProviderList": schemas.ProviderList,
    "PhoneNumber": schemas.PhoneNumber,
    "NumberList": schemas.NumberList,
    "Event": schemas.Event,
    "EventList": schemas.EventList,
}


def property_names(self, field, **kwargs):
    """JSON Schema's propertyNames, which apispec does not carry over by itself."""
    names = field.metadata.get("propertyNames")
    return {"propertyNames": names} if names else {}


def build():
    """The document, as a dict."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Kataven Hub telephony API",
        version="1.0.0",
        openapi_version="3.1.0",
        plugins=[plugin],
        servers=[{"url": "/", "description": "this service (behind the proxy: /v1 is /api/v1)"}],
        info={"description": "Carrier credentials (sealed), phone numbers, agent pinning. "
                             "Errors are one line of text/plain naming the field."},
    )
    plugin.converter.add_attribute_function(property_names)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.parameter("X-Account-ID", "header", {
        "description": "The account to act for: required with a platform key; with an "
                       "account key, optional and its own account only",
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
    })
    spec.components.parameter(IDEMPOTENCY_KEY, "header", {
        "description": "Retries with the same key and body replay the first answer "
                       "(with Idempotent-Replayed: true) for 24 hours",
        "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
    })
    for name, schema in COMPONENTS.items():
        spec.components.schema(name, schema=schema)
    for name, description in TAGS.items():
        spec.tag({"name": name, "description": description})
    paths = {}
    for (path, method), operation in OPERATIONS.items():
        paths.setdefault(path, {})[method] = {"tags": [path.split("/")[1]],
                                              **_operation(plugin, *operation)}
    for path, methods in paths.items():
        parameters = []
        if "{id}" in path:
            parameters.append({"name": "id", "in": "path", "required": True,
                               "schema": {"type": "string", "format": "uuid"}})
        spec.path(path=PREFIX + path, operations=methods, parameters=parameters)
    for path, summary, answers in (
        ("/healthz", "Liveness: the process serves", {200: "ok"}),
        ("/readyz", "Readiness: database and sealing key", {200: "ok", 503: "what is missing"}),
    ):
        spec.path(path=path, operations={"get": {
            "tags": ["service"], "summary": summary, "security": [],
            "responses": {str(s): {"description": d, "content": ERROR, "headers": {
                "X-Request-ID": REQUEST_ID}} for s, d in answers.items()},
        }})
    document = spec.to_dict()
    document["security"] = [{"bearer": []}]
    for name in COMPONENTS:
        if name.endswith("Request"):
            # An object's server-set fields, sent back as read, are ignored, not refused.
            properties = document["components"]["schemas"][name]["properties"]
            for field in schemas.SERVER_SET:
                properties[field] = {"description": "set by the server; ignored if sent"}
    return document


# The new object's id leads to the operations on it (clients and stateful fuzzing follow).
LINKS = {
    "createProvider": ("getProvider", "updateProvider", "deleteProvider"),
    "createNumber": ("getNumber", "updateNumber", "deleteNumber"),
}


def _operation(plugin, operation_id, summary, body, query, success, errors, idempotent):
    status, answer = success
    responses = {str(status): {"description": STATUSES[status], "headers": {
        "X-Request-ID": REQUEST_ID}}}
    if answer:
        responses[str(status)]["content"] = {"application/json": {"schema": answer}}
    if status == 201:
        responses[str(status)]["headers"]["Location"] = {
            "description": "The new object's path", "schema": {"type": "string"}}
        responses[str(status)]["links"] = {
            target: {"operationId": target, "parameters": {"id": "$response.body#/id"}}
            for target in LINKS[operation_id]}
    if idempotent:
        responses[str(status)]["headers"]["Idempotent-Replayed"] = {
            "description": "true when this is the kept answer of an earlier request",
            "schema": {"type": "string", "enum": ["true"]}}
    for code in sorted({*AUTHED, *errors}):
        responses[str(code)] = {"description": STATUSES[code], "content": ERROR,
                                "headers": {"X-Request-ID": REQUEST_ID}}
    responses["401"]["headers"]["WWW-Authenticate"] = {"schema": {"type": "string",
                                                                  "enum": ["Bearer"]}}
    parameters = ["X-Account-ID"]  # components, by name
    if idempotent:
        parameters.append(IDEMPOTENCY_KEY)
    if query is not None:
        parameters += plugin.converter.schema2parameters(query, location="query")
    operation = {"operationId": operation_id, "summary": summary, "parameters": parameters,
                 "responses": responses}
    if body:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": body}}}
    return operation


def init_app(app):
    # Built once, at start-up: a schema the document cannot describe fails the start.
    app.extensions["openapi"] = json.dumps(build(), separators=(",", ":"))
    app.register_blueprint(bp)


@bp.get("/api/v1/openapi.json")
def document():
    return Response(current_app.extensions["openapi"], content_type="application/json")
