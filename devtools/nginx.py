"""deploy/nginx.conf as this machine runs it, for the tests, CI and the benchmark: the same
file with its port, its upstream hosts, its pid file (and, for a load generator that is
one client, its per-client rate limit) moved. What is tested is what is shipped.

`python -m devtools.nginx --port P --upstream 8001,8002 --dir D` prints it (CI's use).
"""

import argparse
import os
import re
import shutil
from pathlib import Path

SHIPPED = Path(__file__).resolve().parent.parent / "deploy" / "nginx.conf"
# The upstream's host lines: `server ADDRESS:8000 parameters;`.
HOST_LINE = re.compile(r"(?m)^([ \t]*)server \S+:8000( [^;]*)?;\n")


def find_nginx():
    """nginx's path, or None (Debian puts it in /usr/sbin, often not on a user's PATH)."""
    return shutil.which("nginx", path=os.environ.get("PATH", "") + os.pathsep + "/usr/sbin")


def deploy_config(workdir, port, upstream_ports, unlimited=False):
    """deploy/nginx.conf listening on 127.0.0.1:`port`, its upstream the hosts on
    127.0.0.1 at `upstream_ports` (each with the parameters of the shipped host lines),
    its pid file in `workdir`; `unlimited` raises the per-client rate limit out of a load
    generator's reach (its bookkeeping is still paid, and nothing is 429)."""
    text = SHIPPED.read_text()
    hosts = HOST_LINE.findall(text)
    assert hosts, "deploy/nginx.conf no longer lists its upstream hosts as `server ...:8000`"
    indent, parameters = hosts[0]
    lines = "".join(f"{indent}server 127.0.0.1:{upstream}{parameters};\n"
                    for upstream in upstream_ports)
    firsts = iter([lines])  # the first host line becomes ours, the others go
    text = HOST_LINE.sub(lambda _: next(firsts, ""), text)
    moved = [("listen 80;", f"listen 127.0.0.1:{port};")]
    if unlimited:
        moved += [("rate=20r/s", "rate=1000000r/s"), ("burst=40", "burst=100000")]
    for old, new in moved:
        assert old in text, f"deploy/nginx.conf no longer has {old!r}"
        text = text.replace(old, new)
    text, pids = re.subn(r"(?m)^pid .*$", f"pid {workdir}/nginx-{port}.pid;", text)
    assert pids == 1, "deploy/nginx.conf no longer sets its pid file"
    return text


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m devtools.nginx", description=__doc__)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--upstream", required=True, help="the hosts' ports, comma-separated")
    parser.add_argument("--dir", required=True, help="where nginx keeps its pid file")
    args = parser.parse_args(argv)
    print(deploy_config(args.dir, args.port, [int(p) for p in args.upstream.split(",")]), end="")


if __name__ == "__main__":
    main()
