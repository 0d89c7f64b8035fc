"""README.md's curl tour, run verbatim with bash against a real gunicorn after the line
`make run` prints: each command must answer what the README shows under it (ids, times
and the sealing key's fingerprint aside), every time it is run."""

import re
import subprocess

from devtools.devserver import banner
from tests.support import ROOT

README = ROOT / "README.md"
FENCE = re.compile(r"^```(\w*)\n(.*?)^```$", re.MULTILINE | re.DOTALL)
MARK = "@@ end of step @@"
VARYING = [
    (re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"), "<id>"),
    (re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z"), "<time>"),
    (re.compile(r'"sealing_key_id":"[0-9a-f]{16}"'), '"sealing_key_id":"<key id>"'),
]


def tour():
    """[(command, the output shown under it, or "")] of the README's tour."""
    text = README.read_text()
    start = text.index("\n## A tour with curl\n")
    end = text.index("\n## ", start + 1)
    steps = []
    for language, body in FENCE.findall(text[start:end]):
        if language == "bash":
            steps.append([body, ""])
        else:
            steps[-1][1] += body  # what the command before it prints
    return steps


def normal(text):
    for pattern, placeholder in VARYING:
        text = pattern.sub(placeholder, text)
    return text


def export_lines(port, key, database_url="postgresql://postgres@127.0.0.1:41234/test"):
    """The lines of `make run`'s banner that export: the tour's, then the command line's."""
    return [line.strip() for line in banner(port, key, database_url).splitlines()
            if line.strip().startswith("export ")]


def test_the_readme_shows_the_lines_make_run_prints():
    shown = [line.strip() for line in README.read_text().splitlines()
             if line.strip().startswith("export ")]
    assert shown == export_lines("8000", "kvn_...")
    tour_line, cli_line = shown
    assert "KATAVEN_BASE_URL=http://127.0.0.1:8000/api/v1 " in tour_line  # the SDKs' name
    assert cli_line.startswith("export DATABASE_URL=postgresql://")


def run_tour(steps, port, key):
    """Run the steps in one bash, after the tour's export line; (CompletedProcess, what
    each step printed)."""
    script = "set -euo pipefail\n" + export_lines(port, key)[0] + "\n"
    script += "".join(f"{command}echo '{MARK}'\n" for command, _ in steps)
    done = subprocess.run(["bash", "-c", script], env={"PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, timeout=60)
    return done, done.stdout.split(MARK + "\n")


def test_the_tour_runs_verbatim_and_answers_as_shown_twice(gunicorn, make_key, sql):
    steps = tour()
    assert len(steps) >= 8
    key = make_key("dev")
    for _ in range(2):  # on the same database, as `make run` keeps it
        done, outputs = run_tour(steps, gunicorn.port, key)
        assert done.returncode == 0 and len(outputs) == len(steps) + 1, (
            done.stdout + done.stderr)
        assert outputs.pop() == ""  # nothing after the last step's mark
        for (command, shown), printed in zip(steps, outputs, strict=True):
            # curl adds no newline after an answer; the README shows each on its own line.
            assert normal(printed).rstrip("\n") == normal(shown).rstrip("\n"), command
        assert done.stderr == ""
        # The tour cleans up after itself, so it can run again.
        assert sql.execute("SELECT (SELECT count(*) FROM providers)"
                           " + (SELECT count(*) FROM numbers) AS left").fetchone() == {"left": 0}


def test_a_tour_stopped_halfway_then_run_again_prints_the_apis_line(gunicorn, make_key):
    steps = tour()
    registers = next(i for i, (command, _) in enumerate(steps) if "NUMBER=$(" in command)
    key = make_key("dev")
    first, _ = run_tour(steps[:registers + 1], gunicorn.port, key)
    assert first.returncode == 0, first.stderr
    again, _ = run_tour(steps[:registers + 1], gunicorn.port, key)
    # The one-liner that reads the id prints the server's line instead, and fails.
    assert again.returncode != 0
    assert again.stderr == "duplicate number: +12025550123 is already registered\n"
