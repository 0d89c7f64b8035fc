"""What both kinds of test share: one real PostgreSQL per session, a clean database per
test, the app, real keys, the fake carriers; and, in CI, no skip.

With HUB_TESTS_THROUGH=pgbouncer (`make test` runs the in-process tests so a second time),
the app reaches the database through PgBouncer in transaction pooling, with 4 server
connections for all its clients, as production's many hosts do (tests.support.THROUGH);
the tests' own look at the database (`sql`) stays direct."""

import os

import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo

from app import create_app, sealing
from app.commands import migrations
from app.config import Config
from app.keys import key_hash, new_key
from app.process import pool as db
from app.queries import api_keys
from devtools import localpg, pgbouncer
from devtools.fake_carrier import FakeCarrier
from tests.support import THROUGH
from tests.support.api import bearer

TABLES = "numbers, providers, api_keys, idempotency_keys, events"


# In CI (CI set, as .ci/run sets it) a skip is a failure: CI installs every program the
# tests need, so a skip there is a test that did not run and should have. A test skips
# (a fixture's pytest.skip) or a whole file does (a skip at collection).

@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    return failed_if_skipped_in_ci((yield))


@pytest.hookimpl(wrapper=True)
def pytest_make_collect_report(collector):
    return failed_if_skipped_in_ci((yield))


def failed_if_skipped_in_ci(report):
    if report.skipped and os.environ.get("CI") and not hasattr(report, "wasxfail"):
        reason = report.longrepr[2].removeprefix("Skipped: ")
        report.outcome = "failed"
        report.longrepr = f"skipped, and CI allows no skip: {reason}"
    return report


@pytest.fixture(scope="session")
def postgres():
    try:
        bindir = localpg.server_bindir()
    except localpg.ServerMissing as exc:
        pytest.exit(str(exc), returncode=2)
    assert bindir
    with localpg.temporary() as server:
        yield server


@pytest.fixture(scope="session")
def database_url(postgres):
    url = postgres.url()
    with db.connect(Config(database_url=url)) as conn:
        migrations.upgrade(conn)
    return url


@pytest.fixture(scope="session")
def pooler(database_url):
    """PgBouncer in transaction mode in front of the test database, 4 server connections."""
    if pgbouncer.find_pgbouncer() is None:
        pytest.skip(f"pgbouncer not installed here ({pgbouncer.MISSING}; CI installs it)")
    bouncer = pgbouncer.PgBouncer(database_url, pool_size=4).start()
    yield bouncer
    bouncer.stop()


@pytest.fixture(scope="session")
def app_database_url(request, database_url):
    """The URL the test apps reach the database by: direct, or through the pooler."""
    if THROUGH == "pgbouncer":
        return request.getfixturevalue("pooler").url()
    return database_url


@pytest.fixture(scope="session")
def sealing_keys():
    """(public, private) of the key pair the test app seals to."""
    return sealing.keygen()


@pytest.fixture(scope="session")
def config(app_database_url, sealing_keys):
    # Tests not about the carrier's check store credentials unchecked, as `make run` does.
    return Config(database_url=app_database_url, sealing_public_key=sealing_keys[0],
                  carrier_verification=False)


@pytest.fixture(scope="session")
def app(config):
    app = create_app(config)
    app.config["TESTING"] = True
    yield app
    app.extensions["db"].close()


@pytest.fixture
def make_app(config):
    """Apps with a configuration of the test's own (another sealing key, say)."""
    made = []

    def make(**changes):
        from dataclasses import replace

        app = create_app(replace(config, **changes))
        app.config["TESTING"] = True
        made.append(app)
        return app

    yield make
    for app in made:
        app.extensions["db"].close()


@pytest.fixture
def sql(database_url):
    """A direct connection, to look at what the API stored."""
    with db.connect(Config(database_url=database_url)) as conn:
        yield conn


@pytest.fixture
def fresh_database(sql, database_url, request):
    """The URL of a new, empty database in the test cluster."""
    name = f"fresh_{request.node.name[:40].lower().replace('[', '_').replace(']', '')}"
    sql.execute(f'DROP DATABASE IF EXISTS "{name}"')
    sql.execute(f'CREATE DATABASE "{name}"')
    yield make_conninfo(**{**conninfo_to_dict(database_url), "dbname": name})
    sql.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


@pytest.fixture(autouse=True)
def clean_database(request, database_url):
    yield
    with db.connect(Config(database_url=database_url)) as conn:
        conn.execute(f"TRUNCATE {TABLES}")


@pytest.fixture(scope="session")
def fake_carriers():
    """The fake of the carriers' APIs (devtools/fake_carrier.py), one for the session;
    tests take it through `fake`."""
    carrier = FakeCarrier().start()
    yield carrier
    carrier.stop()


@pytest.fixture
def fake(fake_carriers):
    """The fake carriers as each test finds them: answering, nothing recorded yet."""
    fake_carriers.rearm()
    fake_carriers.requests.clear()
    fake_carriers.outage = None
    yield fake_carriers
    fake_carriers.release()  # whatever still hangs goes


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    """The app's commands (`flask db ...`, `flask api-keys ...`) run in this process, on
    the test database; tests/system/test_cli.py runs the real command line."""
    return app.test_cli_runner()


@pytest.fixture
def make_key(sql):
    """make_key(account_id) or make_key(platform=True): a real key, stored as its hash."""

    def make(account_id=None, platform=False):
        key = new_key()
        api_keys.create(
            sql,
            key_hash=key_hash(key),
            kind="platform" if platform else "account",
            account_id=None if platform else account_id,
            label="test",
        )
        return key

    return make




@pytest.fixture
def alice(make_key):
    """Headers of an account key of account `alice`."""
    return bearer(make_key("alice"))


@pytest.fixture
def bob(make_key):
    """Headers of an account key of account `bob`."""
    return bearer(make_key("bob"))


@pytest.fixture
def platform_key(make_key):
    return make_key(platform=True)
