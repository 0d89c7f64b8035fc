"""The models follow the served OpenAPI document: each has its schema's fields, with their types.

Field by field: the same names, each field's type (null as None, date-time as datetime,
enums as Literals, arrays as tuples, references as their models, other objects as
Mappings), what may be left out defaulting to None; and from_json reads each field from
its own key.
"""

from __future__ import annotations

import collections.abc
import dataclasses
import types
from datetime import datetime
from typing import Any, Literal, Mapping, Union, get_args, get_origin, get_type_hints

import pytest

from kataven import Actor, Event, PhoneNumber, Provider, Route, SealedCredential

# The model of each object the service answers with, by its schema's name. The lists'
# schemas (ProviderList, ...) are pages of these: pagination.py reads them.
MODELS: dict[str, type[Any]] = {
    "ProviderCredential": Provider, "PhoneNumber": PhoneNumber, "Event": Event, "Actor": Actor,
    "Route": Route, "SealedCredential": SealedCredential}

# The document names no answer field as required (apispec lists the fields marked
# required, a mark only loading reads, and answers are only dumped), so a field is taken
# as in every answer, as the Node SDK's types take it (`Result<T> = Required<T>`), unless
# its schema has a `required` list that leaves it out, or it is one of these.
LEFT_OUT_OF_SOME_ANSWERS = {"Actor.account_id"}  # only a platform key's changes name it


def named(ref: str) -> str:
    """A component schema's name, from its reference ("#/components/schemas/Event")."""
    return ref.rsplit("/", 1)[-1]


def schema_of(document: Mapping[str, Any], ref: str) -> Mapping[str, Any]:
    schema: Mapping[str, Any] = document["components"]["schemas"][named(ref)]
    return schema


def always_there(schema: Mapping[str, Any], model: str, field: str) -> bool:
    if "required" in schema:
        return field in schema["required"]
    return f"{model}.{field}" not in LEFT_OUT_OF_SOME_ANSWERS


def kinds(prop: Mapping[str, Any]) -> tuple[str | None, bool]:
    """(the property's JSON type, whether it may be null)."""
    declared = prop.get("type")
    declared = declared if isinstance(declared, list) else [declared]
    others = [kind for kind in declared if kind != "null"]
    assert len(others) == 1, f"this test reads a type, or a type or null: {prop}"
    return others[0], "null" in declared


def documented(prop: Mapping[str, Any]) -> str:
    """The Python type, spelled out, a model gives a property the document describes."""
    if "$ref" in prop:
        return MODELS[named(prop["$ref"])].__name__
    if not prop:
        return "Any"  # JSON Schema's {}: any value
    kind, nullable = kinds(prop)
    if "enum" in prop:  # SDK.md: closed sets are Literals
        python = f"Literal[{', '.join(repr(v) for v in sorted(prop['enum']))}]"
    elif kind == "string":
        python = "datetime" if prop.get("format") == "date-time" else "str"
    elif kind == "array":  # a tuple: the models are frozen
        python = f"tuple[{documented(prop['items'])}, ...]"
    elif kind == "object":
        python = f"Mapping[str, {documented(prop.get('additionalProperties', {}))}]"
    else:
        python = {"boolean": "bool", "integer": "int", "number": "float"}[str(kind)]
    return f"{python} | None" if nullable else python


def spelled(hint: Any) -> str:
    """A model field's type, spelled out as documented() spells the document's."""
    origin, args = get_origin(hint), get_args(hint)
    if origin in (Union, types.UnionType):
        others = [arg for arg in args if arg is not type(None)]
        return " | ".join(map(spelled, others)) + (" | None" if len(others) < len(args) else "")
    if origin is Literal:
        return f"Literal[{', '.join(repr(v) for v in sorted(args))}]"
    if origin is tuple and len(args) == 2 and args[1] is Ellipsis:
        return f"tuple[{spelled(args[0])}, ...]"
    if origin is collections.abc.Mapping:
        return f"Mapping[{spelled(args[0])}, {spelled(args[1])}]"
    if hint is Any:
        return "Any"
    return hint.__name__ if isinstance(hint, type) else repr(hint)


def is_page(schema: Mapping[str, Any]) -> bool:
    """A list's answer: its items, and the cursor of the next page."""
    items = [prop for field, prop in schema["properties"].items() if field != "next_cursor"]
    return ("next_cursor" in schema["properties"] and len(items) == 1
            and kinds(items[0])[0] == "array" and "$ref" in items[0]["items"])


