"""`make bench`: each hot path's throughput and latency, side by side with the stack's
ceiling (a hello-world Flask route under the same gunicorn.conf.py) and the database's
floor (pgbench running the list query), at several table sizes; and the two hot reads
against the peer (bench/peers/: the FastAPI + uvicorn + asyncpg service a user would
otherwise write), direct and behind nginx, once both are seen to answer the same bytes.

Absolute figures drift on this machine; ratios measured in one run, alternating the
endpoint with the ceiling (or the service with the peer), do not. Results go into
docs/benchmarks.md between its result markers. BENCH_SIZES (numbers in the table,
default 1000,1000000), BENCH_SECONDS (per measurement, default 4), BENCH_ROUNDS
(default 3) and BENCH_ONLY (workloads, by name) tune the run.
"""

import datetime
import itertools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import types
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import psycopg  # noqa: E402
from psycopg import ClientCursor  # noqa: E402

import app.queries  # noqa: E402
from app import sealing  # noqa: E402
from app.commands import migrations  # noqa: E402
from app.config import Config  # noqa: E402
from app.keys import key_hash, new_key  # noqa: E402
from app.process import pool as db  # noqa: E402
from app.queries import api_keys  # noqa: E402
from app.queries import events as events_sql  # noqa: E402
from app.queries import numbers as numbers_sql  # noqa: E402
from app.queries import providers as providers_sql  # noqa: E402
from app.queries import routes as routes_sql  # noqa: E402
from bench.servers import (  # noqa: E402
    PEER_PYTHON,
    cpu_seconds,
    serve,
    serve_nginx,
    serve_peer,
)
from devtools import localpg, pgbouncer  # noqa: E402

SIZES = [int(s) for s in os.environ.get("BENCH_SIZES", "1000,1000000").split(",")]
SECONDS = float(os.environ.get("BENCH_SECONDS", "4"))
ROUNDS = int(os.environ.get("BENCH_ROUNDS", "3"))
CONNECTIONS = 16
WRK_THREADS = 2
ACCOUNTS = 100  # at most; fewer for small tables, so that a page holds 50 numbers
ACCOUNT = "bench_000000"
WRK = ROOT / "bench" / "wrk"
REPORT = ROOT / "docs" / "benchmarks.md"
MARKERS = ("<!-- results: written by make bench -->", "<!-- end of results -->")
WORKLOADS = [  # (name, wrk script, what it is)
    ("list", "list.lua", "list numbers, a page of 50"),
    ("list_agent", "list_agent.lua", "list numbers with agent_id, a page of 50"),
    ("get", "get.lua", "get one number"),
    ("route", "route.lua", "route a call (platform key)"),
    ("register", "register.lua", "register a number"),
    ("pin", "pin.lua", "pin a number to an agent"),
    ("provider", "provider.lua", "register a provider (sealing included)"),
    ("events", "events.lua", "list events, a page of 50"),
]
# A carrier that answers a credential's check in this long (devtools/fake_carrier.py).
CARRIER_DELAY = 0.2
ONLY = [w for w in os.environ.get("BENCH_ONLY", "").split(",") if w]  # workloads, by name
PEER_WORKLOADS = [("list", "list.lua", "list of 50"), ("get", "get.lua", "get one"),
                  ("route", "route.lua", "route a call")]
POOLED_WORKLOADS = [*PEER_WORKLOADS, ("register", "register.lua", "register a number")]
# What BENCH_BASELINE is measured on: what every commit since the restructure serves.
BASELINE_WORKLOADS = [w for w in POOLED_WORKLOADS if w[0] != "route"]
# A commit to measure beside this checkout (its own worktree, served the same way).
BASELINE = os.environ.get("BENCH_BASELINE")
# Behind nginx (deploy/nginx.conf) the API is /v1/...; direct it is /api/v1/....
ROUTES = {"direct": "/api/v1", "nginx": "/v1", "pgbouncer": "/api/v1"}
# The service and the peer, side by side: straight to PostgreSQL, behind nginx (to
# PostgreSQL), and through PgBouncer.
PEER_PAIRS = [("direct", "service", "peer"), ("nginx", "service_nginx", "peer_nginx"),
              ("pgbouncer", "pooled", "peer_pooled")]
