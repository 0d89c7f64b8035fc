"""The peer: the FastAPI + asyncpg service a user would otherwise write for the hot reads.

Written as such a service would be, at its best settings: uvicorn with uvloop and
httptools, an asyncpg pool per worker, orjson answers, one SELECT per request that
also checks the key (SHA-256 of the bearer key, as the service keeps it), each
number's JSON built from its columns. Only what `make bench` measures is here: the
list of numbers (limit, cursor), one number, and a call's route (platform keys); the
same statuses and bodies as the service for those, which bench/run.py checks byte for
byte before it measures.

PEER_POOLED=1 is the peer through PgBouncer in transaction mode, as asyncpg's documents
say to run it there: no statement cache (a prepared statement does not outlive its
transaction's server connection) and no startup settings (PgBouncer refuses them).

Run: DATABASE_URL=... uvicorn bench.peers.fastapi_app:app --workers 2 --loop uvloop
--http httptools --no-access-log (bench/run.py does, from .venv-bench).
"""

import base64
import hashlib
import os
import re
import uuid
from contextlib import asynccontextmanager
from datetime import datetime, timezone

import asyncpg
import orjson
import phonenumbers
from fastapi import FastAPI, Request
from fastapi.responses import PlainTextResponse, Response

PREFIX = "/api/v1/telephony"
BEARER = re.compile(r"Bearer +([A-Za-z0-9._~+/-]{1,200}=*)", re.IGNORECASE)
POSITION = re.compile(r"n\|(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)\|([0-9a-f-]{36})")
# Each number's fields, in the contract's order; the timestamps formatted by PostgreSQL
# (to_char, cheaper there than a strftime per field here).
RFC3339 = """'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'"""
COLUMNS = f"""n.id::text AS id, n.e164, n.provider, n.credentials_id::text AS credentials_id,
             n.agent_id, n.inbound_enabled, n.outbound_enabled, n.fallback_e164,
             to_char(n.created_at AT TIME ZONE 'UTC', {RFC3339}) AS created_at,
             to_char(n.updated_at AT TIME ZONE 'UTC', {RFC3339}) AS updated_at"""
# The key's check and the page in one statement: no key, no rows; a key, and its
# account's page (a NULL row when the account has none).
LIST = f"""
    SELECT {COLUMNS}
      FROM api_keys k
      LEFT JOIN LATERAL (SELECT * FROM numbers n
                          WHERE n.account_id = k.account_id
                            AND (n.created_at, n.id) > ($2, $3)
                          ORDER BY n.created_at, n.id
                          LIMIT $4) n ON true
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND k.kind = 'account'
"""
GET = f"""
    SELECT {COLUMNS}
      FROM api_keys k
      LEFT JOIN numbers n ON n.id = $2 AND n.account_id = k.account_id
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND k.kind = 'account'
"""
# A call's route: the platform key's check, the number by its unique index and its
# credential, and the routing rule, in one statement.
ROUTE = """
    SELECT n.e164, n.account_id, n.id::text AS number_id, n.provider,
           n.credentials_id::text AS credentials_id, p.sealing_key_id, n.agent_id,
           n.inbound_enabled, n.outbound_enabled, n.fallback_e164,
           CASE WHEN n.inbound_enabled AND n.agent_id IS NOT NULL THEN 'agent'
                WHEN n.inbound_enabled AND n.fallback_e164 IS NOT NULL THEN 'fallback'
                ELSE 'reject' END AS inbound
      FROM api_keys k
      LEFT JOIN (numbers n JOIN providers p ON p.id = n.credentials_id)
             ON n.e164 = $2 AND ($3::text IS NULL OR n.account_id = $3)
     WHERE k.key_hash = $1 AND k.revoked_at IS NULL AND k.kind = 'platform'
"""
E164 = re.compile(r"\+[1-9][0-9]{1,14}")
EPOCH = ("1970-01-01T00:00:00.000000Z", "00000000-0000-0000-0000-000000000000")



