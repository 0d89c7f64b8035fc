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
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from psycopg import ClientCursor  # noqa: E402

from app import sealing  # noqa: E402
from app.commands import migrations  # noqa: E402
from app.config import Config  # noqa: E402
from app.keys import key_hash, new_key  # noqa: E402
from app.process import pool as db  # noqa: E402
from app.queries import api_keys  # noqa: E402
from app.queries import events as events_sql  # noqa: E402
from app.queries import numbers as numbers_sql  # noqa: E402
from bench.servers import (  # noqa: E402
    PEER_PYTHON,
    cpu_seconds,
    serve,
    serve_nginx,
    serve_peer,
)
from devtools import localpg  # noqa: E402

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
    ("register", "register.lua", "register a number"),
    ("pin", "pin.lua", "pin a number to an agent"),
    ("provider", "provider.lua", "register a provider (sealing included)"),
    ("events", "events.lua", "list events, a page of 50"),
]
# A carrier that answers a credential's check in this long (devtools/fake_carrier.py).
CARRIER_DELAY = 0.2
ONLY = [w for w in os.environ.get("BENCH_ONLY", "").split(",") if w]  # workloads, by name
PEER_WORKLOADS = [("list", "list.lua", "list of 50"), ("get", "get.lua", "get one")]
# Behind nginx (deploy/nginx.conf) the API is /v1/...; direct it is /api/v1/....
ROUTES = {"direct": "/api/v1", "nginx": "/v1"}
SERVER_SETTINGS = {
    "shared_preload_libraries": "pg_stat_statements",  # to count round trips
    "shared_buffers": "512MB",
    "max_connections": "100",
}


def wrk(port, script, env, seconds=SECONDS, server=None, connections=CONNECTIONS):
    """One wrk run: its JSON summary, plus requests/s (and the CPU per request, in us,
    of `server`'s processes when given)."""
    before = server and cpu_seconds(server)
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


class Recorder:
    """Stands in for a connection, to learn the statement a query function runs."""

    def __init__(self):
        self.statement = None

    def execute(self, query, params=None):
        self.statement = (query, params)
        return self

    def cursor(self, **_options):
        return self

    def fetchone(self):
        return None

    def fetchall(self):
        return []


def statement(function, *args, **kwargs):
    """(query, params) that `function(conn, *args, **kwargs)` of app/queries runs."""
    recorder = Recorder()
    function(recorder, *args, **kwargs)
    return recorder.statement


def page_query(digest=None, **filters):
    """(query, params) the service runs for a first page of 50 (51 rows)."""
    return statement(numbers_sql.page, ACCOUNT, filters=filters, after=None, limit=51,
                     key_hash=digest)


def list_query(conn, **filters):
    """The list's SQL with its values inlined, for pgbench."""
    return ClientCursor(conn).mogrify(*page_query(**filters))