SERVER_SETTINGS = {
    "shared_preload_libraries": "pg_stat_statements",  # to count round trips
    "shared_buffers": "512MB",
    "max_connections": "100",
}


# The cluster's postmaster, once started: its process group is every PostgreSQL process.
POSTGRES = None


def wrk(port, script, env, seconds=SECONDS, server=None, connections=CONNECTIONS):
    """One wrk run: its JSON summary, plus requests/s (and the CPU per request, in us,
    of `server`'s processes and of PostgreSQL's, when a server is given)."""
    before = server and cpu_seconds(server)
    database_before = server and POSTGRES and cpu_seconds(POSTGRES, children=True)
    done = subprocess.run(
        ["wrk", f"-t{min(WRK_THREADS, connections)}", f"-c{connections}", f"-d{seconds:g}s",
         "--latency",
         "-s", str(WRK / script), f"http://127.0.0.1:{port}"],
        env={**os.environ, **env, "WRK_COMMON": str(WRK / "common.lua")},
        capture_output=True, text=True, check=True)
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    summary["rps"] = summary["requests"] / summary["seconds"]
    if server:
        summary["cpu_us"] = (cpu_seconds(server) - before) / max(summary["requests"], 1) * 1e6
        if POSTGRES:
            summary["db_us"] = ((cpu_seconds(POSTGRES, children=True) - database_before)
                                / max(summary["requests"], 1) * 1e6)
    return summary


def pgbench(url, query):
    """pgbench running one query, prepared, at the same concurrency: (tps, mean ms)."""
    with tempfile.NamedTemporaryFile("w", suffix=".sql") as script:
        script.write(query + ";\n")
        script.flush()
        done = subprocess.run(
            ["pgbench", "-n", "-M", "prepared", f"-c{CONNECTIONS}", f"-j{WRK_THREADS}",
             f"-T{int(SECONDS)}", "-f", script.name, url],
            capture_output=True, text=True, check=True)
    tps = float(re.search(r"tps = ([\d.]+)", done.stdout).group(1))
    latency = float(re.search(r"latency average = ([\d.]+) ms", done.stdout).group(1))
    return tps, latency


def statement(conn, function, *args, **kwargs):
    """(query, params) of the statement that `function(conn, *args, **kwargs)` of
    app/queries runs (it is run, on `conn`: only reads are asked for), whether through
    a cursor or at libpq's level (app/queries' hot_rows, its $n as %s)."""
    sent = []
    real_execute = psycopg.Cursor.execute

    def execute(cursor, query, params=None, **options):
        sent.append((query, params))
        return real_execute(cursor, query, params, **options)

    def hot_rows(conn, query, *params):
        sent.append((re.sub(r"\$\d+", "%s", query.decode()), params))
        return real_hot_rows(conn, query, *params)

    modules = (numbers_sql, providers_sql, routes_sql)
    real_hot_rows = app.queries.hot_rows
    psycopg.Cursor.execute = execute
    for module in modules:
        if hasattr(module, "hot_rows"):
            module.hot_rows = hot_rows
    try:
        function(conn, *args, **kwargs)
    finally:
        psycopg.Cursor.execute = real_execute
        for module in modules:
            if hasattr(module, "hot_rows"):
                module.hot_rows = real_hot_rows
    return sent[-1]


def page_query(conn, digest=None, **filters):
    """(query, params) the service runs for a first page of 50 (51 rows)."""
    return statement(conn, numbers_sql.page, ACCOUNT, filters=filters, after=None, limit=51,
                     key_hash=digest)


def list_query(conn, **filters):
    """The list's SQL with its values inlined, for pgbench."""
    return ClientCursor(conn).mogrify(*page_query(conn, **filters))


