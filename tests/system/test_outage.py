"""Database outages under a real gunicorn: fail fast with `500 database error`, recover alone."""

import os
import shutil
import signal
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from app.commands import migrations
from app.config import Config
from app.keys import key_hash, new_key
from app.process import pool as db
from app.queries import api_keys
from devtools import localpg, pgbouncer
from tests.support import line, wait_until
from tests.support.api import PROVIDERS, bearer

# A bound on each request, so that a hang fails the test instead of stalling it; the
# contract's own bound is 5 seconds, the service's deadline 4.5.
CLIENT_TIMEOUT = 8


@pytest.fixture
def cluster():
    """A PostgreSQL of this test's own, to stop, freeze and start again."""
    server = localpg.start()
    with db.connect(Config(database_url=server.url())) as conn:
        migrations.upgrade(conn)
    yield server
    server.stop()
    shutil.rmtree(server.base_dir, ignore_errors=True)


@pytest.fixture(params=["direct", "pgbouncer"])
def served(request, cluster, start_gunicorn):
    """(gunicorn on that cluster, headers of a key of account alice): reaching it directly,
    or through PgBouncer in transaction mode, which stays up while the database goes."""
    key = new_key()
    with db.connect(Config(database_url=cluster.url())) as conn:
        api_keys.create(conn, key_hash=key_hash(key), kind="account", account_id="alice", label="")
    url = cluster.url()
    if request.param == "pgbouncer":
        request.getfixturevalue("pgbouncer_program")
        bouncer = pgbouncer.PgBouncer(cluster.url(), pool_size=4).start()
        request.addfinalizer(bouncer.stop)
        url = bouncer.url()
    server = start_gunicorn(DATABASE_URL=url, WEB_CONCURRENCY="2")
    return server, bearer(key)


def burst(server, headers, n=24):
    """n concurrent GET /providers: [(status, body, seconds)]."""
    def one(_):
        started = time.monotonic()
        status, _, body = server.request("GET", PROVIDERS, headers=headers, timeout=CLIENT_TIMEOUT)
        return status, body, time.monotonic() - started

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(one, range(n)))


def serves(server, headers):
    return server.request("GET", PROVIDERS, headers=headers, timeout=CLIENT_TIMEOUT)[0] == 200


def test_a_stopped_database_answers_500_and_the_service_recovers_without_restart(cluster, served):
    server, alice = served
    assert serves(server, alice)
    cluster.stop()
    results = burst(server, alice)
    assert {(status, line(body)) for status, body, _ in results} == {(500, "database error")}
    status, _, body = server.request("GET", "/readyz", timeout=CLIENT_TIMEOUT)
    assert (status, line(body)) == (503, "database unavailable")
    assert server.request("GET", "/healthz")[0] == 200
    cluster.start()
    # Every worker reconnects by itself (each has its own pool): wait until ten requests
    # in a row, spread over the workers, are served, and the service says it is ready.
    wait_until(lambda: all(serves(server, alice) for _ in range(10)))
    wait_until(lambda: server.request("GET", "/readyz", timeout=CLIENT_TIMEOUT)[0] == 200)
    print(f"slowest answer during the outage: {max(s for _, _, s in results):.2f} s")


def test_the_cause_is_logged_with_the_request_id(cluster, served):
    server, alice = served
    cluster.stop()
    status, headers, _ = server.request(
        "GET", PROVIDERS, headers={**alice, "X-Request-ID": "outage-1"}, timeout=CLIENT_TIMEOUT)
    assert (status, headers["X-Request-ID"]) == (500, "outage-1")
    server.stop()
    errors = [line for line in server.log_lines()
              if line.get("request_id") == "outage-1" and line["level"] == "error"]
    # Through a pooler the watchdog may speak first (the pooler waits for the database
    # on the service's behalf); the cause's own line is there either way.
    assert any(line["message"].startswith("database error: ") for line in errors), errors


def freeze(cluster):
    """SIGSTOP the postmaster, then (now that it forks no more) each of its children,
    scanning again until every child is seen stopped: a busy machine may show a child
    late, and one left running would answer queries."""
    parent = cluster.server_pid
    os.kill(parent, signal.SIGSTOP)
    wait_until(lambda: _stopped(parent))
    while True:
        children = {int(pid) for pid in os.listdir("/proc")
                    if pid.isdigit() and _stat(int(pid))[1] == parent}
        running = {pid for pid in children if not _stopped(pid)}
        if not running:
            return [parent, *children]
        for pid in running:
            os.kill(pid, signal.SIGSTOP)
        wait_until(lambda running=running: all(_stopped(pid) for pid in running
                                               if _stat(pid)[0]))


def _stat(pid):
    """(state, parent pid) of a process, or (None, None) once it is gone."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            state, parent = stat.read().rsplit(")", 1)[1].split()[:2]
            return state, int(parent)
    except (OSError, IndexError, ValueError):
        return None, None


def _stopped(pid):
    return _stat(pid)[0] in ("T", None)


def test_a_frozen_database_answers_500_within_the_deadline_then_recovers(cluster, served):
    server, alice = served
    assert serves(server, alice)
    frozen = freeze(cluster)
    try:
        results = burst(server, alice, n=8)
        status, _, body = server.request("GET", "/readyz", timeout=CLIENT_TIMEOUT)
    finally:
        for pid in frozen:
            os.kill(pid, signal.SIGCONT)
    assert {(status, line(body)) for status, body, _ in results} == {(500, "database error")}
    assert status == 503
    wait_until(lambda: serves(server, alice))
