"""GET /api/v1/openapi.json: the OpenAPI 3.1 document, made from the app's own routes and
the declarations on their views (app/api/operations.py).

Bodies, query strings and answers come from app/api/schemas.py through apispec's
marshmallow plugin, so the document cannot drift from what is checked; each route's
declaration gives its statuses and headers, so a new endpoint is documented where it is
written.
"""

import json
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from flask import Blueprint, Response, current_app

from .. import __version__
from ..errors import CODES
from ..request.idempotency import HEADER as IDEMPOTENCY_KEY
from ..request.parsing import SERVER_SET
from .operations import operations

bp = Blueprint("openapi", __name__)

# An error is one line of text, or RFC 9457 problem details for a request whose Accept
# prefers them.
TEXT = {"text/plain": {"schema": {"type": "string"}}}
ERROR = {**TEXT,
         "application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
PROBLEM = {
    "type": "object",
    "description": "RFC 9457 problem details, for a request whose Accept prefers "
                   "application/problem+json",
    "required": ["type", "title", "status", "detail", "code", "request_id"],
    "properties": {
        "type": {"type": "string", "example": "urn:kataven:error:duplicate_number"},
        "title": {"type": "string", "example": CODES["duplicate_number"][1]},
        "status": {"type": "integer", "example": 400},
        "detail": {"type": "string", "description": "the text line's words, without its newline",
                   "example": "duplicate number: +12025550123 is already registered"},
        "code": {"type": "string", "enum": list(CODES),
                 "description": "stable across versions: what a program tells errors apart by"},
        "field": {"type": "string", "example": "e164",
                  "description": "the field or parameter at fault (a dotted path), when one is"},
        "request_id": {"type": "string", "description": "the answer's X-Request-ID"},
    },
}
REQUEST_ID = {"description": "The request's id (the caller's, when sane), also in the logs",
              "schema": {"type": "string"}}

# What each status means, wherever it appears.
STATUSES = {
    200: "OK",
    201: "Created",
    204: "Done; no body",
    400: "Invalid body, query or header, naming the field (also credentials the carrier rejected)",
    401: "Missing or invalid API key",
    403: "X-Account-ID does not match the API key (or an account key where a platform key "
         "is needed)",
    404: "Not found (also another account's id, or an id that is not a UUID)",
    409: "Conflict",
    413: "Body over 64 KiB",
    422: "Idempotency-Key reused with a different body",
    500: "Database error",
    502: "The carrier could not be asked to check the credentials; try again",
    503: "Encryption service unavailable",
}
# What every operation with a key can answer.
AUTHED = (400, 401, 403, 500)
TAGS = {
    "providers": "Carrier credentials: sealed before they are stored, never shown again",
    "numbers": "Phone numbers, bound to a credential and pinned to a voice agent",
    "events": "Who changed which credential or number, and when",
    "routes": "For the platform's router and dial-out: who answers a number (platform keys)",
    "service": "Liveness and readiness; no key needed",
}
# What a path's {parameter} is.
PATH_PARAMETERS = {
    "id": {"schema": {"type": "string", "format": "uuid"}},
    "e164": {"schema": {"type": "string", "pattern": r"^\+[1-9][0-9]{1,14}$",
                        "example": "+12025550123"},
             "description": "the number as registered, + included (%2B accepted)"},
}
ACCOUNT_OPTIONAL = {
    "name": "X-Account-ID", "in": "header", "required": False,
    "description": "Not needed: the number names its account. When sent, another "
                   "account's number answers 404 as an unknown one",
    "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
}
SERVICE = (
    ("/healthz", "Liveness: the process serves", {200: "ok"}),
    ("/readyz", "Readiness: database and sealing key", {200: "ok", 503: "what is missing"}),
)


def property_names(self, field, **kwargs):
    """JSON Schema's propertyNames, which apispec does not carry over by itself."""
    names = field.metadata.get("propertyNames")
    return {"propertyNames": names} if names else {}


def build(app):
    """The document of `app`'s declared routes, as a dict."""
    plugin = MarshmallowPlugin()
    spec = APISpec(
        title="Kataven Hub telephony API",
        version=__version__,
        openapi_version="3.1.0",
        plugins=[plugin],
        servers=[{"url": "/", "description": "this service (behind the proxy: /v1 is /api/v1)"}],
        info={"description": "Carrier credentials (sealed), phone numbers, agent pinning. "
                             "Errors are one line of text/plain naming the field, or "
                             "problem details with a stable code for a request whose "
                             "Accept prefers application/problem+json."},
    )
    plugin.converter.add_attribute_function(property_names)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    spec.components.parameter("X-Account-ID", "header", {
        "description": "The account to act for: required with a platform key; with an "
                       "account key, optional and its own account only",
        "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{1,64}$"},
    })
    spec.components.parameter("Prefer", "header", {
        "description": "return=representation: answer 200 with the object as the change "
                       "left it (and Preference-Applied), rather than 204",
        "schema": {"type": "string", "example": "return=representation"},
    })
    spec.components.schema("Problem", PROBLEM)
    spec.components.parameter(IDEMPOTENCY_KEY, "header", {
        "description": "Retries with the same key and body replay the first answer "
                       "(with Idempotent-Replayed: true) for 24 hours",
        "schema": {"type": "string", "pattern": "^[!-~]{1,255}$"},
    })
    declared = operations(app)
    requests = []
    for _, _, declaration in declared:
        for schema in (declaration.body, declaration.answer):
            if schema is not None and schema.__name__ not in spec.components.schemas:
                spec.components.schema(schema.__name__, schema=schema)
                if schema is declaration.body:
                    requests.append(schema.__name__)
    for name, description in TAGS.items():
        spec.tag({"name": name, "description": description})
    paths = {}
    for path, method, declaration in declared:
        tag = declaration.tag or path.split("/")[4]  # /api/v1/telephony/<tag>...
        paths.setdefault(path, {})[method] = {
            "tags": [tag], **_operation(plugin, declaration, links(declared, path, declaration))}
    for path, methods in paths.items():
        parameters = [{"name": name, "in": "path", "required": True, **PATH_PARAMETERS[name]}
                      for name in re.findall(r"\{(\w+)\}", path)]
        spec.path(path=path, operations=methods, parameters=parameters)
    for path, summary, answers in SERVICE:
        spec.path(path=path, operations={"get": {
            "tags": ["service"], "summary": summary, "security": [],
            "responses": {str(s): {"description": d, "content": TEXT, "headers": {
                "X-Request-ID": REQUEST_ID}} for s, d in answers.items()},
        }})
    document = spec.to_dict()
    document["security"] = [{"bearer": []}]
    for name in requests:
        # An object's server-set fields, sent back as read, are ignored, not refused.
        properties = document["components"]["schemas"][name]["properties"]
        for field in SERVER_SET:
            properties[field] = {"description": "set by the server; ignored if sent",
                                 "readOnly": True}
    return document