def explain(conn, query, params):
    """EXPLAIN ANALYZE of the plans the service gets, as PostgreSQL ran them: the
    statement's, or the statements' its function runs (sql/007_hot_reads.sql), once
    PL/pgSQL keeps a plan (auto_explain, logging to this session)."""
    plans = []

    def keep(notice):
        plans.append(notice.message_primary)

    conn.add_notice_handler(keep)
    statement = ClientCursor(conn).mogrify(query, params)
    with conn.transaction():
        conn.execute("LOAD 'auto_explain'")
        for setting, value in (("log_min_duration", "0"), ("log_analyze", "on"),
                               ("log_buffers", "on"), ("log_timing", "off"),
                               ("log_nested_statements", "on")):
            conn.execute(f"SET LOCAL auto_explain.{setting} = {value}")
        conn.execute("SET LOCAL client_min_messages = log")
        for _ in range(7):  # past PL/pgSQL's first custom plans, to the one it keeps
            plans.clear()
            conn.execute(statement).fetchall()
    conn.remove_notice_handler(keep)
    nested = [plan for plan in plans if "Function Scan" not in plan and "Result " not in plan]
    return "\n\n".join(nested or plans).strip()


def round_trips(conn, port, key, paths, requests=200):
    """Statements PostgreSQL ran per request (pg_stat_statements), reads on one connection."""
    import http.client

    conn.execute("SELECT pg_stat_statements_reset()")
    client = http.client.HTTPConnection("127.0.0.1", port)
    for i in range(requests):
        client.request("GET", paths[i % len(paths)], headers={"Authorization": f"Bearer {key}"})
        answer = client.getresponse()
        answer.read()
        assert answer.status == 200, answer.status
    client.close()
    # Not the SET LOCALs of each statement's deadlines: they ride in its own message.
    calls = conn.execute("""
        SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements
         WHERE query NOT ILIKE '%pg_stat_statements%' AND query NOT ILIKE 'SET LOCAL %'
    """).fetchone()["n"]
    return calls / requests


def machine():
    cpu = next((line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo")
                if line.startswith("model name")), platform.processor())
    memory = next(line.split()[1] for line in open("/proc/meminfo") if line.startswith("MemTotal"))
    postgres = subprocess.run([str(Path(localpg.server_bindir()) / "postgres"), "--version"],
                              capture_output=True, text=True).stdout.strip()
    wrk_version = subprocess.run(["wrk", "--version"], capture_output=True, text=True).stdout
    return (f"{os.cpu_count()} cores ({cpu}), {int(memory) // 1024 // 1024} GiB; "
            f"Python {platform.python_version()}; {postgres}; "
            f"{wrk_version.split()[1] if wrk_version else 'wrk'}")


