"""A local PostgreSQL cluster for `make run` and the tests, started through testing.postgresql.

initdb and postgres refuse to run as root. When we are root, only those two server
programs run as an unprivileged account (through setpriv), from wrapper scripts that
testing.postgresql calls in place of the real programs; everything else stays ours.
"""

import glob
import hashlib
import os
import pwd
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

MISSING_SERVER = (
    "PostgreSQL's server programs (initdb, postgres) were not found: "
    "install Debian/Ubuntu's 'postgresql' package (apt-get install postgresql), "
    "or set DATABASE_URL to a server you have."
)


# What `make run` keeps in its folder, as `make reset` names it when it removes them
# (the server's own tmp/ and bin/ go too, unnamed).
PORT_FILE = "port"
KEPT = {
    "data": "the database",
    "sealing.env": "the development sealing key pair (sealing.env)",
    "dev-api-key": "the development API key (dev-api-key)",
    PORT_FILE: "its port",
}


class ServerMissing(RuntimeError):
    """PostgreSQL's server programs are not installed."""


def server_bindir():
    """The folder holding initdb and postgres: PATH first, then Debian's layout."""
    on_path = shutil.which("initdb")
    if on_path and os.path.exists(os.path.join(os.path.dirname(on_path), "postgres")):
        return os.path.dirname(on_path)
    found = sorted(
        glob.glob("/usr/lib/postgresql/*/bin/postgres"),
        key=lambda p: int(p.split("/")[4]) if p.split("/")[4].isdigit() else 0,
    )
    if not found:
        raise ServerMissing(MISSING_SERVER)
    return os.path.dirname(found[-1])


def server_account():
    """The unprivileged account to run the server as when we are root, else None."""
    if os.geteuid() != 0:
        return None
    for name in ("postgres", "nobody"):
        try:
            return pwd.getpwnam(name)
        except KeyError:
            continue
    raise RuntimeError("running as root, and neither 'postgres' nor 'nobody' exists")


def as_account(account, args):
    return [
        "setpriv", f"--reuid={account.pw_uid}", f"--regid={account.pw_gid}",
        "--clear-groups", "--", *args,
    ]


def can_reach(account, path, test="-w"):
    """Whether the account passes `test` on path: every parent must let it through."""
    if account is None:
        return True
    probe = subprocess.run(as_account(account, ["test", test, str(path)]))
    return probe.returncode == 0


def _prepare(base_dir, account, bindir):
    """Make base_dir ready for testing.postgresql; return its initdb/postgres settings.

    The wrappers start the server in a session of its own, so that a Ctrl-C meant for
    `make run` or pytest reaches us, and we stop the server after what uses it.
    """
    for sub in ("data", "tmp", "bin"):
        (base_dir / sub).mkdir(parents=True, exist_ok=True)
    if account is not None:
        # The server writes only in these. base_dir stays ours: kept_dir() refuses a
        # shared folder that is not, and the wrappers in bin/ are ours to run.
        for path in (base_dir / "data", base_dir / "tmp"):
            os.chown(path, account.pw_uid, account.pw_gid)
    settings = {}
    for program in ("initdb", "postgres"):
        command = [f"{bindir}/{program}"]
        if account is not None:
            command = as_account(account, command)
        wrapper = base_dir / "bin" / program
        wrapper.write_text(f'#!/bin/sh\nexec setsid {shlex.join(command)} "$@"\n')
        wrapper.chmod(0o755)
        settings[program] = str(wrapper)
    return settings


def start(base_dir=None, server_settings=None, port=None):
    """Start a cluster in base_dir (kept, reused) or in a new temporary folder, with
    `server_settings` (name -> value) on the server's command line, on `port` (default:
    a free one).

    Returns the running testing.postgresql.Postgresql; its url() names database 'test'.
    """
    import testing.postgresql  # a development dependency: not needed in production

    bindir = server_bindir()
    account = server_account()
    if base_dir is None:
        base_dir = Path(tempfile.mkdtemp(prefix="kataven-pg-"))
        os.chmod(base_dir, 0o755)
    base_dir = Path(base_dir).resolve()
    _stop_orphan(base_dir / "data")
    settings = _prepare(base_dir, account, bindir)
    if not can_reach(account, base_dir / "data"):
        raise RuntimeError(f"the '{account.pw_name}' account cannot write in {base_dir}")
    args = testing.postgresql.Postgresql.DEFAULT_SETTINGS["postgres_args"]
    for name, value in (server_settings or {}).items():
        args += f" -c {name}={value}"
    return testing.postgresql.Postgresql(base_dir=str(base_dir), postgres_args=args,
                                         port=port, **settings)


