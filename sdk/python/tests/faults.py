"""Local HTTP servers for the faults the real service cannot produce on demand: scripted
answers (503 with Retry-After, always 503, a 4xx to count), a server that never answers,
and a proxy in front of the real service that loses answers."""

from __future__ import annotations

import http.client
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Mapping
from urllib.parse import urlsplit

Answer = tuple[int, Mapping[str, str], str]  # status, headers, body
Writer = Callable[[BaseHTTPRequestHandler], None]  # writes an answer itself

NUMBER = {"id": "0b6f7d7e-1f0e-4f51-8d6c-2a9d1f5e3c44", "e164": "+12025550123",
          "provider": "twilio", "credentials_id": "6f1c0d3e-8a5b-4b8e-9a53-3f5f2b0c7d11",
          "agent_id": None, "inbound_enabled": True, "outbound_enabled": True,
          "created_at": "2026-11-28T17:02:03.123456Z",
          "updated_at": "2026-11-28T17:02:03.123456Z"}
OK: Answer = (200, {"Content-Type": "application/json"}, json.dumps(NUMBER))


def error(status: int, message: str, **headers: str) -> Answer:
    return (status, {"Content-Type": "text/plain; charset=utf-8", **headers}, message + "\n")


class Seen:
    """One request the server received."""

    def __init__(self, method: str, path: str, headers: Mapping[str, str], body: bytes):
        self.method, self.path, self.headers, self.body = method, path, headers, body


class _Server(ThreadingHTTPServer):
    daemon_threads = True


class LocalServer:
    """A threaded HTTP/1.1 server on a free loopback port; `respond(seen)` answers each
    request, or returns None to close the connection with no answer."""

    def __init__(self, respond: Callable[[Seen], Answer | Writer | None]) -> None:
        self.respond = respond
        self.requests: list[Seen] = []
        self.connections = 0
        self.closed = 0
        self.release = threading.Event()  # lets a server that holds requests go
        self._lock = threading.Lock()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                with owner._lock:
                    owner.connections += 1

            def finish(self) -> None:
                try:
                    super().finish()
                finally:
                    with owner._lock:
                        owner.closed += 1

            def handle_one(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                seen = Seen(self.command, self.path, dict(self.headers), self.rfile.read(length))
                with owner._lock:
                    owner.requests.append(seen)
                answer = owner.respond(seen)
                if answer is None:  # lose the answer: close without a byte
                    self.close_connection = True
                    return
                if callable(answer):  # answers by itself, byte by byte if it likes
                    answer(self)
                    return
                status, headers, body = answer
                data = body.encode()
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = handle_one

            def log_message(self, *args: Any) -> None:
                pass

        self._server = _Server(("127.0.0.1", 0), Handler)
        self.port = self._server.server_address[1]
        self.base_url = f"http://127.0.0.1:{self.port}/api/v1"
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    def __enter__(self) -> LocalServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()


def scripted(*answers: Answer) -> LocalServer:
    """Answers in order; the last one again for every later request."""

    def respond(seen: Seen) -> Answer:
        return answers[min(len(server.requests), len(answers)) - 1]

    server = LocalServer(respond)
    return server


def never_answering() -> LocalServer:
    """Reads each request and holds it, answering only when the test ends."""
    server: LocalServer

    def respond(seen: Seen) -> Answer:
        server.release.wait(timeout=60)
        return OK

    server = LocalServer(respond)
    return server


def slow_then_stalled(head_after: float) -> LocalServer:
    """Sends an answer's head after `head_after` seconds, then a tenth of its body, then
    nothing until the test ends: each read alone would fit a timeout, the whole not."""
    server: LocalServer

    def write(handler: BaseHTTPRequestHandler) -> None:
        server.release.wait(timeout=head_after)
        handler.send_response(200)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", "100")
        handler.end_headers()
        handler.wfile.write(b'{"id": "0b')
        handler.wfile.flush()
        server.release.wait(timeout=60)
        handler.close_connection = True

    server = LocalServer(lambda seen: write)
    return server


def losing_proxy(upstream_base_url: str, lose: Callable[[Seen, int], bool]) -> LocalServer:
    """Forwards each request to the real service and reads its whole answer; then, when
    lose(request, how many requests so far) says so, closes the client's connection
    without sending it: the request was acted on, and the client never knows."""
    upstream = urlsplit(upstream_base_url)

    def respond(seen: Seen) -> Answer | None:
        conn = http.client.HTTPConnection(upstream.hostname or "127.0.0.1", upstream.port,
                                          timeout=30)
        try:
            headers = {k: v for k, v in seen.headers.items()
                       if k.lower() not in ("host", "connection", "content-length")}
            conn.request(seen.method, seen.path, body=seen.body or None, headers=headers)
            answer = conn.getresponse()
            body = answer.read().decode()
            kept = {k: v for k, v in answer.getheaders()
                    if k.lower() not in ("connection", "content-length", "transfer-encoding",
                                         "date", "server")}
        finally:
            conn.close()
        if lose(seen, len(proxy.requests)):
            return None
        return answer.status, kept, body

    proxy = LocalServer(respond)
    return proxy