def test_every_object_the_service_answers_with_has_a_model(document: Mapping[str, Any]
                                                           ) -> None:
    answered: set[str] = set()

    def visit(schema: Mapping[str, Any]) -> None:
        if "$ref" in schema:
            name = named(schema["$ref"])
            if name not in answered:
                answered.add(name)
                visit(schema_of(document, name))
        for prop in schema.get("properties", {}).values():
            visit(prop)
        if "items" in schema:
            visit(schema["items"])

    for item in document["paths"].values():
        for operation in item.values():
            if not isinstance(operation, dict):
                continue  # the path's parameters
            for status, answer in operation["responses"].items():
                if status.startswith("2") and "application/json" in answer.get("content", {}):
                    visit(answer["content"]["application/json"]["schema"])
    pages = {name for name in answered if is_page(schema_of(document, name))}
    assert answered - pages == set(MODELS), "a model per object the service answers with"


@pytest.mark.parametrize("name", sorted(MODELS))
def test_each_model_has_its_schemas_fields_with_their_types(document: Mapping[str, Any],
                                                            name: str) -> None:
    schema, model = schema_of(document, name), MODELS[name]
    fields = {field.name: field for field in dataclasses.fields(model)}
    assert sorted(fields) == sorted(schema["properties"]), f"{model.__name__}'s fields"
    hints = get_type_hints(model)
    for field, prop in schema["properties"].items():
        there = always_there(schema, name, field)
        expected = documented(prop)
        if not there and not expected.endswith(" | None"):
            expected += " | None"  # left out reads as None
        assert spelled(hints[field]) == expected, f"{model.__name__}.{field}"
        default = fields[field].default
        if not there:
            assert default is None, f"{model.__name__}.{field}: None when left out"
        elif " | None" not in expected:
            assert default is dataclasses.MISSING, f"{model.__name__}.{field}: always given"


def full(document: Mapping[str, Any], prop: Mapping[str, Any], field: str = "",
         position: int = 0) -> Any:
    """A JSON value of the property, with every field an object may have, each telling
    its field apart from the others (so that a field read from another shows)."""
    if "$ref" in prop:
        schema = schema_of(document, prop["$ref"])
        return {name: full(document, p, name, i)
                for i, (name, p) in enumerate(schema["properties"].items())}
    if not prop:
        return {"from": None, "to": field}
    kind, _ = kinds(prop)
    if "enum" in prop:
        values = [value for value in prop["enum"] if value is not None]
        return values[position % len(values)]
    if kind == "string" and prop.get("format") == "date-time":
        return f"2026-11-28T18:06:{position:02d}.626657Z"
    if kind == "string":
        return f"{field}-value"
    if kind == "array":
        return [full(document, prop["items"], f"{field}.{i}", i) for i in range(2)]
    if kind == "object":
        return {field: full(document, prop.get("additionalProperties", {}), field, position)}
    return {"boolean": position % 2 == 0, "integer": position, "number": position / 2}[str(kind)]


def sparse(document: Mapping[str, Any], ref: str) -> dict[str, Any]:
    """A JSON object of the schema with what may be null null, and what may be left out
    left out."""
    schema, name = schema_of(document, ref), named(ref)
    value = {}
    for field, prop in schema["properties"].items():
        if not always_there(schema, name, field):
            continue
        if "$ref" in prop:
            value[field] = sparse(document, prop["$ref"])
        else:
            value[field] = None if kinds(prop)[1] else full(document, prop)
    return value


def read(document: Mapping[str, Any], prop: Mapping[str, Any], value: Any) -> Any:
    """What a model holds for a JSON value of the property: the test's own reading."""
    if value is None:
        return None
    if "$ref" in prop:
        schema = schema_of(document, prop["$ref"])
        model = MODELS[named(prop["$ref"])]
        return model(**{field: read(document, schema["properties"][field], v)
                        for field, v in value.items()})
    if prop and kinds(prop)[0] == "array":
        return tuple(read(document, prop["items"], item) for item in value)
    if prop.get("format") == "date-time":
        return datetime.fromisoformat(value.replace("Z", "+00:00"))
    return value


@pytest.mark.parametrize("name", sorted(MODELS))
def test_from_json_reads_every_field_as_its_type(document: Mapping[str, Any],
                                                 name: str) -> None:
    ref = {"$ref": f"#/components/schemas/{name}"}
    for value in (full(document, ref), sparse(document, ref["$ref"])):
        made, expected = MODELS[name].from_json(value), read(document, ref, value)
        assert dataclasses.asdict(made) == dataclasses.asdict(expected)
