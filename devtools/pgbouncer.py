"""A local PgBouncer in transaction pooling in front of a PostgreSQL, for the tests, CI and
the benchmark: production's topology on one machine.

PgBouncer refuses to run as root, like PostgreSQL: when we are root, it runs as the same
unprivileged account as the local cluster (devtools/localpg.py).
"""

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

from psycopg.conninfo import conninfo_to_dict

from . import localpg

MISSING = "PgBouncer was not found: apt-get install pgbouncer (Debian's, 1.18 or later)"
SHIPPED = Path(__file__).resolve().parent.parent / "deploy" / "pgbouncer.ini"


def find_pgbouncer():
    """The pgbouncer program, or None."""
    return shutil.which("pgbouncer") or next(
        (path for path in ("/usr/sbin/pgbouncer", "/usr/bin/pgbouncer") if os.path.exists(path)),
        None)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgBouncer:
    """PgBouncer on 127.0.0.1 and a free port, in front of the database `upstream_url`
    names: `pool_size` server connections for the whole of its clients."""

    def __init__(self, upstream_url, pool_size=4, max_client_conn=200):
        self.upstream = conninfo_to_dict(upstream_url)
        self.port = free_port()
        self.pool_size = pool_size
        self.dir = Path(tempfile.mkdtemp(prefix="kataven-pgbouncer-"))
        os.chmod(self.dir, 0o755)
        self.max_client_conn = max_client_conn
        self.process = None

    def config(self):
        """deploy/pgbouncer.ini, with its database, address, authentication, pool size and
        paths moved to this machine's: what is tested is what is shipped."""
        # Every database of the server, by its own name (a test's fresh one too).
        server = " ".join(f"{name}={self.upstream[name]}"
                          for name in ("host", "port", "user") if name in self.upstream)
        moved = {
            "listen_addr": "127.0.0.1", "listen_port": str(self.port),
            "auth_type": "trust", "auth_file": str(self.dir / "users.txt"),
            "default_pool_size": str(self.pool_size), "reserve_pool_size": "0",
            "max_client_conn": str(self.max_client_conn),
            "logfile": str(self.dir / "pgbouncer.log"),
            "pidfile": str(self.dir / "pgbouncer.pid"), "unix_socket_dir": "",
        }
        lines, section = [], None
        for line in SHIPPED.read_text().splitlines():
            name = line.partition("=")[0].strip()
            if line.startswith("["):
                section = line.strip()
            elif section == "[databases]" and name and not line.startswith(";"):
                line = f"* = {server}"
            elif name in moved:
                line = f"{name} = {moved.pop(name)}"
            lines.append(line)
        assert not moved, f"deploy/pgbouncer.ini no longer sets {', '.join(moved)}"
        return "\n".join(lines) + "\n"

    def start(self, timeout=10):
        program = find_pgbouncer()
        if program is None:
            raise localpg.ServerMissing(MISSING)
        (self.dir / "users.txt").write_text(f'"{self.upstream.get("user", "postgres")}" ""\n')
        path = self.dir / "pgbouncer.ini"
        path.write_text(self.config())
        account = localpg.server_account()
        command = [program, str(path)]
        if account is not None:
            for item in self.dir.iterdir():
                os.chown(item, account.pw_uid, account.pw_gid)
            os.chown(self.dir, account.pw_uid, account.pw_gid)
            command = localpg.as_account(account, command)
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL, start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"pgbouncer exited:\n{self.log()}")
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", self.port)) == 0:
                    return self
            time.sleep(0.05)
        raise RuntimeError(f"pgbouncer did not start:\n{self.log()}")

    def url(self, database_url=None):
        """The libpq URL of the upstream's database (or of the one `database_url` names,
        on the same server) through PgBouncer."""
        target = conninfo_to_dict(database_url) if database_url else self.upstream
        # A URL, not key=value pairs: asyncpg (the benchmark's peer) reads only URLs.
        user = quote(target.get("user", ""), safe="")
        return (f"postgresql://{user}{'@' if user else ''}127.0.0.1:{self.port}/"
                f"{quote(target.get('dbname', ''), safe='')}")

    def log(self):
        try:
            return (self.dir / "pgbouncer.log").read_text(errors="replace")
        except OSError:
            return ""

    def stop(self):
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)  # PgBouncer's immediate shutdown
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.dir, ignore_errors=True)
