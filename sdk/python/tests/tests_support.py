"""Small helpers for the SDK's tests."""

from __future__ import annotations

import time
from typing import Callable


def wait_until(condition: Callable[[], bool], timeout: float = 10, every: float = 0.01) -> None:
    """Poll for a state, bounded: tests wait for conditions, never a fixed time."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(every)