def start_kept(base_dir):
    """Start the cluster kept in base_dir on the port it had last time when that is free,
    so that the DATABASE_URL `make run` prints stays the same; else on a new port, kept."""
    base_dir = Path(base_dir)
    _stop_orphan(base_dir / "data")  # it may hold the port
    try:
        port = int((base_dir / PORT_FILE).read_text())
    except (OSError, ValueError):
        port = None
    server = start(base_dir, port=port if port and is_free(port) else None)
    (base_dir / PORT_FILE).write_text(f"{server.settings['port']}\n")
    return server


def is_free(port):
    """Whether the server could listen on 127.0.0.1:port (as it does, with SO_REUSEADDR)."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def running_server(data_dir):
    """The pid of the server running on this data folder, or None."""
    try:
        pid = int((Path(data_dir) / "postmaster.pid").read_text().split()[0])
        # The pid may have been reused since: only a postgres process counts.
        if b"postgres" in Path(f"/proc/{pid}/cmdline").read_bytes():
            return pid
    except (OSError, ValueError, IndexError):  # no server, gone, or not ours to read
        pass
    return None


def _stop_orphan(data_dir, wait_seconds=10):
    """Stop a server a killed earlier run left on this data folder, so that ours can start."""
    pid = running_server(data_dir)
    if pid is None:
        return
    try:
        os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
    except OSError:
        return
    deadline = time.monotonic() + wait_seconds
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.1)


@contextmanager
def temporary():
    """A throwaway cluster for a test session, removed with its files afterwards."""
    server = start()
    try:
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.base_dir, ignore_errors=True)


def kept_dir(checkout):
    """Where `make run` keeps its cluster: .localdb in the checkout when the server's
    account can reach it, else a folder of its own under /var/tmp (e.g. a checkout in
    /root, which the postgres account may not enter)."""
    preferred = Path(checkout, ".localdb").resolve()
    preferred.mkdir(exist_ok=True)
    account = server_account()
    if can_reach(account, preferred, test="-x"):
        return preferred
    fallback = fallback_dir(preferred)
    fallback.mkdir(mode=0o755, exist_ok=True)
    # /var/tmp is shared: a folder someone else made (or a link) there is not ours to
    # run server programs from.
    info = os.lstat(fallback)
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid():
        raise RuntimeError(f"{fallback} exists and is not this user's own folder")
    os.chmod(fallback, 0o755)
    return fallback


def fallback_dir(preferred):
    digest = hashlib.sha256(str(preferred).encode()).hexdigest()[:12]
    return Path("/var/tmp", f"kataven-hub-{digest}")


def reset(checkout):
    """`make reset`: remove the cluster `make run` keeps for this checkout, with its
    development keys, saying what went; refuse while its server runs."""
    preferred = Path(checkout, ".localdb").resolve()
    # A link in the shared /var/tmp is not ours to follow (kept_dir() refuses it too).
    folders = [path for path in (preferred, fallback_dir(preferred))
               if path.is_dir() and not path.is_symlink()]
    for folder in folders:
        pid = running_server(folder / "data")
        if pid is not None:
            return (f"the local database in {folder} is running (postgres, pid {pid}): "
                    f"stop `make run` first; nothing removed")
    for folder in folders:
        what = [words for name, words in KEPT.items() if (folder / name).exists()]
        shutil.rmtree(folder)
        print(f"removed {folder}" + (": " + ", ".join(what) if what else ""))
    if not folders:
        print(f"no local database to remove ({preferred} does not exist)")
    return 0


def main(argv):
    """`python -m devtools.localpg check`: say clearly, before the tests, what is missing.
    `python -m devtools.localpg run -- COMMAND...`: run COMMAND with DATABASE_URL naming a
    throwaway cluster, then remove the cluster (CI's smoke stage).
    `python -m devtools.localpg reset`: remove `make run`'s cluster and keys (`make reset`)."""
    if argv == ["reset"]:
        return reset(Path(__file__).resolve().parent.parent)
    try:
        bindir = server_bindir()
    except ServerMissing as exc:
        return str(exc)
    if argv[:1] == ["check"]:
        print(f"PostgreSQL server programs: {bindir}")
        return 0
    if argv[:2] == ["run", "--"] and len(argv) > 2:
        with temporary() as server:
            env = {**os.environ, "DATABASE_URL": server.url()}
            return subprocess.run(argv[2:], env=env).returncode
    return "usage: python -m devtools.localpg check | run -- COMMAND... | reset"


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
