"""What the system tests share: the `system` mark, given to every test in this folder;
the programs they need besides Python and PostgreSQL, each a skip where it is not
installed; and the real gunicorn and nginx they test through."""

import contextlib
import itertools

import pytest

from devtools import pgbouncer
from devtools.nginx import find_nginx
from tests.support.browser import find_chromium
from tests.support.nginx import Nginx
from tests.support.server import Gunicorn


def pytest_itemcollected(item):
    # pytest calls a conftest's collection hooks for the items below it only: a test
    # file added here is marked without having to say so.
    item.add_marker(pytest.mark.system)


def installed(program, path):
    """`path`, or a skip of the test that needs `program` where it is not installed
    (tests/conftest.py turns the skip into a failure in CI)."""
    if path is None:
        pytest.skip(f"{program} not installed here (Debian: apt-get install {program}; "
                    f"CI installs it)")
    return path


@pytest.fixture(scope="session")
def nginx_program():
    """nginx's path."""
    return installed("nginx", find_nginx())


@pytest.fixture(scope="session")
def pgbouncer_program():
    """PgBouncer's path."""
    return installed("pgbouncer", pgbouncer.find_pgbouncer())


@pytest.fixture(scope="session")
def chromium_program():
    """Debian's chromium's path."""
    return installed("chromium", find_chromium())


@pytest.fixture
def start_nginx(nginx_program, tmp_path):
    """start_nginx(make_config, upstream_port): nginx in front of the server on
    upstream_port, configured by make_config (tests/support/nginx.py's deploy_config or
    stock_config); stopped after the test."""
    numbers = itertools.count()
    with contextlib.ExitStack() as started:
        def start(make_config, upstream_port):
            workdir = tmp_path / f"nginx-{next(numbers)}"
            workdir.mkdir()
            server = Nginx(nginx_program, workdir, make_config, upstream_port)
            started.callback(server.stop)
            return server.start()

        yield start


@contextlib.contextmanager
def serving(log_path, database_url, sealing_keys, env):
    """The Procfile's web process on the test database, sealing to the test key, with
    one worker and the carrier's check off (gunicorn.conf.py's settings otherwise);
    `env` changes any of it. Stopped on leaving, also when it failed to start."""
    # Tests not about the carrier's check store credentials unchecked, as `make run` does.
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