def links(declared, path, declaration):
    """A create's links: the new object's id leads to the operations on it (clients and
    stateful fuzzing follow them)."""
    if declaration.status != 201:
        return {}
    item = f"{path}/{{id}}"
    return {other.id: {"operationId": other.id, "parameters": {"id": "$response.body#/id"}}
            for other_path, _, other in declared if other_path == item}


def _operation(plugin, declaration, linked):
    status = declaration.status
    success = {"description": STATUSES[status], "headers": {"X-Request-ID": REQUEST_ID}}
    if declaration.answer is not None:
        success["content"] = {"application/json": {"schema": declaration.answer.__name__}}
    if status == 201:
        success["headers"]["Location"] = {
            "description": "The new object's path", "schema": {"type": "string"}}
    if linked:
        success["links"] = linked
    if declaration.idempotent:
        success["headers"]["Idempotent-Replayed"] = {
            "description": "true when this is the kept answer of an earlier request",
            "schema": {"type": "string", "enum": ["true"]}}
    responses = {str(status): success}
    if declaration.representation is not None:
        responses["200"] = {
            "description": "Done, with Prefer: return=representation: the object as the "
                           "change left it",
            "headers": {"X-Request-ID": REQUEST_ID, "Preference-Applied": {
                "schema": {"type": "string", "enum": ["return=representation"]}}},
            "content": {"application/json": {"schema": declaration.representation.__name__}}}
    for code in sorted({*AUTHED, *declaration.errors}):
        codes = ", ".join(name for name, (status, _) in CODES.items()
                          if status == code and name != "internal_error")
        responses[str(code)] = {"description": f"{STATUSES[code]} (code: {codes})",
                                "content": ERROR, "headers": {"X-Request-ID": REQUEST_ID}}
    responses["401"]["headers"]["WWW-Authenticate"] = {"schema": {"type": "string",
                                                                  "enum": ["Bearer"]}}
    # Components, by name; an operation where the account is optional says so itself.
    parameters = [ACCOUNT_OPTIONAL if declaration.account_optional else "X-Account-ID"]
    if declaration.idempotent:
        parameters.append(IDEMPOTENCY_KEY)
    if declaration.representation is not None:
        parameters.append("Prefer")
    if declaration.query is not None:
        parameters += plugin.converter.schema2parameters(declaration.query, location="query")
    operation = {"operationId": declaration.id, "summary": declaration.summary,
                 "parameters": parameters, "responses": responses}
    if declaration.body is not None:
        operation["requestBody"] = {"required": True, "content": {
            "application/json": {"schema": declaration.body.__name__}}}
    return operation


def init_app(app):
    """Build the document once, at start-up, after every route is registered: a schema
    the document cannot describe fails the start."""
    app.extensions["openapi"] = json.dumps(build(app), separators=(",", ":"))
    app.register_blueprint(bp)


@bp.get("/api/v1/openapi.json")
def document():
    return Response(current_app.extensions["openapi"], content_type="application/json")
