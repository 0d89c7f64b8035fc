"""`db upgrade`: each migration once, in order, also when several processes run it."""

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from app.commands import migrations
from app.process import pool as db
from app.config import Config
from tests.support.cli import flask, start_flask


@pytest.fixture
def fresh_database(sql, database_url, request):
    """The URL of a new, empty database in the test cluster."""
    name = f"fresh_{request.node.name[:40].lower().replace('[', '_').replace(']', '')}"
    sql.execute(f'DROP DATABASE IF EXISTS "{name}"')
    sql.execute(f'CREATE DATABASE "{name}"')
    yield make_conninfo(**{**conninfo_to_dict(database_url), "dbname": name})
    sql.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def versions(url):
    with db.connect(Config(database_url=url)) as conn:
        return [r["version"] for r in conn.execute(
            "SELECT version FROM schema_migrations ORDER BY version")]


def all_versions():
    return [version for version, _ in migrations.pending_files(set())]


def test_upgrade_applies_every_file_once(fresh_database):
    first = flask("db", "upgrade", database_url=fresh_database)
    assert "applied 001" in first.stderr
    assert versions(fresh_database) == all_versions()
    second = flask("db", "upgrade", database_url=fresh_database)
    assert "(0 applied)" in second.stderr
    assert versions(fresh_database) == all_versions()


def test_concurrent_upgrades_both_succeed(fresh_database):
    runs = [start_flask("db", "upgrade", database_url=fresh_database) for _ in range(3)]
    results = [(run.wait(timeout=60), run.stderr.read()) for run in runs]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert sum("applied 001" in err for _, err in results) == 1
    assert versions(fresh_database) == all_versions()


def test_files_are_applied_in_numeric_order(tmp_path):
    for name in ("010_ten.sql", "002_two.sql", "001_one.sql", "README.md", "3_bad.sql"):
        (tmp_path / name).write_text("SELECT 1;")
    assert [v for v, _ in migrations.pending_files(set(), tmp_path)] == ["001", "002", "010"]
    assert [v for v, _ in migrations.pending_files({"001"}, tmp_path)] == ["002", "010"]


def test_a_failing_file_leaves_no_trace(fresh_database, tmp_path):
    (tmp_path / "001_good.sql").write_text("CREATE TABLE good (id int);")
    (tmp_path / "002_bad.sql").write_text("CREATE TABLE half (id int); SELECT nonsense;")
    with db.connect(Config(database_url=fresh_database)) as conn:
        with pytest.raises(Exception):
            migrations.upgrade(conn, tmp_path)
        assert [r["version"] for r in conn.execute("SELECT version FROM schema_migrations")] == [
            "001"]
        assert conn.execute("SELECT to_regclass('half') AS t").fetchone()["t"] is None
