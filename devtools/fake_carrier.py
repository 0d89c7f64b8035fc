"""A fake of the carriers' APIs, for tests, development and the benchmark.

It answers the one request each check makes (app/carriers/check.py) as the carrier
would, in the words each carrier's module gives (app/carriers/): 2xx for credentials it
accepts, the carrier's own 401 for others. A secret (auth_token or api_key_secret)
chooses a fault instead:

    wrong...       401, the carrier's body
    fake:403       403          fake:404  404          fake:429  429
    fake:500       500          fake:302  a redirect (to a path that records a hit)
    fake:hang      no answer until the fake stops or `release()` is called

`python -m devtools.fake_carrier` serves it and prints the variables that point the
service at it.
"""

import argparse
import base64
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.carriers import CARRIERS


class FakeCarrier:
    """The fake, on 127.0.0.1 and a free port unless given; every request recorded."""

    def __init__(self, port=0, delay=0.0):
        self.delay = delay          # seconds before each answer: a carrier's latency
        self.outage = None          # a status every request answers while set
        self.requests = []          # (method, path with query, headers), in order
        self._released = threading.Event()
        self._lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", port), _handler(self))
        self.server.daemon_threads = True
        self.port = self.server.server_port
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = None

    def environ(self):
        """The variables that point the service at this fake."""
        return {f"{name.upper()}_API_URL": self.url for name in CARRIERS}

    def start(self):
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def release(self):
        """Let every hanging request go (its connection closes with no answer)."""
        self._released.set()

    def rearm(self):
        """Hang again from now on, after a `release()`."""
        self._released = threading.Event()

    def stop(self):
        self.release()
        self.server.shutdown()
        self.server.server_close()

    def record(self, method, path, headers):
        with self._lock:
            self.requests.append((method, path, dict(headers)))

    def wait(self, seconds):
        """Wait up to `seconds`, or until released: returns True once released."""
        return self._released.wait(seconds)


def basic_auth(headers):
    """(user, password) of an HTTP Basic Authorization header, or None."""
    scheme, _, encoded = headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(encoded).decode().partition(":")
    except (ValueError, UnicodeDecodeError):
        return None
    return user, password


def identify(path, headers):
    """(carrier, secret, whether the credentials fit the request) of a check."""
    route, _, query = path.partition("?")
    basic = basic_auth(headers)
    for name, carrier in CARRIERS.items():
        found = carrier.fake_check(route, query, headers, basic)
        if found is not None:
            return name, *found
    return None, "", False


def _handler(fake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # the name BaseHTTPRequestHandler calls
            fake.record("GET", self.path, self.headers)
            carrier, secret, fits = identify(self.path, self.headers)
            if fake.delay and fake.wait(fake.delay):
                return self._drop()
            if fake.outage:
                return self._answer(fake.outage, {"message": "unavailable"})
            if carrier is None:
                return self._answer(404, {"message": "no such resource"})
            if secret == "fake:hang":
                fake.wait(None)
                return self._drop()
            if secret == "fake:302":
                return self._answer(302, {}, {"Location": "/redirected"})
            if secret.startswith("fake:") and secret[5:].isdigit():
                return self._answer(int(secret[5:]), {"message": "fault"})
            if secret.startswith("wrong") or not fits:
                return self._answer(401, CARRIERS[carrier].UNAUTHORIZED)
            return self._answer(200, CARRIERS[carrier].ACCEPTED)

        def _answer(self, status, body, headers=None):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)

        def _drop(self):
            self.close_connection = True

        def log_message(self, *args):
            pass  # requests are recorded, not printed: they carry credentials

    return Handler


def main(argv=None):
    """Serve the fake on 127.0.0.1 until Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m devtools.fake_carrier",
                                     description=main.__doc__)
    parser.add_argument("--port", type=int, default=9000)
    parser.add_argument("--delay-ms", type=int, default=0,
                        help="how long each answer takes: a carrier's latency")
    args = parser.parse_args(argv)
    fake = FakeCarrier(port=args.port, delay=args.delay_ms / 1000)
    print("Point the service at it with:")
    for name, value in fake.environ().items():
        print(f"  export {name}={value}")
    print("Any secret is accepted but one starting with 'wrong' (401) or a fault "
          "such as 'fake:500', 'fake:302', 'fake:hang'.", flush=True)
    # A background job of a script ignores SIGINT: stop on SIGTERM as on Ctrl-C.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    try:
        fake.server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        fake.release()
        fake.server.server_close()


if __name__ == "__main__":
    main()
