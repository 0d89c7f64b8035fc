"""Fixtures: one real PostgreSQL per session, a clean database per test, real keys."""

import pytest

from app import create_app, db, localpg, migrations, sealing
from app.auth import key_hash, new_key
from app.config import Config
from app.queries import api_keys
from support import bearer

TABLES = "numbers, providers, api_keys, idempotency_keys, events"


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
def sealing_keys():
    """(public, private) of the key pair the test app seals to."""
    return sealing.keygen()


@pytest.fixture(scope="session")
def config(database_url, sealing_keys):
    # Tests not about the carrier's check store credentials unchecked, as `make run` does.
    return Config(database_url=database_url, sealing_public_key=sealing_keys[0],
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
def sql(config):
    """A direct connection, to look at what the API stored."""
    with db.connect(config) as conn:
        yield conn


@pytest.fixture(autouse=True)
def clean_database(request, database_url):
    yield
    with db.connect(Config(database_url=database_url)) as conn:
        conn.execute(f"TRUNCATE {TABLES}")


@pytest.fixture
def client(app):
    return app.test_client()


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