def measure(size, cluster, env, servers, log):
    """Everything for one table size; returns the report's section as markdown."""
    service_port, hello_port = servers["service"][1], servers["hello"][1]
    config = Config(database_url=cluster.url())
    started = time.monotonic()
    with db.connect(config) as conn:
        have = conn.execute(
            "SELECT count(*) AS n FROM numbers WHERE e164 LIKE '+999%'").fetchone()["n"]
    accounts = max(1, min(ACCOUNTS, size // 100))
    with db.connect(config) as conn:
        events = conn.execute("SELECT count(*) AS n FROM events").fetchone()["n"]
    # As many events as numbers: the events list is measured at the same sizes.
    subprocess.run([sys.executable, "-m", "devtools.seed",
                    "--accounts", str(accounts), "--numbers", str(max(size - have, 0)),
                    "--events", str(max(size - events, 0))],
                   cwd=ROOT, env=env, check=True, stdout=log, stderr=log)
    seeded = time.monotonic() - started
    with db.connect(config) as conn:
        conn.execute("VACUUM ANALYZE numbers")
        conn.execute("VACUUM ANALYZE events")
        # The load left gigabytes of dirty buffers: write them now, not during the first
        # measurements (at ten million numbers the checkpointer took a fifth of the CPU).
        conn.execute("CHECKPOINT")
        key, platform_key = new_key(), new_key()
        api_keys.create(conn, key_hash=key_hash(key), kind="account", account_id=ACCOUNT,
                        label="bench")
        api_keys.create(conn, key_hash=key_hash(platform_key), kind="platform",
                        account_id=None, label="bench router")
        rows = conn.execute(
            "SELECT id::text AS id, e164 FROM numbers WHERE account_id = %s"
            " ORDER BY created_at LIMIT 500",
            (ACCOUNT,)).fetchall()
        ids, e164s = [r["id"] for r in rows], [r["e164"] for r in rows]
        credential = conn.execute(
            "SELECT id::text AS id FROM providers WHERE account_id = %s AND provider = 'twilio'",
            (ACCOUNT,)).fetchone()["id"]
        total = conn.execute("SELECT count(*) AS n FROM numbers").fetchone()["n"]
        in_account = conn.execute("SELECT count(*) AS n FROM numbers WHERE account_id = %s",
                                  (ACCOUNT,)).fetchone()["n"]
        digest = key_hash(key)
        plans = {  # as a known key reads: the key's check rides in the statement
            "list": explain(conn, *page_query(conn, digest)),
            "list with agent_id": explain(conn, *page_query(conn, digest, agent_id="agent_007")),
            "get one": explain(conn, *statement(conn, numbers_sql.get, ACCOUNT, ids[0],
                                                key_hash=digest)),
            "route a call": explain(conn, *statement(conn, routes_sql.get, e164s[0],
                                                     key_hash=key_hash(platform_key))),
            "the sealed credential": explain(conn, *statement(
                conn, providers_sql.sealed_of, ACCOUNT, credential,
                key_hash=key_hash(platform_key))),
            "a page of events": explain(conn, events_sql.page_sql((), False, False),
                                        {"account_id": ACCOUNT, "limit": 51}),
            "a page of events since a time": explain(
                conn, events_sql.page_sql((), True, False),
                {"account_id": ACCOUNT, "limit": 51, "since": "2026-01-01T00:00:00Z"}),
            "the events of one object": explain(
                conn, events_sql.page_sql(("object_id",), False, False),
                {"account_id": ACCOUNT, "limit": 51, "object_id": busy_object(conn)}),
        }
        events_total = conn.execute("SELECT count(*) AS n FROM events").fetchone()["n"]
        trips = {
            "list": round_trips(conn, service_port, key, ["/api/v1/telephony/numbers?limit=50"]),
            "get": round_trips(conn, service_port, key,
                               [f"/api/v1/telephony/numbers/{i}" for i in ids[:50]]),
            "route": round_trips(conn, service_port, platform_key,
                                 [f"/api/v1/telephony/routes/{e}" for e in e164s[:50]]),
        }
        floor = pgbench(cluster.url(), list_query(conn))
    wrk_env = {"HUB_KEY": key, "HUB_IDS": ",".join(ids), "HUB_CREDENTIALS_ID": credential,
               "HUB_PLATFORM_KEY": platform_key, "HUB_E164S": ",".join(e164s)}
    same_answers(servers, key, platform_key, ids, e164s)
    peer_rows = [row for via, ours, theirs in PEER_PAIRS for row in side_by_side(
        size, servers, ours, theirs, PEER_WORKLOADS, wrk_env, via)]
    pooled_rows = side_by_side(size, servers, "pooled", "service", POOLED_WORKLOADS, wrk_env,
                               extra=servers["pgbouncer"][0])
    baseline_rows = (side_by_side(size, servers, "service", "baseline", BASELINE_WORKLOADS,
                                  wrk_env) if "baseline" in servers else [])
    rows = []
    for name, script, what in WORKLOADS:
        if ONLY and name not in ONLY:
            continue
        hello_rps, results = [], []
        wrk(service_port, script, {**wrk_env, "HUB_NONCE": nonce(script)},
            seconds=1)  # warm-up: pages cached
        for round_ in range(ROUNDS):
            hello_rps.append(wrk(hello_port, "hello.lua", {})["rps"])
            results.append(wrk(service_port, script, {**wrk_env, "HUB_NONCE": nonce(script)}))
            print(f"    round {round_}: hello {hello_rps[-1]:.0f}, {name} {results[-1]['rps']:.0f}",
                  flush=True)
        rps = statistics.median(r["rps"] for r in results)
        ceiling = statistics.median(hello_rps)
        # Each round's ratio is taken against the ceiling measured just before it; the
        # median of those, and their spread, say how much the machine drifted.
        ratios = sorted(r["rps"] / h for r, h in zip(results, hello_rps, strict=True))
        rows.append((what, rps, statistics.median(ratios), max(r["p50_ms"] for r in results),
                     max(r["p99_ms"] for r in results), sum(r["server_errors"] for r in results),
                     sum(r["non_2xx"] for r in results), ceiling, ratios[0], ratios[-1]))
        print(f"  {size:>10,} {what:<42} {rps:8.0f} req/s  {rows[-1][2]:.2f} of hello "
              f"({ratios[0]:.2f}-{ratios[-1]:.2f}; hello {ceiling:.0f})  p99 {rows[-1][4]:.1f} ms",
              flush=True)
    hello_mean = statistics.median(r[7] for r in rows)
    lines = [
        f"### {total:,} numbers in the table ({in_account:,} in the benchmarked account), "
        f"{events_total:,} events",
        "",
        f"Seeded in {seeded:.1f} s. Hello-world ceiling: {hello_mean:,.0f} requests/s "
        f"(median of the runs alternating with the endpoints).",
        "",
        "| endpoint | requests/s | ratio to hello (median; range) | p50 ms | p99 ms | 5xx "
        "| other non-2xx |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for what, rps, ratio, p50, p99, errors, non_2xx, _, low, high in rows:
        lines.append(f"| {what} | {rps:,.0f} | {ratio:.2f} ({low:.2f}-{high:.2f}) | {p50:.2f} "
                     f"| {p99:.2f} | {errors} | {non_2xx - errors} |")
    lines.append(f"| pgbench: the list query alone | {floor[0]:,.0f} tps | "
                 f"{floor[0] / hello_mean:.2f} | mean {floor[1]:.2f} | | | |")
    lines += ["", "Against the peer (bench/peers/: FastAPI + uvicorn + asyncpg + orjson), in the "
              "same rounds, alternating; ratios are the service's over the peer's, median of the "
              "rounds (range); CPU is the servers' own processes' per request (us), and "
              "PostgreSQL's beside it. Through PgBouncer both go through the same one (the "
              "peer without asyncpg's statement cache, as PgBouncer's transaction mode "
              "needs):", "",
              *table("service", "peer"), *peer_rows]
    lines += ["", "Through PgBouncer (deploy/pgbouncer.ini, transaction pooling) against a direct "
              "connection, the same code, alternating; ratios are through-pooler over direct; "
              "the last column is PgBouncer's own CPU per request (us):", "",
              *table("pooled", "direct", "PgBouncer CPU"), *pooled_rows]
    if baseline_rows:
        lines += ["", f"This checkout against {BASELINE} (its own checkout, same database, "
                  "direct), alternating; ratios are now over then:", "",
                  *table("now", BASELINE), *baseline_rows]
    lines += ["", "Statements PostgreSQL ran per authenticated read (pg_stat_statements): "
              + ", ".join(f"{k} {v:.2f}" for k, v in trips.items()) + ".", ""]
    for name, plan in plans.items():
        lines += [f"`EXPLAIN ANALYZE` of {name}:", "```", plan, "```", ""]
    return "\n".join(lines)


def busy_object(conn):
    """The benchmarked account's object with the most events."""
    return conn.execute(
        "SELECT object_id::text AS id FROM events WHERE account_id = %s"
        " GROUP BY object_id ORDER BY count(*) DESC LIMIT 1", (ACCOUNT,)).fetchone()["id"]


def carrier_check(env, log):
    """Provider registrations on one worker against a carrier that answers each check in
    CARRIER_DELAY, while others read the list on the same worker: markdown."""
    from devtools.fake_carrier import FakeCarrier

    carrier = FakeCarrier(delay=CARRIER_DELAY).start()
    worker_env = {**env, "CARRIER_VERIFICATION": "on", "WEB_CONCURRENCY": "1", **carrier.environ()}
    process, port = serve("wsgi:app", worker_env, log)
    key = new_key()
    with db.connect(Config(database_url=env["DATABASE_URL"])) as conn:
        api_keys.create(conn, key_hash=key_hash(key), kind="account", account_id=ACCOUNT,
                        label="bench carrier")
    wrk_env = {"HUB_KEY": key}
    alone, together = [], []
    try:
        wrk(port, "list.lua", wrk_env, seconds=1, connections=8)  # warm-up
        for _ in range(ROUNDS):
            alone.append(wrk(port, "list.lua", wrk_env, connections=8, server=process))
            with ThreadPoolExecutor(2) as both:
                checks = both.submit(wrk, port, "provider.lua", wrk_env, connections=2)
                reads = both.submit(wrk, port, "list.lua", wrk_env, connections=8)
                together.append((checks.result(), reads.result()))
    finally:
        process.terminate()
        process.wait(timeout=30)
        carrier.stop()
    registrations = statistics.median(c["rps"] for c, _ in together)
    ratio = statistics.median(
        r["rps"] / a["rps"] for (_, r), a in zip(together, alone, strict=True))
    p99s = (statistics.median(a["p99_ms"] for a in alone),
            statistics.median(r["p99_ms"] for _, r in together))
    errors = sum(c["non_2xx"] for c, _ in together)
    return "\n".join([
        "### Checking credentials with a carrier that takes "
        f"{CARRIER_DELAY * 1000:.0f} ms",
        "",
        "One worker (an event loop, 4 pooled connections), `CARRIER_VERIFICATION=on` against "
        "the fake carriers answering each check in "
        f"{CARRIER_DELAY * 1000:.0f} ms: two connections registering providers "
        "without pause, while eight others read the list of 50; then the reads alone. "
        f"{ROUNDS} rounds, medians.",
        "",
        "| measure | value |",
        "| --- | ---: |",
        f"| provider registrations a second, one worker | {registrations:.1f} |",
        f"| reads a second beside them, over reads alone | {ratio:.2f} |",
        f"| read p99 alone, beside them (ms) | {p99s[0]:.1f}, {p99s[1]:.1f} |",
        f"| registrations not answered 201 | {errors} |",
        "",
        "A check holds its own greenlet for the carrier's time but no database connection "
        "(the request gives its connection back while it waits), so the reads keep all "
        "four pooled connections and the worker's loop.",
        "",
    ])


def same_answers(servers, key, platform_key, ids, e164s):
    """The service and the peer answer the same status, type and bytes for the pages,
    numbers and routes measured, direct, behind nginx and through PgBouncer; else the run
    stops here."""
    import http.client

    def fetch(port, path):
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        bearer = platform_key if "/routes/" in path else key
        try:
            client.request("GET", path, headers={"Authorization": f"Bearer {bearer}"})
            answer = client.getresponse()
            return answer.status, answer.getheader("Content-Type"), answer.read()
        finally:
            client.close()

    first = fetch(servers["service"][1], "/api/v1/telephony/numbers?limit=50")
    cursor = json.loads(first[2])["next_cursor"]
    paths = ["/telephony/numbers?limit=50", "/telephony/numbers?limit=3",
             f"/telephony/numbers?limit=50&cursor={cursor}",
             *(f"/telephony/numbers/{i}" for i in ids[:5]),
             *(f"/telephony/routes/{e}" for e in e164s[:5])]
    for via, service, peer in PEER_PAIRS:
        for path in paths:
            ours = fetch(servers[service][1], ROUTES[via] + path)
            theirs = fetch(servers[peer][1], ROUTES[via] + path)
            if ours != theirs or ours[0] != 200:
                raise SystemExit(f"the service and the peer answer {path} ({via}) differently:"
                                 f"\n{ours}\n{theirs}")


NONCES = itertools.count()  # a registration run's own numbers (bench/wrk/register.lua)


def nonce(script):
    """HUB_NONCE for a run of `script`: a new one for each registration run, whose numbers
    must not collide with any run's before it."""
    if script != "register.lua":
        return "0"
    value = next(NONCES)
    assert value < 199, "register.lua's numbers would outgrow +1202 and 7 digits: fewer runs"
    return str(value)


def side_by_side(size, servers, a, b, workloads, wrk_env, via="direct", extra=None):
    """Servers `a` and `b` (names in `servers`) under each workload (name, script, what),
    in alternating rounds: table rows of a over b (requests/s, p99, CPU per request of
    each one's own processes; `extra`: a process whose CPU per request is shown too)."""
    rows = []
    prefix = ROUTES[via]
    for name, script, what in workloads:
        if ONLY and name not in ONLY:
            continue
        env = {**wrk_env, "HUB_PREFIX": prefix}
        for who in (a, b):  # warm-up: plans made, pages cached
            wrk(servers[who][1], script, {**env, "HUB_NONCE": nonce(script)}, seconds=1)
        results = {a: [], b: []}
        extras = []
        for round_ in range(ROUNDS):
            for who in (a, b) if round_ % 2 == 0 else (b, a):
                # The CPU counted is the app's own (behind nginx: the app's, not nginx's).
                app = servers[who.removesuffix("_nginx")][0]
                before = extra and cpu_seconds(extra)
                results[who].append(wrk(servers[who][1], script,
                                        {**env, "HUB_NONCE": nonce(script)}, server=app))
                if extra and who == a:
                    extras.append((cpu_seconds(extra) - before) * 1e6
                                  / max(results[who][-1]["requests"], 1))
        ours, theirs = results[a], results[b]
        rps = sorted(x["rps"] / y["rps"] for x, y in zip(ours, theirs, strict=True))
        p99 = sorted(x["p99_ms"] / y["p99_ms"] for x, y in zip(ours, theirs, strict=True))
        cpu = sorted(x["cpu_us"] / y["cpu_us"] for x, y in zip(ours, theirs, strict=True))
        median = lambda runs, field: statistics.median(r[field] for r in runs)  # noqa: E731
        rows.append(
            f"| {what} | {via} | {median(ours, 'rps'):,.0f} | {median(theirs, 'rps'):,.0f} "
            f"| {statistics.median(rps):.2f} ({rps[0]:.2f}-{rps[-1]:.2f}) "
            f"| {median(ours, 'p99_ms'):.1f} | {median(theirs, 'p99_ms'):.1f} "
            f"| {statistics.median(p99):.2f} ({p99[0]:.2f}-{p99[-1]:.2f}) "
            f"| {median(ours, 'cpu_us'):,.0f} | {median(theirs, 'cpu_us'):,.0f} "
            f"| {statistics.median(cpu):.2f} "
            f"| {median(ours, 'db_us'):,.0f} | {median(theirs, 'db_us'):,.0f} |"
            + (f" {statistics.median(extras):,.0f} |" if extra else ""))
        errors = sum(r["non_2xx"] + r["socket_errors"] for r in ours + theirs)
        print(f"  {size:>10,} {what:<26} {via:<6} {a}/{b} req/s {statistics.median(rps):.2f} "
              f"({rps[0]:.2f}-{rps[-1]:.2f}), p99 {statistics.median(p99):.2f}, CPU "
              f"{statistics.median(cpu):.2f}; non-2xx or socket errors: {errors}", flush=True)
        if errors:
            raise SystemExit(f"errors while measuring {a} against {b}: see .bench.log")
    return rows


def table(a, b, extra=None):
    """The head of a side_by_side table."""
    return [f"| workload | via | {a} req/s | {b} req/s | req/s ratio | {a} p99 ms | {b} p99 ms "
            f"| p99 ratio | {a} CPU | {b} CPU | CPU ratio | PostgreSQL CPU ({a}) "
            f"| PostgreSQL CPU ({b}) |" + (f" {extra} |" if extra else ""),
            "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
            "| ---: |"
            + (" ---: |" if extra else "")]


def baseline(workdir):
    """A checkout of BENCH_BASELINE of its own, to serve beside this one."""
    path = Path(workdir) / "baseline"
    subprocess.run(["git", "worktree", "add", "--detach", str(path), BASELINE], cwd=ROOT,
                   check=True, capture_output=True)
    return path


def write_report(sections, header):
    empty = f"# Benchmarks\n\n{MARKERS[0]}\n{MARKERS[1]}\n"
    text = REPORT.read_text() if REPORT.exists() else empty
    before, _, rest = text.partition(MARKERS[0])
    _, _, after = rest.partition(MARKERS[1])
    REPORT.write_text(f"{before}{MARKERS[0]}\n{header}\n\n" + "\n".join(sections)
                      + f"\n{MARKERS[1]}{after}")


def main():
    for program, package in (("wrk", "wrk"), ("pgbench", "postgresql-contrib"), ("nginx", "nginx")):
        if not shutil.which(program):
            sys.exit(f"{program} is missing: apt-get install {package}")
    global POSTGRES
    cluster = localpg.start(server_settings=SERVER_SETTINGS)
    # PostgreSQL's processes: the postmaster and its children (cpu_seconds).
    postmaster = int((Path(cluster.base_dir) / "data" / "postmaster.pid").read_text().split()[0])
    POSTGRES = types.SimpleNamespace(pid=postmaster)
    logs = open(ROOT / ".bench.log", "w")
    servers, workdir, bouncer = [], None, None
    try:
        # Credentials are stored unchecked, as they cost before the check existed; the
        # check itself is measured against the fake carriers (carrier_check).
        env = {**os.environ, "DATABASE_URL": cluster.url(), "CARRIER_VERIFICATION": "off",
               "SEALING_PUBLIC_KEY": sealing.keygen()[0]}
        with db.connect(Config(database_url=cluster.url())) as conn:
            migrations.upgrade(conn)
            conn.execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements")
        if not PEER_PYTHON.exists():
            sys.exit("the peer's virtualenv is missing: run `make bench`")
        workdir = tempfile.mkdtemp(prefix="kataven-bench-")
        os.chmod(workdir, 0o755)
        bouncer = pgbouncer.PgBouncer(cluster.url()).start()
        named = {"service": serve("wsgi:app", env, logs),
                 "pooled": serve("wsgi:app", {**env, "DATABASE_URL": bouncer.url()}, logs),
                 "hello": serve("bench.hello:app", env, logs),
                 "peer": serve_peer(env, logs),
                 "peer_pooled": serve_peer({**env, "DATABASE_URL": bouncer.url(),
                                            "PEER_POOLED": "1"}, logs),
                 "pgbouncer": (bouncer.process, bouncer.port)}
        if BASELINE:
            named["baseline"] = serve("wsgi:app", env, logs, checkout=baseline(workdir))
        for who in ("service", "peer"):
            named[who + "_nginx"] = serve_nginx(named[who][1], workdir, logs)
        servers += [process for who, (process, _) in named.items() if who != "pgbouncer"]
        header = (f"Run {datetime.date.today()} on {machine()}. `make bench` "
                  f"(BENCH_SIZES={','.join(map(str, SIZES))}, {SECONDS:g} s a measurement, "
                  f"{ROUNDS} rounds); gunicorn.conf.py defaults (2 event-loop workers, 4 "
                  f"pooled connections each); "
                  f"the peer: uvicorn --workers 2 --loop uvloop --http httptools --no-access-log, "
                  f"4 asyncpg connections a worker; nginx: deploy/nginx.conf, ports moved and its "
                  f"per-client rate limit raised out of wrk's reach; "
                  f"wrk -t{WRK_THREADS} -c{CONNECTIONS}; pgbench -c{CONNECTIONS} -j{WRK_THREADS}"
                  " -M prepared.")
        sections = []
        for size in SIZES:
            sections.append(measure(size, cluster, env, named, logs))
        if not ONLY or "carrier" in ONLY:
            sections.append(carrier_check(env, logs))
        write_report(sections, header)
        if not ONLY or "sdk" in ONLY:
            from bench import sdk  # the Python SDK's cost per call, in its own section
            sdk.report(cluster.url(), named["service"][1])
        print(f"results written to {REPORT.relative_to(ROOT)}")
    finally:
        for server in servers:
            server.terminate()  # nginx: a fast stop; gunicorn and uvicorn: graceful
            server.wait(timeout=30)
        if bouncer:
            bouncer.stop()
        if BASELINE and workdir:
            subprocess.run(["git", "worktree", "remove", "--force",
                            str(Path(workdir) / "baseline")], cwd=ROOT, capture_output=True)
        cluster.stop()
        shutil.rmtree(cluster.base_dir, ignore_errors=True)
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        logs.close()


if __name__ == "__main__":
    main()
