"""/events: who changed which credential or number, and when; newest first."""

from flask import Blueprint, g

from ..queries import events
from ..request import db
from ..request.answers import json_answer
from ..request.pagination import decode, page
from ..request.parsing import load_query
from .operations import operation
from .schemas import EventList, ListEventsQuery

bp = Blueprint("events", __name__, url_prefix="/events")
list_query = ListEventsQuery()
# The order an event's data reads in, as the objects' fields do (jsonb keeps its own).
FIELD_ORDER = ("credentials", "e164", "provider", "label", "credentials_id", "agent_id",
               "inbound_enabled", "outbound_enabled", "fallback_e164", "credential_keys",
               "sealing_key_id", "verified_at")


def readable(data):
    """An event's data with its fields in the objects' order, each change from, then to."""
    return {name: ({"from": data[name]["from"], "to": data[name]["to"]}
                   if isinstance(data[name], dict) else data[name])
            for name in sorted(data, key=lambda n: FIELD_ORDER.index(n)
                               if n in FIELD_ORDER else len(FIELD_ORDER))}


def event_object(row):
    """An event as the API shows it; a platform key's actor names the account too, an
    operator's names the command instead of a key."""
    if row["kind"] == "operator":
        actor = {"kind": "operator", "command": row["command"]}
    else:
        actor = {"key_id": row["key_id"], "kind": row["kind"]}
    if row["kind"] == "platform":
        actor["account_id"] = row["account_id"]
    return {
        "id": row["id"], "type": row["type"], "object_id": row["object_id"], "actor": actor,
        "request_id": row["request_id"], "occurred_at": row["occurred_at"],
        "data": readable(row["data"]),
    }


def position(row):
    """What a cursor names of an event: its place in (occurred_at, id) order."""
    return {"created_at": row["occurred_at"], "id": row["id"]}


@bp.get("")
@operation("listEvents", "List the account's events, newest first", query=ListEventsQuery,
           answer=EventList)
def list_():
    query = load_query(list_query)
    rows = events.page(
        db.conn(), g.account_id,
        filters={name: query[name] for name in events.FILTERS if name in query},
        since=query.get("since"), before=decode("e", query.get("cursor")),
        limit=query["limit"] + 1,
    )
    rows, next_cursor = page("e", rows, query["limit"], as_object=position)
    return json_answer({"events": [event_object(row) for row in rows],
                        "next_cursor": next_cursor})
