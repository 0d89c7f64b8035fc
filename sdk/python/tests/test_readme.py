"""The README's Python examples run, in order, as written, against the live service."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

from conftest import Service

README = Path(__file__).resolve().parent.parent / "README.md"


def test_the_readme_examples_run_against_the_service(service: Service,
                                                     sealing_private_key: str) -> None:
    blocks = re.findall(r"^```python\n(.*?)^```", README.read_text(), re.S | re.M)
    assert len(blocks) >= 8
    env = {k: v for k, v in os.environ.items() if not k.startswith("KATAVEN_")}
    env.update({"KATAVEN_API_KEY": service.api_key, "KATAVEN_BASE_URL": service.base_url,
                "KATAVEN_PLATFORM_KEY": service.platform_key,
                "SEALING_PRIVATE_KEY": sealing_private_key})
    done = subprocess.run([sys.executable, "-c", "\n".join(blocks)], env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "invalid body: e164: not a valid E.164 phone number" in done.stdout
    assert "400 invalid_body e164 invalid body: e164: " in done.stdout
    assert "+12025550124 is registered already (e164)" in done.stdout
    assert "credential_in_use credential in use by 1 phone number" in done.stdout
    # The dial-out service routed the number and opened its credential.
    assert "dial-out: agent agent_1 twilio ['account_sid', 'auth_token']" in done.stdout
