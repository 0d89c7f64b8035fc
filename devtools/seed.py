"""Synthetic accounts, credentials, numbers and events for benchmarks, loaded with COPY.

Accounts are `bench_000001`...; each has a Twilio and a Plivo credential (one sealed
value shared by all: the data is synthetic) and 20 agents. Numbers are spread over
the accounts in turn, one millisecond apart, under the unassigned country code +999,
so they never collide with a real number; a second run adds more after the first.
Events are spread the same way, one millisecond apart, a pin of some object each.
"""

import argparse
import os
import sys
import time
import uuid
from contextlib import contextmanager

from psycopg import sql
from psycopg.copy import QueuedLibpqWriter

from app import sealing
from app.config import Config
from app.process.pool import connect

AGENTS = 20
PROVIDERS = ("twilio", "plivo")
BATCH = 20_000  # rows per write to the COPY stream


def account_id(index):
    return f"bench_{index:06d}"


def seed(conn, *, accounts, numbers, sealer):
    """Load `accounts` accounts (made once) and `numbers` more numbers; return counts."""
    sealed, key_id = sealer.seal({"account_sid": "AC" + "0" * 32, "auth_token": "synthetic"})
    with conn.transaction():
        # The rows are made consistent here: skip the per-row foreign key checks, by far
        # the slowest part of the load (needs a superuser, as a benchmark database has).
        conn.execute("SET LOCAL session_replication_role = replica")
        credentials = _credentials(conn, accounts, sealed, key_id)
        start = conn.execute(
            "SELECT count(*) AS n FROM numbers WHERE e164 LIKE '+999%'").fetchone()["n"]
        with _indexes_built_after(conn, "numbers"):
            cursor = conn.cursor()
            # Data goes to the server from a thread of its own while the next batch is made.
            with cursor.copy(
                "COPY numbers (account_id, e164, provider, credentials_id, agent_id,"
                " created_at, updated_at) FROM STDIN", writer=QueuedLibpqWriter(cursor)
            ) as copy:
                for first in range(start, start + numbers, BATCH):
                    last = min(first + BATCH, start + numbers)
                    copy.write("".join(_number_line(i, accounts, credentials)
                                       for i in range(first, last)))
    conn.execute("ANALYZE providers")
    conn.execute("ANALYZE numbers")
    return {"accounts": accounts, "numbers": numbers}


def seed_events(conn, *, accounts, events):
    """Load `events` more events, spread over `accounts` accounts in turn."""
    with conn.transaction():
        start = conn.execute(
            "SELECT count(*) AS n FROM events WHERE request_id LIKE 'seed-%'").fetchone()["n"]
        with _indexes_built_after(conn, "events"):
            cursor = conn.cursor()
            with cursor.copy(
                "COPY events (account_id, type, object_id, occurred_at, actor_key_id,"
                " actor_kind, request_id, data) FROM STDIN", writer=QueuedLibpqWriter(cursor)
            ) as copy:
                for first in range(start, start + events, BATCH):
                    last = min(first + BATCH, start + events)
                    copy.write("".join(_event_line(i, accounts) for i in range(first, last)))
    conn.execute("ANALYZE events")
    return {"accounts": accounts, "events": events}


@contextmanager
def _indexes_built_after(conn, table):
    """Drop the table's secondary indexes for a load, and build them again after it (a
    sort, rather than entry by entry). Their definitions come from the catalog, so they
    are the migrations'."""
    secondary = conn.execute("""
        SELECT i.indexname, i.indexdef
          FROM pg_indexes i
         WHERE i.tablename = %(table)s
           AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conname = i.indexname)
    """, {"table": table}).fetchall()
    for index in secondary:
        conn.execute(sql.SQL("DROP INDEX {}").format(sql.Identifier(index["indexname"])))
    yield
    for index in secondary:
        conn.execute(index["indexdef"])


def _credentials(conn, accounts, sealed, key_id):
    """Each account's (twilio id, plivo id), made where missing."""
    rows = conn.execute(
        "SELECT account_id, provider, id::text AS id FROM providers"
        " WHERE account_id LIKE 'bench\\_%'").fetchall()
    known = {(r["account_id"], r["provider"]): r["id"] for r in rows}
    with conn.cursor().copy(
        "COPY providers (id, account_id, provider, label, credential_keys,"
        " sealed_credentials, sealing_key_id) FROM STDIN"
    ) as copy:
        for index in range(accounts):
            for provider in PROVIDERS:
                if (account_id(index), provider) not in known:
                    known[(account_id(index), provider)] = new = str(uuid.uuid4())
                    copy.write_row((new, account_id(index), provider, provider.title(),
                                    ["account_sid", "auth_token"], sealed, key_id))
    return [tuple(known[(account_id(i), p)] for p in PROVIDERS) for i in range(accounts)]


def _stamp(i):
    """2026-01-01 plus i milliseconds, formatted by hand: a datetime per row would cost
    more than the rest of the line (January holds 2.6 billion of them)."""
    seconds, millis = divmod(i, 1000)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    return f"2026-01-{1 + days:02d} {hour:02d}:{minute:02d}:{second:02d}.{millis:03d}+00"


def _number_line(i, accounts, credentials):
    account, turn = i % accounts, i // accounts
    provider = turn % 2
    stamp = _stamp(i)
    return (f"{account_id(account)}\t+999{i:011d}\t{PROVIDERS[provider]}\t"
            f"{credentials[account][provider]}\tagent_{turn % AGENTS:03d}\t{stamp}\t{stamp}\n")


SEED_KEY_ID = "00000000-0000-4000-8000-000000000000"


def _event_line(i, accounts):
    account, turn = i % accounts, i // accounts
    # An object of the account (ids made from its index: unique, no random draw per row).
    object_id = f"00000000-0000-4000-8000-{turn // 4 % 10**12:012d}"
    pin = f'"from": "agent_{turn % AGENTS:03d}", "to": "agent_{(turn + 1) % AGENTS:03d}"'
    data = f'{{"agent_id": {{{pin}}}}}'
    return (f"{account_id(account)}\tnumber.updated\t{object_id}\t{_stamp(i)}\t{SEED_KEY_ID}"
            f"\taccount\tseed-{i}\t{data}\n")


def main(argv=None):
    """`python -m devtools.seed --accounts N --numbers M [--events E]` against DATABASE_URL:
    a benchmark database only (the load needs a superuser)."""
    parser = argparse.ArgumentParser(prog="python -m devtools.seed", description=main.__doc__)
    parser.add_argument("--accounts", type=bounded(1, 1_000_000), default=100)
    parser.add_argument("--numbers", type=bounded(0, 1_000_000_000), default=1000)
    parser.add_argument("--events", type=bounded(0, 1_000_000_000), default=0)
    args = parser.parse_args(argv)
    # Synthetic data: the configured public key if any, else any key will do.
    sealer = sealing.Sealer(os.environ.get("SEALING_PUBLIC_KEY") or sealing.keygen()[0])
    started = time.monotonic()
    with connect(Config(database_url=os.environ.get("DATABASE_URL", ""))) as conn:
        seed(conn, accounts=args.accounts, numbers=args.numbers, sealer=sealer)
        if args.events:
            seed_events(conn, accounts=args.accounts, events=args.events)
    seconds = time.monotonic() - started
    print(f"seeded {args.accounts} accounts, {args.numbers} numbers and {args.events} events"
          f" in {seconds:.1f} s ({(args.numbers + args.events) / seconds:,.0f} rows/s)",
          file=sys.stderr)


def bounded(low, high):
    def parse(text):
        value = int(text)
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high}")
        return value
    return parse


if __name__ == "__main__":
    main()
