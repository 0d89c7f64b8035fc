"""Strict reading of request bodies and query strings into loaded schemas.

Everything a client can send is checked here, before any view logic: content type,
JSON syntax, duplicate names, NUL characters, types and unknown fields.
"""

import json

from flask import request
from marshmallow import ValidationError

from .errors import BadRequest, invalid_body, invalid_query
from .schemas import SERVER_SET


def _refuse_duplicates(pairs):
    # JSON parsers disagree on which duplicate wins; refuse rather than guess.
    obj = {}
    for name, value in pairs:
        if name in obj:
            raise invalid_body(name, "duplicate field")
        obj[name] = value
    return obj


def _refuse_constant(name):
    raise BadRequest(f"invalid body: {name} is not JSON")


def _check_strings(value, path):
    """Refuse what PostgreSQL cannot store: NUL characters and unpaired surrogates."""
    if isinstance(value, str):
        if "\x00" in value:
            raise invalid_body(path or "body", "must not contain NUL characters")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise invalid_body(path or "body", "not valid Unicode") from None
    elif isinstance(value, dict):
        for name, item in value.items():
            _check_strings(name, path)
            _check_strings(item, f"{path}.{name}" if path else name)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _check_strings(item, f"{path}[{index}]")


def json_object():
    """The request's body: a JSON object sent as application/json, or 400."""
    if request.mimetype != "application/json":
        raise BadRequest("invalid body: Content-Type must be application/json")
    charset = request.mimetype_params.get("charset", "utf-8").lower()
    if charset not in ("utf-8", "utf8"):
        raise BadRequest("invalid body: charset must be utf-8")
    raw = request.get_data(cache=False)  # a body over the limit raises 413 here
    try:
        body = json.loads(
            raw.decode("utf-8"),
            object_pairs_hook=_refuse_duplicates,
            parse_constant=_refuse_constant,
        )
    except UnicodeDecodeError:
        raise BadRequest("invalid body: not valid UTF-8") from None
    except RecursionError:
        raise BadRequest("invalid body: nested too deeply") from None
    except ValueError as exc:
        problem = exc.msg if isinstance(exc, json.JSONDecodeError) else str(exc)
        raise BadRequest(f"invalid body: malformed JSON: {problem.lower()}") from None
    if not isinstance(body, dict):
        raise BadRequest("invalid body: must be a JSON object")
    _check_strings(body, "")
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
            raise BadRequest(f"invalid body: {problem}") from None
        raise invalid_body(path, problem) from None


def load_body(schema):
    """The request's body, validated by schema; server-set fields dropped."""
    body = json_object()
    for name in SERVER_SET:
        body.pop(name, None)
    return check(schema.load, body)


def load_query(schema):
    """The query string, validated by schema; each parameter may appear once."""
    args = {}
    for name, values in request.args.lists():
        if len(values) > 1:
            raise invalid_query(name, "given more than once")
        args[name] = values[0]
    try:
        return schema.load(args)
    except ValidationError as exc:
        path, problem = first_problem(exc.messages)
        raise invalid_query(path, problem) from None
