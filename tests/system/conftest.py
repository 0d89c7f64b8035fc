"""What the system tests share: the `system` mark, given to every test in this folder,
and the real gunicorn they test through."""

import contextlib
import itertools

import pytest

from tests.support.server import Gunicorn


def pytest_itemcollected(item):
    # pytest calls a conftest's collection hooks for the items below it only: a test
    # file added here is marked without having to say so.
    item.add_marker(pytest.mark.system)


@contextlib.contextmanager
def serving(log_path, database_url, sealing_keys, env):
    """The Procfile's web process on the test database, sealing to the test key, with
    one worker and the carrier's check off (gunicorn.conf.py's settings otherwise);
    `env` changes any of it. Stopped on leaving, also when it failed to start."""
    settings = {"DATABASE_URL": database_url, "SEALING_PUBLIC_KEY": sealing_keys[0],
                "WEB_CONCURRENCY": "1", "CARRIER_VERIFICATION": "off", **env}
    server = Gunicorn(log_path, **settings)
    try:
        yield server.start()
    finally:
        server.stop()


@pytest.fixture(scope="module")
def gunicorn_env():
    """What the module's `gunicorn` runs with beyond serving()'s settings. A module that
    wants more workers, say, defines its own fixture of this name."""
    return {}


@pytest.fixture(scope="module")
def gunicorn(gunicorn_env, database_url, sealing_keys, tmp_path_factory):
    """One gunicorn for all the tests of a module."""
    log_path = tmp_path_factory.mktemp("gunicorn") / "out.log"
    with serving(log_path, database_url, sealing_keys, gunicorn_env) as server:
        yield server


@pytest.fixture
def start_gunicorn(database_url, sealing_keys, tmp_path):
    """start_gunicorn(**env): a gunicorn of the test's own (another database, the check
    on, a statement timeout), started now and stopped after the test."""
    numbers = itertools.count()
    with contextlib.ExitStack() as started:
        def start(**env):
            log_path = tmp_path / f"gunicorn-{next(numbers)}.log"
            return started.enter_context(serving(log_path, database_url, sealing_keys, env))

        yield start
