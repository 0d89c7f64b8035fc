"""The Python SDK (sdk/python) against the real service: its own test suite, run on the
Procfile's gunicorn over the test database, with an account key and a platform key, and
the private key the service seals to (to open sealed credentials as the dial-out service
does)."""

import configparser
import json
import os
import re
import subprocess
import sys

import pytest

import app
from tests.support import ROOT

SDK = ROOT / "sdk" / "python"
PLATFORM_ACCOUNT = "sdk_platform_account"


@pytest.fixture(scope="module")
def gunicorn_env():
    return {"WEB_CONCURRENCY": "2"}


def test_the_sdk_suite_passes_against_the_service(gunicorn, make_key, sealing_keys):
    env = {k: v for k, v in os.environ.items() if not k.startswith("KATAVEN_")}
    env.update({
        "KATAVEN_TEST_BASE_URL": f"http://127.0.0.1:{gunicorn.port}/api/v1",
        "KATAVEN_TEST_API_KEY": make_key("sdk_account"),
        "KATAVEN_TEST_PLATFORM_KEY": make_key(platform=True),
        "KATAVEN_TEST_ACCOUNT_ID": PLATFORM_ACCOUNT,
        "KATAVEN_TEST_SEALING_PRIVATE_KEY": sealing_keys[1],
    })
    done = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
                          cwd=SDK, env=env, capture_output=True, text=True, timeout=600)
    output = done.stdout + done.stderr
    assert done.returncode == 0, f"the SDK's tests failed:\n{output[-20000:]}"
    summary = output.strip().splitlines()[-1]
    # Every test of the suite ran: a skip would hide what it holds.
    assert re.search(r"\d+ passed", summary), output[-5000:]
    assert not re.search(r"failed|skipped|xfail|error", summary), output[-5000:]
    print(summary)


def test_the_sdks_and_the_document_carry_the_services_version(gunicorn):
    # One version: the service's (app/__init__.py, which setup.cfg reads too).
    setup = configparser.ConfigParser()
    setup.read(ROOT / "setup.cfg")
    assert setup["metadata"]["version"] == "attr: app.__version__"
    python = (SDK / "src" / "kataven" / "_version.py").read_text()
    assert f'__version__ = "{app.__version__}"' in python
    node = json.loads((ROOT / "sdk" / "node" / "package.json").read_text())["version"]
    assert node == app.__version__
    assert f'"{app.__version__}"' in (ROOT / "sdk" / "node" / "src" / "version.js").read_text()
    document = json.loads(gunicorn.request("GET", "/api/v1/openapi.json")[2])
    assert document["info"]["version"] == app.__version__
