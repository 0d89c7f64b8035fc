"""The servers a benchmark measures, each started in a session of its own on a free port:
the service (and the hello-world ceiling) under the production gunicorn.conf.py, the
peer, and nginx with deploy/nginx.conf in front of either."""

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from devtools import nginx

ROOT = Path(__file__).resolve().parent.parent
# The peer's own virtualenv (bench/peers/requirements.txt, made by `make bench`).
PEER_PYTHON = ROOT / ".venv-bench" / "bin" / "python"


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(app_path, env, log, checkout=ROOT):
    """gunicorn with the production gunicorn.conf.py (of `checkout`, and its code) on a
    free port; (process, port)."""
    port = free_port()
    return launch([sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
                    "--bind", f"127.0.0.1:{port}", app_path], port, env, log,
                  cwd=checkout), port


def serve_peer(env, log):
    """The peer at its best settings (2 workers as the service has, uvloop, httptools,
    no access log), from its own virtualenv; (process, port)."""
    port = free_port()
    return launch([str(PEER_PYTHON), "-m", "uvicorn", "bench.peers.fastapi_app:app",
                    "--host", "127.0.0.1", "--port", str(port), "--workers", "2",
                    "--loop", "uvloop", "--http", "httptools", "--no-access-log"],
                   port, env, log), port


def serve_nginx(upstream, workdir, log):
    """nginx with deploy/nginx.conf in front of `upstream`, on a free port; (process, port).

    Only the ports, the pid file and the rate limit change (devtools/nginx.py). The
    limit is per client address, and wrk is one client asking thousands of times a second.
    """
    port = free_port()
    path = Path(workdir) / f"nginx-{port}.conf"
    path.write_text(nginx.deploy_config(workdir, port, [upstream], unlimited=True))
    return launch(["nginx", "-p", str(workdir), "-c", str(path), "-g", "daemon off;"],
                   port, os.environ, log), port


def launch(command, port, env, log, cwd=ROOT):
    """A server in a session of its own (its CPU is counted by process group), once its
    port takes connections."""
    process = subprocess.Popen(command, cwd=cwd, env={**env, "PORT": str(port)},
                               stdout=log, stderr=log, start_new_session=True)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            if process.poll() is not None:
                break
            time.sleep(0.1)
    raise SystemExit(f"{command[0]} ... did not start (see .bench.log)")


def cpu_seconds(process, children=False):
    """User and system CPU so far of every process in the server's process group; with
    `children`, of the process and its children, living or gone, instead (PostgreSQL's
    backends each start a session of their own)."""
    ticks = 0
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ours = (int(pid) == process.pid or int(fields[1]) == process.pid if children
                else int(fields[2]) == process.pid)  # its children, or its process group
        if ours:
            ticks += int(fields[11]) + int(fields[12])
        if children and int(pid) == process.pid:  # children it has reaped
            ticks += int(fields[13]) + int(fields[14])
    return ticks / os.sysconf("SC_CLK_TCK")


