"""The package type-checks under `mypy --strict`, and so does a caller that uses every
method (examples/typed_usage.py), which also runs against the live service."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from conftest import Service

SDK = Path(__file__).resolve().parent.parent
EXAMPLE = SDK / "examples" / "typed_usage.py"


def test_the_package_and_a_typed_caller_pass_mypy_strict() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary",
         "src/kataven", str(EXAMPLE.relative_to(SDK))],
        cwd=SDK, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_typed_caller_runs_against_the_service(service: Service) -> None:
    env = {**os.environ, "KATAVEN_API_KEY": service.platform_key,
           "KATAVEN_BASE_URL": service.base_url, "KATAVEN_ACCOUNT_ID": service.account_id}
    done = subprocess.run([sys.executable, str(EXAMPLE)], env=env, capture_output=True,
                          text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "typed example: ok" in done.stdout
