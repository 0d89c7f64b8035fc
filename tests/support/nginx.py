"""A real nginx in front of a real gunicorn, for tests: deploy/nginx.conf, or a stock one."""

import signal
import socket
import subprocess

from devtools import nginx

from . import wait_until
from .server import free_port


def deploy_config(workdir, port, upstream_port):
    """deploy/nginx.conf with its port, upstream and pid file moved, as CI runs it."""
    return nginx.deploy_config(workdir, port, [upstream_port])


def stock_config(workdir, port, upstream_port):
    """What a newcomer writes from nginx's documentation: every default kept (so
    `absolute_redirect on`), and the common proxy_redirect line."""
    return f"""
pid {workdir}/nginx.pid;
error_log stderr warn;
events {{}}
http {{
    access_log off;
    server {{
        listen 127.0.0.1:{port};
        location /v1/ {{
            proxy_pass http://127.0.0.1:{upstream_port}/api/v1/;
            proxy_redirect /api/v1/ /v1/;
        }}
    }}
}}
"""


class Nginx:
    """nginx (the program at `program`) in the foreground, with a config made by
    `make_config(workdir, port, upstream)`."""

    def __init__(self, program, workdir, make_config, upstream_port):
        self.program = program
        self.workdir = workdir
        self.port = free_port()
        self.config = workdir / "nginx.conf"
        self.config.write_text(make_config(workdir, self.port, upstream_port))
        self.process = None

    def start(self):
        command = [self.program, "-p", str(self.workdir), "-e", "stderr", "-c", str(self.config)]
        checked = subprocess.run([*command, "-t", "-q"], capture_output=True, text=True)
        assert checked.returncode == 0, checked.stderr
        with open(self.workdir / "nginx.log", "ab") as log:
            self.process = subprocess.Popen([*command, "-g", "daemon off;"],
                                            stdout=subprocess.DEVNULL, stderr=log)
        wait_until(self.accepts_connections)
        return self

    def accepts_connections(self):
        assert self.process.poll() is None, (self.workdir / "nginx.log").read_text()
        try:
            socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
        except OSError:
            return False
        return True

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.send_signal(signal.SIGQUIT)  # graceful: finish, then exit
            self.process.wait(timeout=30)
