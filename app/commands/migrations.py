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
    """Apply what is pending; return the versions applied.

    A session advisory lock serialises concurrent runs (several release phases, or
    web processes starting together): the second waits, then finds nothing to do.
    Each file and its record commit together, so a failed file leaves no trace.
    """
    conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_ID,))
    try:
        conn.execute(
            """
            CREATE TABLE IF NOT EXISTS schema_migrations (
                version     text        PRIMARY KEY,
                applied_at  timestamptz NOT NULL DEFAULT now()
            )
            """
        )
        applied = {r["version"] for r in conn.execute("SELECT version FROM schema_migrations")}
        done = []
        for version, path in pending_files(applied, sql_dir):
            with conn.transaction():
                conn.execute(path.read_text())
                conn.execute(
                    "INSERT INTO schema_migrations (version) VALUES (%s)", (version,)
                )
            done.append(f"{version} {path.name}")
        return done
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_ID,))
