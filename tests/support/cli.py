"""Running the real command lines, as an operator (`flask --app wsgi ...`) or a developer
(`python -m devtools.<tool> ...`) would."""

import os
import subprocess
import sys

from . import ROOT


def flask(*args, database_url, env=None, check=True):
    """Run `flask --app wsgi ARGS` in the checkout; return the CompletedProcess."""
    return run(["-m", "flask", "--app", "wsgi", *args], database_url, env, check)


def devtool(name, *args, database_url, env=None, check=True):
    """Run `python -m devtools.NAME ARGS` in the checkout; return the CompletedProcess."""
    return run(["-m", f"devtools.{name}", *args], database_url, env, check)


def environment(database_url, env):
    """The tests' environment, with the database and keys the test gives, and no other."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("SEALING_", "DATABASE_"))}
    return {**environ, "DATABASE_URL": database_url, **(env or {})}


def run(args, database_url, env, check):
    done = subprocess.run([sys.executable, *args], cwd=ROOT, env=environment(database_url, env),
                          capture_output=True, text=True, timeout=60)
    if check:
        assert done.returncode == 0, done.stderr
    return done


def start_devtool(name, *args):
    """`python -m devtools.NAME ARGS`, running, its output piped."""
    return subprocess.Popen(
        [sys.executable, "-m", f"devtools.{name}", *args],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )


def start_flask(*args, database_url, env=None):
    """`flask --app wsgi ARGS`, running, its output piped."""
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT, env=environment(database_url, env), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, text=True,
    )
