"""Migrations (app/commands/migrations.py): the files of sql/ in numeric order, each in
a transaction of its own. `db upgrade` as a command is in tests/system/."""

import psycopg
import pytest

from app.commands import migrations
from app.config import Config
from app.process import pool as db


def test_files_are_applied_in_numeric_order(tmp_path):
    for name in ("010_ten.sql", "002_two.sql", "001_one.sql", "README.md", "3_bad.sql"):
        (tmp_path / name).write_text("SELECT 1;")
    assert [v for v, _ in migrations.pending_files(set(), tmp_path)] == ["001", "002", "010"]
    assert [v for v, _ in migrations.pending_files({"001"}, tmp_path)] == ["002", "010"]


def test_a_failing_file_leaves_no_trace(fresh_database, tmp_path):
    (tmp_path / "001_good.sql").write_text("CREATE TABLE good (id int);")
    (tmp_path / "002_bad.sql").write_text("CREATE TABLE half (id int); SELECT nonsense;")
    with db.connect(Config(database_url=fresh_database)) as conn:
        with pytest.raises(psycopg.errors.UndefinedColumn):
            migrations.upgrade(conn, tmp_path)
        assert [r["version"] for r in conn.execute("SELECT version FROM schema_migrations")] == [
            "001"]
        assert conn.execute("SELECT to_regclass('half') AS t").fetchone()["t"] is None