def explain(conn, query, params):
    """EXPLAIN ANALYZE of the plan the service uses: its prepared statement's generic
    plan (the session has plan_cache_mode=force_generic_plan, as the service's has)."""
    names = []

    def placeholder(match):
        if match[1] not in names:
            names.append(match[1])
        return f"${names.index(match[1]) + 1}"

    conn.execute("PREPARE bench_plan AS " + re.sub(r"%\((\w+)\)s", placeholder, query))
    args = ClientCursor(conn).mogrify(", ".join(["%s"] * len(names)), [params[n] for n in names])
    try:
        rows = conn.execute("EXPLAIN (ANALYZE, BUFFERS, TIMING OFF, SUMMARY OFF) "
                            f"EXECUTE bench_plan({args})").fetchall()
    finally:
        conn.execute("DEALLOCATE bench_plan")
    return "\n".join(r["QUERY PLAN"] for r in rows)


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
    calls = conn.execute("""
        SELECT coalesce(sum(calls), 0) AS n FROM pg_stat_statements
         WHERE query NOT ILIKE '%pg_stat_statements%'
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
        key = new_key()
        api_keys.create(conn, key_hash=key_hash(key), kind="account", account_id=ACCOUNT,
                        label="bench")
        ids = [r["id"] for r in conn.execute(
            "SELECT id::text AS id FROM numbers WHERE account_id = %s"
            " ORDER BY created_at LIMIT 500",
            (ACCOUNT,))]
        credential = conn.execute(
            "SELECT id::text AS id FROM providers WHERE account_id = %s AND provider = 'twilio'",
            (ACCOUNT,)).fetchone()["id"]
        total = conn.execute("SELECT count(*) AS n FROM numbers").fetchone()["n"]
        in_account = conn.execute("SELECT count(*) AS n FROM numbers WHERE account_id = %s",
                                  (ACCOUNT,)).fetchone()["n"]
        digest = key_hash(key)
        plans = {  # as a known key reads: the key's check rides in the statement
            "list": explain(conn, *page_query(digest)),
            "list with agent_id": explain(conn, *page_query(digest, agent_id="agent_007")),
            "get one": explain(conn, *statement(numbers_sql.get, ACCOUNT, ids[0],
                                                key_hash=digest)),
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
        }
        floor = pgbench(cluster.url(), list_query(conn))
    wrk_env = {"HUB_KEY": key, "HUB_IDS": ",".join(ids), "HUB_CREDENTIALS_ID": credential}
    same_answers(servers, key, ids)
    peer_rows = versus_peer(size, servers, wrk_env)
    rows = []
    for name, script, what in WORKLOADS:
        if ONLY and name not in ONLY:
            continue
        hello_rps, results = [], []
        wrk(service_port, script, {**wrk_env, "HUB_NONCE": str(100 + SIZES.index(size))},
            seconds=1)  # warm-up: plans prepared, pages cached
        for round_ in range(ROUNDS):
            hello_rps.append(wrk(hello_port, "hello.lua", {})["rps"])
            nonce = {"HUB_NONCE": str(SIZES.index(size) * ROUNDS + round_)}
            results.append(wrk(service_port, script, {**wrk_env, **nonce}))
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
              "rounds (range); CPU is the servers' own processes per request (us):", "",
              "| read | via | service req/s | peer req/s | req/s ratio | service p99 ms "
              "| peer p99 ms | p99 ratio | service CPU | peer CPU |",
              "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"]
    lines += peer_rows
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
        "One worker (4 threads, 4 pooled connections), `CARRIER_VERIFICATION=on` against "
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
        "A check holds a worker thread for the carrier's time but no database connection "
        "(the request gives its connection back while it waits), so the reads keep all "
        "four pooled connections; two threads waiting on the carrier leave the other two "
        "to serve the reads.",
        "",
    ])


def same_answers(servers, key, ids):
    """The service and the peer answer the same status, type and bytes for the pages and
    numbers measured, direct and behind nginx; else the run stops here."""
    import http.client

    def fetch(port, path):
        client = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            client.request("GET", path, headers={"Authorization": f"Bearer {key}"})
            answer = client.getresponse()
            return answer.status, answer.getheader("Content-Type"), answer.read()
        finally:
            client.close()

    first = fetch(servers["service"][1], "/api/v1/telephony/numbers?limit=50")
    cursor = json.loads(first[2])["next_cursor"]
    paths = ["/telephony/numbers?limit=50", "/telephony/numbers?limit=3",
             f"/telephony/numbers?limit=50&cursor={cursor}",
             *(f"/telephony/numbers/{i}" for i in ids[:5])]
    for route, prefix in ROUTES.items():
        suffix = "" if route == "direct" else "_nginx"
        for path in paths:
            ours = fetch(servers["service" + suffix][1], prefix + path)
            theirs = fetch(servers["peer" + suffix][1], prefix + path)
            if ours != theirs or ours[0] != 200:
                raise SystemExit(f"the service and the peer answer {path} ({route}) differently:"
                                 f"\n{ours}\n{theirs}")


def versus_peer(size, servers, wrk_env):
    """The hot reads, service against peer, direct and behind nginx: table rows."""
    rows = []
    for name, script, what in PEER_WORKLOADS:
        if ONLY and name not in ONLY:
            continue
        for route, prefix in ROUTES.items():
            suffix = "" if route == "direct" else "_nginx"
            env = {**wrk_env, "HUB_PREFIX": prefix}
            pair = {who: servers[who + suffix] for who in ("service", "peer")}
            for _, port in pair.values():  # warm-up: plans prepared, pages cached
                wrk(port, script, env, seconds=1)
            results = {"service": [], "peer": []}
            for round_ in range(ROUNDS):
                order = ("service", "peer") if round_ % 2 == 0 else ("peer", "service")
                for who in order:
                    # The CPU counted is the server's own (behind nginx: the app's).
                    process, port = pair[who]
                    results[who].append(wrk(port, script, env, server=servers[who][0]))
            ours, theirs = results["service"], results["peer"]
            rps = sorted(a["rps"] / b["rps"] for a, b in zip(ours, theirs, strict=True))
            p99 = sorted(a["p99_ms"] / b["p99_ms"] for a, b in zip(ours, theirs, strict=True))
            median = lambda runs, field: statistics.median(r[field] for r in runs)  # noqa: E731
            rows.append(
                f"| {what} | {route} | {median(ours, 'rps'):,.0f} | {median(theirs, 'rps'):,.0f} "
                f"| {statistics.median(rps):.2f} ({rps[0]:.2f}-{rps[-1]:.2f}) "
                f"| {median(ours, 'p99_ms'):.1f} | {median(theirs, 'p99_ms'):.1f} "
                f"| {statistics.median(p99):.2f} ({p99[0]:.2f}-{p99[-1]:.2f}) "
                f"| {median(ours, 'cpu_us'):,.0f} | {median(theirs, 'cpu_us'):,.0f} |")
            errors = sum(r["non_2xx"] + r["socket_errors"] for r in ours + theirs)
            print(f"  {size:>10,} {what:<10} {route:<6} service/peer req/s "
                  f"{statistics.median(rps):.2f} ({rps[0]:.2f}-{rps[-1]:.2f}), p99 "
                  f"{statistics.median(p99):.2f}; non-2xx or socket errors: {errors}", flush=True)
            if errors:
                raise SystemExit("errors while measuring against the peer: see .bench.log")
    return rows


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
    cluster = localpg.start(server_settings=SERVER_SETTINGS)
    logs = open(ROOT / ".bench.log", "w")
    servers, workdir = [], None
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
        named = {"service": serve("wsgi:app", env, logs),
                 "hello": serve("bench.hello:app", env, logs),
                 "peer": serve_peer(env, logs)}
        for who in ("service", "peer"):
            named[who + "_nginx"] = serve_nginx(named[who][1], workdir, logs)
        servers += [process for process, _ in named.values()]
        header = (f"Run {datetime.date.today()} on {machine()}. `make bench` "
                  f"(BENCH_SIZES={','.join(map(str, SIZES))}, {SECONDS:g} s a measurement, "
                  f"{ROUNDS} rounds); gunicorn.conf.py defaults (2 workers x 4 threads); "
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
        cluster.stop()
        shutil.rmtree(cluster.base_dir, ignore_errors=True)
        if workdir:
            shutil.rmtree(workdir, ignore_errors=True)
        logs.close()


if __name__ == "__main__":
    main()
