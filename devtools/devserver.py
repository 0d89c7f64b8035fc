"""`make run`: the service under gunicorn, on a local PostgreSQL unless DATABASE_URL is set.

With no DATABASE_URL, a cluster is kept in .localdb/ between runs, on the same port when
it is free, with a development sealing key pair and API key; the cluster stops when the
server does. `make reset` removes it all (devtools/localpg.py).
"""

import os
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from app import sealing
from app.config import Config
from app.keys import key_hash, new_key
from app.process.pool import connect
from app.queries import api_keys

from . import localpg

CHECKOUT = Path(__file__).resolve().parent.parent
DEV_ACCOUNT = "dev"


def dev_sealing_keys(base_dir):
    """The development key pair kept in base_dir: (public, private)."""
    path = base_dir / "sealing.env"
    if not path.exists():
        public, private = sealing.keygen()
        path.write_text(f"SEALING_PUBLIC_KEY={public}\nSEALING_PRIVATE_KEY={private}\n")
        path.chmod(0o600)
    pairs = dict(line.split("=", 1) for line in path.read_text().split())
    return pairs["SEALING_PUBLIC_KEY"], pairs["SEALING_PRIVATE_KEY"]


def dev_api_key(base_dir, database_url):
    """The development account key kept in base_dir, made again if the database lost it."""
    path = base_dir / "dev-api-key"
    key = path.read_text().strip() if path.exists() else None
    with connect(Config(database_url=database_url)) as conn:
        if key is None or api_keys.find_active(conn, key_hash(key)) is None:
            key = new_key()
            api_keys.create(conn, key_hash=key_hash(key), kind="account",
                            account_id=DEV_ACCOUNT, label="make run")
            path.write_text(key + "\n")
            path.chmod(0o600)
    return key


def banner(port, key, database_url):
    """What `make run` prints once it has a key: the key, the line that sets up the
    README's curl tour and the SDKs in another terminal (a test runs the tour after it),
    and the one that points the command line at the local database."""
    hub = f"http://127.0.0.1:{port}/api/v1"
    return (f"\nDevelopment API key (account '{DEV_ACCOUNT}'): {key}\n"
            f"For the README's curl tour and the SDKs, in another terminal:\n"
            f"  export HUB={hub} KATAVEN_BASE_URL={hub} KATAVEN_API_KEY={key}\n"
            f"For the command line (.venv/bin/flask --app wsgi api-keys list, say):\n"
            f"  export DATABASE_URL={database_url}\n"
            f"The API's page, to read and try: {hub}/docs\n")


def flask_command(*args, env):
    """Run `flask --app wsgi ARGS`; its return code (a failure is its own one line)."""
    return subprocess.run([sys.executable, "-m", "flask", "--app", "wsgi", *args],
                          cwd=CHECKOUT, env=env).returncode


def serve(env, started):
    """Run gunicorn with the production configuration until it stops; return its code.
    Once it answers, say so, with the time since `started` (time.time())."""
    port = env.setdefault("PORT", "8000")
    gunicorn = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "gunicorn.conf.py",
         "--bind", f"127.0.0.1:{port}", "wsgi:app"],
        cwd=CHECKOUT, env=env,
    )
    # Ctrl-C or SIGTERM: gunicorn stops gracefully (SIGTERM), answering the requests it
    # accepted; only then does the database stop.
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: gunicorn.terminate())
    if answers(gunicorn, f"http://127.0.0.1:{port}/healthz"):
        print(f"Serving on http://127.0.0.1:{port} after {time.time() - started:.1f} s",
              flush=True)
    return gunicorn.wait()


def answers(server, url):
    """Wait until url answers 200 (True), or the server has stopped (False)."""
    while server.poll() is None:
        try:
            with urllib.request.urlopen(url, timeout=1) as answer:
                if answer.status == 200:
                    return True
        except OSError:  # not listening yet, or not answering 200 yet
            pass
        time.sleep(0.05)
    return False


def started_at(env):
    """When `make run` started (the Makefile passes its clock), else now."""
    try:
        return float(env.pop("MAKE_RUN_STARTED"))
    except (KeyError, ValueError):
        return time.time()


def main():
    env = dict(os.environ)
    started = started_at(env)
    if "CARRIER_VERIFICATION" not in env:
        # A development machine may have no way out, and made-up credentials would be
        # refused: store them unchecked, and say so.
        env["CARRIER_VERIFICATION"] = "off"
        print("Carrier verification: off (credentials stored unchecked; "
              "set CARRIER_VERIFICATION=on to check them with the carrier)", flush=True)
    cluster = None
    try:
        if not env.get("DATABASE_URL"):
            base_dir = localpg.kept_dir(CHECKOUT)
            cluster = localpg.start_kept(base_dir)
            env["DATABASE_URL"] = cluster.url()
            print(f"PostgreSQL: {env['DATABASE_URL']} (data in {base_dir}; "
                  f"make reset removes it)", flush=True)
            if not env.get("SEALING_PUBLIC_KEY"):
                env["SEALING_PUBLIC_KEY"], _ = dev_sealing_keys(base_dir)
                print(f"Sealing: development key pair in {base_dir}/sealing.env", flush=True)
        failed = flask_command("db", "upgrade", env=env)
        if failed:
            return failed
        if cluster is not None:
            key = dev_api_key(base_dir, env["DATABASE_URL"])
            print(banner(env.get("PORT", "8000"), key, env["DATABASE_URL"]), flush=True)
        return serve(env, started)
    except (localpg.ServerMissing, RuntimeError) as exc:  # RuntimeError: the cluster's start
        sys.exit(str(exc))
    except KeyboardInterrupt:  # Ctrl-C before gunicorn started
        return 130
    finally:
        if cluster is not None:
            cluster.stop()


if __name__ == "__main__":
    sys.exit(main())