class NoReset(asyncpg.Connection):
    """No reset statement (UNLISTEN, RESET ALL, ...) at each return to the pool: these
    requests leave no session state behind, and the reset doubled the statements."""

    def get_reset_query(self):
        return ""


@asynccontextmanager
async def lifespan(app):
    # One pool per worker process, as many connections as the service's worker has.
    size = int(os.environ.get("PEER_POOL_SIZE", "4"))
    pooled = os.environ.get("PEER_POOLED") == "1"
    app.state.pool = await asyncpg.create_pool(
        os.environ["DATABASE_URL"], min_size=size, max_size=size, connection_class=NoReset,
        **({"statement_cache_size": 0} if pooled else
           {"server_settings": {"plan_cache_mode": "force_generic_plan"}}))
    yield
    await app.state.pool.close()


app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None, lifespan=lifespan)


def text(status, message, headers=None):
    return PlainTextResponse(message + "\n", status, headers,
                             media_type="text/plain; charset=utf-8")


def unauthorized():
    return text(401, "missing or invalid API key", {"WWW-Authenticate": "Bearer"})


def key_hash(request):
    match = BEARER.fullmatch(request.headers.get("authorization", "").strip())
    return match and hashlib.sha256(match.group(1).encode()).digest()


def moment(text):
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%S.%fZ").replace(tzinfo=timezone.utc)


def number(row):
    return dict(row.items())


def json(obj):
    return Response(orjson.dumps(obj), media_type="application/json")


@app.get(PREFIX + "/numbers")
async def list_numbers(request: Request, limit: str = "50", cursor: str | None = None):
    digest = key_hash(request)
    if not digest:
        return unauthorized()
    if not limit.isdigit() or not 1 <= int(limit) <= 200:
        return text(400, "invalid query: limit: must be between 1 and 200")
    after = EPOCH
    if cursor is not None:
        try:
            after = POSITION.fullmatch(
                base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()).groups()
        except (ValueError, AttributeError):
            return text(400, "invalid query: cursor: not a cursor of this list")
    size = int(limit)
    rows = await app.state.pool.fetch(
        LIST, digest, moment(after[0]), uuid.UUID(after[1]), size + 1)
    if not rows:
        return unauthorized()
    numbers = [number(row) for row in rows if row["id"] is not None]
    next_cursor = None
    if len(numbers) > size:
        numbers = numbers[:size]
        position = f"n|{numbers[-1]['created_at']}|{numbers[-1]['id']}"
        next_cursor = base64.urlsafe_b64encode(position.encode()).decode().rstrip("=")
    return json({"numbers": numbers, "next_cursor": next_cursor})


@app.get(PREFIX + "/numbers/{number_id}")
async def get_number(request: Request, number_id: str):
    digest = key_hash(request)
    if not digest:
        return unauthorized()
    try:
        wanted = uuid.UUID(number_id)
    except ValueError:
        return text(404, "phone number not found")
    row = await app.state.pool.fetchrow(GET, digest, wanted)
    if row is None:
        return unauthorized()
    if row["id"] is None:
        return text(404, "phone number not found")
    return json(number(row))


def is_valid_e164(value):
    """libphonenumber's check, as the service makes it: only for a number with no route
    (a registered number was valid when registered), to tell 400 from 404."""
    try:
        parsed = phonenumbers.parse(value, None)
    except phonenumbers.NumberParseException:
        return False
    return (phonenumbers.is_valid_number(parsed) and phonenumbers.format_number(
        parsed, phonenumbers.PhoneNumberFormat.E164) == value)


@app.get(PREFIX + "/routes/{e164}")
async def get_route(request: Request, e164: str):
    digest = key_hash(request)
    if not digest:
        return unauthorized()
    if not E164.fullmatch(e164):
        return text(400, "invalid e164: not a valid E.164 phone number")
    row = await app.state.pool.fetchrow(ROUTE, digest, e164,
                                        request.headers.get("x-account-id"))
    if row is None:
        return unauthorized()
    if row["e164"] is None:
        if not is_valid_e164(e164):
            return text(400, "invalid e164: not a valid E.164 phone number")
        return text(404, "phone number not found")
    return json(dict(row.items()))
