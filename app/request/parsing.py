"""Strict reading of request bodies and query strings into loaded schemas.

Everything a client can send is checked here, before any view logic: content type,
JSON syntax, duplicate names, NUL characters, types and unknown fields.
"""

import json
import time

from flask import current_app, g, request
from marshmallow import Schema, ValidationError
from werkzeug.exceptions import ClientDisconnected

from ..errors import BodyTooLarge, InvalidBody, invalid_body, invalid_query

# Fields the server sets: ignored in bodies, as the seed says, rather than refused.
SERVER_SET = ("id", "account_id", "created_at", "updated_at")


class _Object(dict):
    """A parsed JSON object that remembers the first name it was given twice."""

    duplicate = None


def _object(pairs):
    # JSON parsers disagree on which duplicate wins; we refuse rather than guess. The
    # name is reported later, by _check, which knows the path to it.
    obj = _Object()
    for name, value in pairs:
        if name in obj and obj.duplicate is None:
            obj.duplicate = name
        obj[name] = value
    return obj


def _refuse_constant(name):
    raise InvalidBody(f"{name} is not JSON")


def _refuse_huge_int(digits):
    # No field takes a number this long; Python's own refusal would talk about itself.
    if len(digits) > 100:
        raise InvalidBody("a number has more than 100 digits")
    return int(digits)


def _check(value, path):
    """Refuse duplicate names, and what PostgreSQL cannot store: NUL characters and
    unpaired surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise invalid_body(path or "body", "must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise invalid_body(path or "body", "not valid Unicode") from None
    elif isinstance(value, dict):
        if getattr(value, "duplicate", None) is not None:
            raise invalid_body(_join(path, value.duplicate), "duplicate field")
        for name, item in value.items():
            _check(name, path)
            _check(item, _join(path, name))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check(item, f"{path}[{index}]")


def _join(path, name):
    return f"{path}.{name}" if path else name


def too_large():
    return BodyTooLarge(f"request body too large (limit {current_app.config['MAX_CONTENT_LENGTH']}"
                        " bytes)")


def raw_body():
    """The request's bytes, at most MAX_CONTENT_LENGTH of them; 413 beyond, 400 when the
    body's framing is broken (the connection is closed after the answer)."""
    if "raw_body" not in g:
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        if request.content_length is None and request.environ.get("wsgi.input_terminated"):
            # A chunked body: Werkzeug would cut it at the limit without a word.
            try:
                data = request.environ["wsgi.input"].read(limit + 1)
            except Exception:  # the server's own parse error: a bad size, cut short, ...
                raise InvalidBody("malformed chunked encoding",
                                  headers={"Connection": "close"}) from None
            if len(data) > limit:
                raise too_large()
        else:
            try:
                data = request.get_data()  # 413 at once when Content-Length is over the limit
            except ClientDisconnected:
                raise InvalidBody("shorter than its Content-Length",
                                  headers={"Connection": "close"}) from None
        g.raw_body = data
    return g.raw_body


def read_body_first():
    """Before the key is checked: read a POST or PATCH body, so that a slow upload is
    over before the request takes a connection (whose deadline would otherwise run
    during the upload, and end a healthy request as a database error)."""
    if request.method in ("POST", "PATCH"):
        if (request.content_length or 0) <= current_app.config["MAX_CONTENT_LENGTH"]:
            raw_body()
        g.database_clock = time.monotonic()


def json_object():
    """The request's body: a JSON object sent as application/json, or 400 (413)."""
    if (request.content_length or 0) > current_app.config["MAX_CONTENT_LENGTH"]:
        raise too_large()  # whatever its type: too large is the first problem
    if request.mimetype != "application/json":
        raise InvalidBody("Content-Type must be application/json")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise InvalidBody("charset must be utf-8")
    try:
        body = json.loads(
            raw_body().decode("utf-8"),
            object_pairs_hook=_object,
            parse_constant=_refuse_constant,
            parse_int=_refuse_huge_int,
        )
    except UnicodeDecodeError:
        raise InvalidBody("not valid UTF-8") from None
    except RecursionError:
        raise InvalidBody("nested too deeply") from None
    except json.JSONDecodeError as exc:
        problem = exc.msg.lower().removesuffix(" at")
        raise InvalidBody(
            f"malformed JSON: {problem} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(body, dict):
        raise InvalidBody("must be a JSON object")
    _check(body, "")
    return body


def first_problem(messages, prefix=""):
    """(field path, message) of the first error marshmallow reported."""
    name, problem = next(iter(messages.items()))
    path = prefix if name == "_schema" else f"{prefix}.{name}" if prefix else name
    if isinstance(problem, dict):
        return first_problem(problem, path)
    if isinstance(problem, list):
        problem = problem[0]
        if isinstance(problem, dict):
            return first_problem(problem, path)
    return path, problem


def check(rule, *args):
    """Run a body rule that raises ValidationError; answer 400 naming the field."""
    try:
        return rule(*args)
    except ValidationError as exc:
        path, problem = first_problem(exc.messages)
        if not path:
            raise InvalidBody(problem) from None
        raise invalid_body(path, problem) from None


def load_body(schema):
    """The request's body, validated by schema; server-set fields dropped."""
    body = json_object()
    for name in SERVER_SET:
        body.pop(name, None)
    if "_schema" in body:  # marshmallow's own key for errors of no field: name it here
        raise invalid_body("_schema", "unknown field")
    return check(schema.load, body)


class NoParameters(Schema):
    """What an endpoint with no query parameters takes: none."""

    error_messages = {"unknown": "unknown parameter"}


NO_PARAMETERS = NoParameters()


def refuse_unknown_parameters():
    """Before every telephony request whose view takes no query string: 400 naming the
    first parameter it was given anyway (a key pasted into the URL, a typo), rather than
    an answer that ignores it. Views with parameters check theirs in load_query."""
    view = current_app.view_functions.get(request.endpoint)
    declared = getattr(view, "operation", None)
    if request.args and (declared is None or declared.query is None):
        load_query(NO_PARAMETERS)


def load_query(schema):
    """The query string, validated by schema; each parameter may appear once."""
    args = {}
    for name, values in request.args.lists():
        if len(values) > 1:
            raise invalid_query(name, "given more than once")
        args[name] = values[0]
    if "_schema" in args:  # marshmallow's own key for errors of no field: name it here
        raise invalid_query("_schema", "unknown parameter")
    try:
        return schema.load(args)
    except ValidationError as exc:
        path, problem = first_problem(exc.messages)
        raise invalid_query(path, problem) from None
