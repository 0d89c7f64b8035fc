"""What the tests import besides their fixtures: the checkout's root, a bounded wait and
threads released together here; the API's paths and bodies in api.py; gunicorn, nginx,
chromium and the command lines in server.py, nginx.py, browser.py and cli.py."""

import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent

# How the test apps reach the database: "direct", or "pgbouncer" (tests/conftest.py).
THROUGH = os.environ.get("HUB_TESTS_THROUGH") or "direct"
# How many requests the race tests send at the same moment: through the pooler, 32
# clients on its 4 server connections.
THREADS = 32 if THROUGH == "pgbouncer" else 12


def line(text):
    """An error answer's one line, checked to end in its newline, given without it."""
    assert text.endswith("\n") and "\n" not in text[:-1], repr(text)
    return text[:-1]


def wait_until(condition, timeout=20, every=0.02):
    """Poll for a state, bounded: tests wait for conditions, never a fixed time."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(every)


def together(n, action):
    """Run action(i) in n threads released at the same moment; return the results."""
    start = threading.Barrier(n)

    def run(i):
        start.wait()
        return action(i)

    with ThreadPoolExecutor(n) as pool:
        return list(pool.map(run, range(n)))
