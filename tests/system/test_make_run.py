"""`make run`'s pieces: the dev server says when it serves; the database it keeps in
.localdb stays on its port across restarts; `make reset` removes it."""

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from devtools import localpg
from tests.support import ROOT
from tests.support.server import free_port


@pytest.fixture
def checkout():
    """A folder standing for a checkout, one the server's account can enter (as root,
    PostgreSQL runs as `postgres`, and pytest's own tmp_path is closed to it)."""
    path = Path(tempfile.mkdtemp(prefix="kataven-checkout-"))
    path.chmod(0o755)
    yield path
    shutil.rmtree(path, ignore_errors=True)


def test_the_dev_server_says_when_it_serves_and_how_long_it_took(database_url, sealing_keys):
    port = free_port()
    env = {**os.environ, "DATABASE_URL": database_url, "SEALING_PUBLIC_KEY": sealing_keys[0],
           "PORT": str(port), "WEB_CONCURRENCY": "1",
           "MAKE_RUN_STARTED": str(time.time() - 60)}  # as if make had started a minute ago
    server = subprocess.Popen([sys.executable, "-m", "devtools.devserver"], cwd=ROOT, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    try:
        lines = []
        while not (lines and lines[-1].startswith("Serving on")):
            line = server.stdout.readline()
            assert line, "".join(lines)  # the server stopped before it served
            lines.append(line)
        assert re.fullmatch(rf"Serving on http://127\.0\.0\.1:{port} after 6\d\.\d s\n",
                            lines[-1])
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) == 0
    finally:
        server.kill()
        server.stdout.close()


def test_the_kept_database_keeps_its_port_while_it_is_free(checkout):
    base_dir = localpg.kept_dir(checkout)
    first = localpg.start_kept(base_dir)
    port = first.settings["port"]
    first.stop()
    again = localpg.start_kept(base_dir)
    assert again.settings["port"] == port
    again.stop()
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", port))
        taken.listen()
        moved = localpg.start_kept(base_dir)
        moved.stop()
    assert moved.settings["port"] != port
    assert (base_dir / "port").read_text() == f"{moved.settings['port']}\n"


def test_a_fallback_folder_serves_again(checkout):
    # A checkout the server's account cannot enter (as root: one in /root, or made by
    # mktemp) keeps its cluster in /var/tmp; the second start must find it its own still.
    checkout.chmod(0o700)
    base_dir = localpg.kept_dir(checkout)
    try:
        for _ in range(2):
            localpg.start_kept(base_dir).stop()
        assert localpg.kept_dir(checkout) == base_dir
    finally:
        assert localpg.reset(checkout) == 0


def test_reset_removes_the_database_and_its_keys_but_not_while_it_runs(checkout, capsys):
    base_dir = localpg.kept_dir(checkout)
    server = localpg.start_kept(base_dir)
    try:
        (base_dir / "sealing.env").write_text("SEALING_PUBLIC_KEY=x\n")
        (base_dir / "dev-api-key").write_text("kvn_x\n")
        refused = localpg.reset(checkout)
        assert "is running" in refused and "nothing removed" in refused
        assert (base_dir / "data" / "PG_VERSION").exists()
    finally:
        server.stop()
    assert localpg.reset(checkout) == 0
    said = capsys.readouterr().out
    assert said.startswith(f"removed {base_dir}: the database, ")
    assert "sealing.env" in said and "dev-api-key" in said
    assert not base_dir.exists()
    assert localpg.reset(checkout) == 0
    assert "no local database" in capsys.readouterr().out
