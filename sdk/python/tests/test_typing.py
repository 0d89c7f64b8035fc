"""The package type-checks under `mypy --strict`, and so does a caller that uses every
method (examples/typed_usage.py), which also runs against the live service; a caller
that passes a value outside one of the API's closed sets does not."""

from __future__ import annotations

import os
import re
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


# Each line a value the API would refuse (an unknown carrier, event type or error code),
# and the error mypy --strict must report for it.
REFUSED = {
    'client.telephony.providers.create(provider="nexmo", credentials={})': "arg-type",
    'client.telephony.numbers.create(e164="+12025550123", credentials_id="c", '
    'provider="nexmo")': "arg-type",
    'client.telephony.numbers.list(provider="nexmo")': "arg-type",
    'client.telephony.events.list(type="number.pinned")': "arg-type",
    'async_client.telephony.events.list(type="number.pinned")': "arg-type",
    'assert error.code != "duplicate_numbr"': "comparison-overlap",
    'assert route.inbound != "voicemail"': "comparison-overlap",
    'rule: InboundRule = "forward"': "assignment",
    'client.telephony.numbers.update("n", fallback_e164=12025550199)': "arg-type",
}


def test_mypy_strict_refuses_values_outside_the_closed_sets(tmp_path: Path) -> None:
    lines = [
        "from kataven import AsyncKataven, BadRequestError, InboundRule, Kataven",
        "client, async_client = Kataven(api_key='k'), AsyncKataven(api_key='k')",
        "error = BadRequestError.__new__(BadRequestError)",
        'route = client.telephony.routes.get("+12025550123")',
        'client.telephony.providers.create(provider="twilio", credentials={})',  # accepted
        'assert route.inbound != "reject"',  # accepted: a rule there is
        *REFUSED,
    ]
    caller = tmp_path / "refused.py"
    caller.write_text("\n".join(lines) + "\n")
    done = subprocess.run(
        [sys.executable, "-m", "mypy", "--strict", "--no-error-summary", str(caller)],
        cwd=SDK, capture_output=True, text=True, timeout=300)
    found = {int(n): code for n, code in re.findall(r"refused\.py:(\d+): error: .*\[([\w-]+)\]$",
                                                   done.stdout, re.M)}
    expected = {lines.index(line) + 1: code for line, code in REFUSED.items()}
    assert found == expected, done.stdout + done.stderr
