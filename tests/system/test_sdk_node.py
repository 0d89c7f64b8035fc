"""The Node SDK's suites (sdk/node/test, node --test) against the service under real gunicorn.

Each suite file is one test here: it gets the served URL, an account key and a platform key
in its environment (as it would against `make run`), and fails with node's output.
"""

import os
import re
import subprocess

import pytest

from tests.support import ROOT

NODE_SDK = ROOT / "sdk" / "node"
SUITES = sorted(path.name for path in (NODE_SDK / "test").glob("*.test.js"))
ACCOUNT = "sdk-node"


@pytest.fixture(scope="module")
def gunicorn_env():
    return {"WEB_CONCURRENCY": "2"}


def test_the_suites_and_their_tools_are_there():
    assert {"service.test.js", "retries.test.js", "openapi.test.js"} <= set(SUITES)
    assert (NODE_SDK / "node_modules" / ".bin" / "tsc").exists(), \
        "sdk/node's devDependencies are missing: `make test` installs them (npm ci)"


@pytest.mark.parametrize("suite", SUITES)
def test_node_suite(suite, gunicorn, make_key):
    env = {
        "PATH": os.environ["PATH"],
        "KATAVEN_TEST_BASE_URL": f"http://127.0.0.1:{gunicorn.port}/api/v1",
        "KATAVEN_TEST_API_KEY": make_key(ACCOUNT),
        "KATAVEN_TEST_ACCOUNT_ID": ACCOUNT,
        "KATAVEN_TEST_PLATFORM_KEY": make_key(platform=True),
    }
    done = subprocess.run(
        ["node", "--test", "--test-reporter=tap", f"test/{suite}"],
        cwd=NODE_SDK, env=env, capture_output=True, text=True, timeout=300,
    )
    output = done.stdout + done.stderr
    assert done.returncode == 0, output
    passed = re.search(r"^# pass (\d+)$", done.stdout, re.M)
    assert passed and int(passed.group(1)) > 0, output
    for none in ("fail", "skipped", "todo", "cancelled"):
        assert re.search(rf"^# {none} 0$", done.stdout, re.M), output
