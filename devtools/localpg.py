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
        for path in (base_dir, base_dir / "data", base_dir / "tmp"):
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


def start(base_dir=None, server_settings=None):
    """Start a cluster in base_dir (kept, reused) or in a new temporary folder, with
    `server_settings` (name -> value) on the server's command line.

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
    return testing.postgresql.Postgresql(base_dir=str(base_dir), postgres_args=args, **settings)


def _stop_orphan(data_dir, wait_seconds=10):
    """Stop a server a killed earlier run left on this data folder, so that ours can start."""
    try:
        pid = int((data_dir / "postmaster.pid").read_text().split()[0])
    except (OSError, ValueError, IndexError):
        return
    try:
        # The pid may have been reused since: only a postgres process is stopped.
        if b"postgres" not in Path(f"/proc/{pid}/cmdline").read_bytes():
            return
        os.kill(pid, signal.SIGINT)  # PostgreSQL's fast shutdown
    except OSError:  # gone already, or not ours to read
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
    digest = hashlib.sha256(str(preferred).encode()).hexdigest()[:12]
    fallback = Path("/var/tmp", f"kataven-hub-{digest}")
    fallback.mkdir(mode=0o755, exist_ok=True)
    # /var/tmp is shared: a folder someone else made (or a link) there is not ours to
    # run server programs from.
    info = os.lstat(fallback)
    if stat.S_ISLNK(info.st_mode) or info.st_uid != os.geteuid():
        raise RuntimeError(f"{fallback} exists and is not this user's own folder")
    os.chmod(fallback, 0o755)
    return fallback


def main(argv):
    """`python -m devtools.localpg check`: say clearly, before the tests, what is missing.
    `python -m devtools.localpg run -- COMMAND...`: run COMMAND with DATABASE_URL naming a
    throwaway cluster, then remove the cluster (CI's smoke stage)."""
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
    return "usage: python -m devtools.localpg check | run -- COMMAND..."


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
