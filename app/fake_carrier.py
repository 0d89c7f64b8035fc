"""A fake of the three carriers' APIs, for tests, development and the benchmark.

It answers the one request each check makes (app/carriers.py) as the carrier would:
2xx for credentials it accepts, the carrier's own 401 for others. A secret (auth_token
or api_key_secret) chooses a fault instead:

    wrong...       401, the carrier's body
    fake:403       403          fake:404  404          fake:429  429
    fake:500       500          fake:302  a redirect (to a path that records a hit)
    fake:hang      no answer until the fake stops or `release()` is called

`flask --app wsgi carriers fake` serves it and prints the variables that point the
service at it.
"""

import base64
import json
import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

TWILIO_PATH = re.compile(r"/2010-04-01/Accounts/([^/]+)/IncomingPhoneNumbers\.json")
PLIVO_PATH = re.compile(r"/v1/Account/([^/]+)/")
VOBIZ_PATH = "/api/v1/auth/me"

# What each carrier answers to credentials it does not accept.
UNAUTHORIZED = {
    "twilio": {"code": 20003, "message": "Authenticate",
               "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401},
    "plivo": {"api_id": "00000000-0000-0000-0000-000000000000",
              "error": "authentication failed"},
    "vobiz": {"detail": "Invalid authentication credentials"},
}
ACCEPTED = {
    "twilio": {"incoming_phone_numbers": [], "page": 0, "page_size": 1, "start": 0},
    "plivo": {"account_type": "standard", "api_id": "00000000-0000-0000-0000-000000000000"},
    "vobiz": {"status": "active"},
}


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
        return {"TWILIO_API_URL": self.url, "PLIVO_API_URL": self.url,
                "VOBIZ_API_URL": self.url}

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
    if match := TWILIO_PATH.fullmatch(route):
        auth = basic_auth(headers) or ("", "")
        fits = query == "PageSize=1" and (auth[0] == match[1] or auth[0].startswith("SK"))
        return "twilio", auth[1], fits
    if match := PLIVO_PATH.fullmatch(route):
        auth = basic_auth(headers) or ("", "")
        return "plivo", auth[1], auth[0] == match[1]
    if route == VOBIZ_PATH:
        return "vobiz", headers.get("X-Auth-Token", ""), bool(headers.get("X-Auth-ID"))
    return None, "", False


def _handler(fake):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self):  # noqa: N802 (the standard library's name)
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
                return self._answer(401, UNAUTHORIZED[carrier])
            return self._answer(200, ACCEPTED[carrier])

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
