"""Migrations: the numbered SQL files of sql/, applied in order, each once."""

import re
from pathlib import Path

SQL_DIR = Path(__file__).resolve().parents[2] / "sql"
# Any constant shared by every process that migrates this database.
LOCK_ID = 0x6B617461  # "kata"
FILE_NAME = re.compile(r"^(\d{3,})_[a-z0-9_]+\.sql$")


def pending_files(applied, sql_dir=SQL_DIR):
    """The migration files not yet applied, in order of their number."""
    files = sorted(
        (int(m.group(1)), p) for p in sql_dir.iterdir() if (m := FILE_NAME.match(p.name))
    )
    return [(f"{n:03d}", p) for n, p in files if f"{n:03d}" not in applied]


def upgrade(conn, sql_dir=SQL_DIR):
    """Apply what is pending, a file at a time; return the versions applied.

    Each file runs in a transaction of its own, which first takes a transaction-scoped
    advisory lock and only then reads what is applied: concurrent runs (several release
    phases, web processes starting together) take turns, and each file is applied once.
    The lock ends with its transaction, so it holds the same through a transaction
    pooler, where a session lock would be taken on one server connection and released
    (or not) on another. A file and its record commit together: a failed file leaves no
    trace.
    """
    done = []
    while True:
        with conn.transaction():
            # A migration may rightly take long, and wait as long as another's lock.
            conn.execute("SET LOCAL statement_timeout = 0; SET LOCAL lock_timeout = 0")
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_ID,))
            conn.execute(
                """
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version     text        PRIMARY KEY,
                    applied_at  timestamptz NOT NULL DEFAULT now()
                )
                """
            )
            applied = {r["version"] for r in conn.execute("SELECT version FROM schema_migrations")}
            pending = pending_files(applied, sql_dir)
            if not pending:
                return done
            version, path = pending[0]
            conn.execute(path.read_text())
            conn.execute("INSERT INTO schema_migrations (version) VALUES (%s)", (version,))
        done.append(f"{version} {path.name}")
