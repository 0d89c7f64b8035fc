"""Running the real command line, `flask --app wsgi ...`, as an operator would."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def flask(*args, database_url, env=None, check=True):
    """Run `flask --app wsgi ARGS` in the checkout; return the CompletedProcess."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SEALING_", "DATABASE_"))}
    environ.update({"DATABASE_URL": database_url, **(env or {})})
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT, env=environ, capture_output=True, text=True, timeout=60,
    )
    if check:
        assert done.returncode == 0, done.stderr
    return done


def start_flask(*args, database_url):
    environ = {**os.environ, "DATABASE_URL": database_url}
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT, env=environ, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
