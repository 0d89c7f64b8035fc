"""A real gunicorn serving the app from gunicorn.conf.py, for tests over HTTP."""

import http.client
import json
import os
import shlex
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from . import ROOT


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def procfile(process_type):
    """The Procfile's command for a process type, with the venv's programs."""
    for line in (ROOT / "Procfile").read_text().splitlines():
        name, _, command = line.partition(":")
        if name.strip() == process_type:
            args = shlex.split(command)
            return [str(Path(sys.executable).parent / args[0]), *args[1:]]
    raise KeyError(process_type)


class Gunicorn:
    """The Procfile's web process (gunicorn with gunicorn.conf.py) on a free $PORT, its
    output kept in a file."""

    def __init__(self, log_path, **env):
        self.port = free_port()
        self.log_path = Path(log_path)
        self.env = {**os.environ, "PORT": str(self.port), **env}
        self.process = None

    def start(self, ready_timeout=30):
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                procfile("web"), cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + ready_timeout
        while time.monotonic() < deadline:  # poll until it answers: a condition, not a sleep
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited:\n{self.log()}")
            try:
                if self.request("GET", "/healthz")[0] == 200:
                    return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"gunicorn did not start:\n{self.log()}")

    def request(self, method, path, body=None, headers=None, timeout=10):
        """(status, headers, body text) of one request on a new connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            data = json.dumps(body) if isinstance(body, (dict, list)) else body
            hdrs = dict(headers or {})
            if isinstance(body, (dict, list)):
                hdrs.setdefault("Content-Type", "application/json")
            conn.request(method, path, body=data, headers=hdrs)
            answer = conn.getresponse()
            return answer.status, dict(answer.getheaders()), answer.read().decode()
        finally:
            conn.close()

    def terminate(self):
        self.process.send_signal(signal.SIGTERM)

    def stop(self, timeout=30):
        if self.process and self.process.poll() is None:
            self.terminate()
            self.process.wait(timeout=timeout)
        return self.process.returncode

    def log(self):
        return self.log_path.read_text(errors="replace")

    def log_lines(self):
        """The JSON lines the app wrote (gunicorn's own lines are plain text)."""
        lines = []
        for line in self.log().splitlines():
            if line.startswith("{"):
                lines.append(json.loads(line))
        return lines


def smoke(hub_url, key, **env):
    """scripts/smoke.sh against hub_url, with nothing but what it says it needs."""
    return subprocess.run(
        ["bash", str(ROOT / "scripts" / "smoke.sh")],
        env={"HUB_URL": hub_url, "KATAVEN_API_KEY": key, "PATH": "/usr/bin:/bin", **env},
        capture_output=True, text=True, timeout=120,
    )
