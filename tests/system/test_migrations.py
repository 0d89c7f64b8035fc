"""`db upgrade` as the command line runs it: each migration once, also when several
processes run it at once. How files are ordered and applied is in tests/inprocess/."""

from app.commands import migrations
from app.config import Config
from app.process import pool as db
from tests.support.cli import flask, start_flask


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


def test_concurrent_upgrades_through_a_transaction_pooler_take_turns(fresh_database, pooler):
    # A session lock would be taken on one server connection and released (or not) on
    # another; the transaction-scoped lock ends with each file's transaction.
    through = pooler.url(fresh_database)
    runs = [start_flask("db", "upgrade", database_url=through) for _ in range(3)]
    results = [(run.wait(timeout=60), run.stderr.read()) for run in runs]
    assert [code for code, _ in results] == [0, 0, 0], results
    assert sum("applied 001" in err for _, err in results) == 1
    assert versions(fresh_database) == all_versions()
    assert "(0 applied)" in flask("db", "upgrade", database_url=through).stderr
