"""HTTP/1.1 on one client connection, for the worker (app/process/worker.py): requests
parsed by llhttp (httptools), each read whole before the app is called, with the
contract's deadlines for slow clients; each answer written in one send.

A connection costs a greenlet, never a thread, so a client that trickles its request or
stalls holds only itself (CONTRACT 8): its request head must be complete within
HEAD_DEADLINE of the connection being ready for it, and its body may not stall for
BODY_STALL; past either, an incomplete request answers `408` and the connection is
closed. The answer to a request is written only once the app has made all of it, and
the client gets WRITE_DEADLINE to take it.
"""

import email.utils
import io
import logging
import sys
import time
from collections import deque
from urllib.parse import unquote_to_bytes

import gevent
import httptools

log = logging.getLogger(__name__)

HEAD_DEADLINE = 10.0  # a request head, complete, within this long (CONTRACT 8)
BODY_STALL = 10.0  # a body that sends nothing for this long is given up (CONTRACT 8)
WRITE_DEADLINE = 30.0  # a client that does not take its answer in this long is dropped
READ_SIZE = 64 * 1024
# A body over the app's limit is not read: the app answers 413 from its Content-Length
# (or from the limit's first byte over, when chunked) and the connection is closed.
DEFAULT_BODY_LIMIT = 1024 * 1024
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"


class Refused(Exception):
    """A request the server answers itself, before the app: a status and one line."""

    def __init__(self, status, line):
        super().__init__(line)
        self.status = status
        self.line = line


class Request:
    """One request as the parser saw it: its head, and its body as far as it came."""

    __slots__ = ("method", "url", "version", "headers", "body", "size", "keep_alive",
                 "complete", "expects_continue", "over_limit", "broken")

    def __init__(self):
        self.url = b""
        self.headers = []
        self.body = []
        self.size = 0
        self.method = self.version = None
        self.keep_alive = self.complete = self.expects_continue = False
        self.over_limit = False  # the body is over the limit: not read
        self.broken = False  # the body's framing broke (or it was cut short)


class Parsing:
    """httptools' callbacks: requests as they are parsed, pipelined ones in order."""

    def __init__(self, limits, body_limit):
        self.limits = limits
        self.body_limit = body_limit
        self.parser = httptools.HttpRequestParser(self)
        self.current = None
        self.ready = deque()

    # The parser's callbacks.
    def on_message_begin(self):
        self.current = Request()

    def on_url(self, url):
        request = self.current
        request.url += url
        if len(request.url) > self.limits.line:
            raise Refused(414, "request-line too large")

    def on_header(self, name, value):
        request = self.current
        request.headers.append((name, value))
        if len(name) + len(value) + 2 > self.limits.field_size:
            raise Refused(431, "request header field too large")
        if len(request.headers) > self.limits.fields:
            raise Refused(431, "too many request header fields")

    def on_headers_complete(self):
        request, parser = self.current, self.parser
        request.method = parser.get_method().decode("ascii")
        request.version = parser.get_http_version()
        length = None
        for name, value in request.headers:
            lowered = name.lower()
            if lowered == b"content-length":
                length = int(value) if value.strip().isdigit() else None
            elif lowered == b"expect" and value.lower() == b"100-continue":
                request.expects_continue = True
        if length is not None and length > self.body_limit:
            request.over_limit = True
            self._done(request)

    def on_body(self, body):
        request = self.current
        if request.over_limit:
            return
        request.body.append(body)
        request.size += len(body)
        if request.size > self.body_limit:  # chunked: the limit's first byte over is enough
            request.over_limit = True
            self._done(request)

    def on_message_complete(self):
        request = self.current
        if not request.over_limit:
            self._done(request)

    def _done(self, request):
        request.keep_alive = self.parser.should_keep_alive() and not request.over_limit
        request.complete = True
        self.ready.append(request)

    # What the connection asks.
    def feed(self, data):
        """Parse `data`. Refused for a request the server answers itself; a request whose
        body's framing broke is handed on as ready, marked broken."""
        try:
            self.parser.feed_data(data)
        except httptools.HttpParserUpgrade:
            # An Upgrade or CONNECT: the request is served as any other, then the
            # connection closes (nothing is upgraded here).
            if self.current is not None and not self.current.complete:
                self._done(self.current)
            self.ready[-1].keep_alive = False
        except httptools.HttpParserCallbackError as exc:
            cause = exc.__context__ or exc.__cause__
            if isinstance(cause, Refused):
                raise cause from None
            raise
        except httptools.HttpParserError:
            request = self.current
            if request is None or request.method is None or request.complete:
                raise Refused(400, "bad request: malformed request head") from None
            request.broken = True  # the body's framing: the app answers it
            self._done(request)
            request.keep_alive = False

    def cut_short(self):
        """The client closed with a request's body unfinished: handed on, marked."""
        request = self.current
        if request is not None and request.method is not None and not request.complete:
            request.broken = True
            self._done(request)
            request.keep_alive = False
            return True
        return False

    @property
    def in_head(self):
        """Bytes of a request head have arrived, but not the whole head."""
        request = self.current
        return request is not None and not request.complete and request.method is None

    @property
    def in_body(self):
        request = self.current
        return request is not None and not request.complete and request.method is not None


class Limits:
    """The protocol limits from gunicorn's settings (gunicorn.conf.py)."""

    def __init__(self, cfg):
        self.line = cfg.limit_request_line or sys.maxsize
        self.fields = cfg.limit_request_fields or sys.maxsize
        self.field_size = cfg.limit_request_field_size or sys.maxsize


class BrokenBody(io.BytesIO):
    """The body of a request whose framing broke: its good bytes, then an error, which the
    app answers (app/request/parsing.py: `invalid body: malformed chunked encoding`)."""

    def read(self, size=-1):
        data = super().read(size)
        if not data or size is None or size < 0 or len(data) < size:
            raise OSError("the request body's framing is broken")
        return data


def body_stream(request):
    """wsgi.input: the body read, as a stream. A chunked body whose framing broke raises
    after its good bytes; a body cut short of its Content-Length is just short (the app
    sees the difference: app/request/parsing.py)."""
    body = b"".join(request.body)
    chunked = request.broken and not any(
        name.lower() == b"content-length" for name, _ in request.headers)
    return BrokenBody(body) if chunked else io.BytesIO(body)


class Connection:
    """One client connection, served request after request in its own greenlet."""

    def __init__(self, worker, sock, address, server):
        self.worker = worker
        self.sock = sock
        self.address = address  # the client's (host, port)
        self.server = server  # the listening socket's (host, port)
        self.parsing = Parsing(worker.limits, worker.body_limit)
        self.idle = False  # waiting for a request, none of it received
        self.answered = 0
        self.greenlet = gevent.getcurrent()

    def serve(self):
        try:
            while True:
                request = self.next_request()
                if request is None:
                    return
                if not self.answer(request):
                    return
                # Let every other connection with a request waiting go first: without
                # this, a client whose next request is already here would be served
                # again and again while the others wait (the p99 of gevent's workers).
                gevent.sleep(0)
        except Refused as refused:
            self.refuse(refused)
        except (OSError, gevent.GreenletExit):
            pass  # the client went, or the worker stops: nothing to answer
        finally:
            self.sock.close()

    def next_request(self):
        """The next request, read whole (or over the limit, or broken); None when the
        client closed or stayed idle too long with nothing sent."""
        parsing = self.parsing
        ready_at = time.monotonic()
        # A kept-alive connection may idle for gunicorn's keepalive; a new one gets its
        # first request's whole head deadline.
        idle_limit = self.worker.cfg.keepalive if self.answered else HEAD_DEADLINE
        while not parsing.ready:
            now = time.monotonic()
            if parsing.in_body:
                timeout = BODY_STALL
            elif parsing.in_head:
                timeout = ready_at + HEAD_DEADLINE - now
            else:
                timeout = min(idle_limit, ready_at + HEAD_DEADLINE - now)
            if timeout <= 0:
                raise Refused(408, "request timeout")
            self.idle = not parsing.in_head and not parsing.in_body
            self.sock.settimeout(timeout)
            try:
                data = self.sock.recv(READ_SIZE)
            except TimeoutError:
                if self.idle:
                    return None  # nothing asked: closed without a word
                raise Refused(408, "request timeout") from None
            finally:
                self.idle = False
            if not data:
                if parsing.cut_short():
                    break
                return None
            parsing.feed(data)
            request = parsing.current
            if (request is not None and request.expects_continue and parsing.in_body
                    and not request.size):
                request.expects_continue = False
                self.send(CONTINUE)
        return parsing.ready.popleft()

    def answer(self, request):
        """Call the app and write its answer; whether the connection serves on."""
        worker = self.worker
        environ = self.environ(request)
        keep_alive = request.keep_alive and worker.alive
        started = []

        def start_response(status, headers, exc_info=None):
            started[:] = (status, headers)
            return lambda data: body_parts.append(data)

        body_parts = []
        try:
            result = worker.wsgi(environ, start_response)
            try:
                body_parts.extend(result)
            finally:
                if hasattr(result, "close"):
                    result.close()
        except Exception:
            log.exception("the app failed to answer %s %s", request.method,
                          environ["PATH_INFO"])
            self.refuse(Refused(500, "internal server error"))
            return False
        self.answered += 1
        status, headers = started
        body = b"".join(body_parts)
        head = [f"HTTP/1.1 {status}\r\n"]
        has_length = False
        for name, value in headers:
            lowered = name.lower()
            if lowered == "content-length":
                has_length = True
            elif lowered == "connection" and value.lower() == "close":
                keep_alive = False
            head.append(f"{name}: {value}\r\n")
        if not has_length:
            head.append(f"Content-Length: {len(body)}\r\n")
        head.append(f"Date: {http_date()}\r\n")
        if not keep_alive:
            head.append("Connection: close\r\n")
        elif request.version == "1.0":
            head.append("Connection: keep-alive\r\n")
        head.append("\r\n")
        data = "".join(head).encode("latin-1")
        self.send(data if request.method == "HEAD" else data + body)
        return keep_alive

    def environ(self, request):
        """The WSGI environ of a request read whole."""
        url = httptools.parse_url(request.url)
        server = self.server
        environ = {
            "REQUEST_METHOD": request.method,
            "SCRIPT_NAME": "",
            "PATH_INFO": unquote_to_bytes(url.path or b"/").decode("latin-1"),
            "QUERY_STRING": (url.query or b"").decode("latin-1"),
            "RAW_URI": request.url.decode("latin-1"),
            "SERVER_PROTOCOL": f"HTTP/{request.version}",
            "SERVER_NAME": server[0],
            "SERVER_PORT": str(server[1]),
            "REMOTE_ADDR": self.address[0] if self.address else "",
            "REMOTE_PORT": str(self.address[1]) if self.address else "",
            "wsgi.version": (1, 0),
            "wsgi.url_scheme": "http",
            "wsgi.input": body_stream(request),
            "wsgi.input_terminated": True,
            "wsgi.errors": sys.stderr,
            "wsgi.multithread": True,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        for name, value in request.headers:
            key = name.decode("latin-1").upper()
            if "_" in key:
                # Dropped, as gunicorn does: X_Forwarded_For would otherwise pass for
                # X-Forwarded-For (the same WSGI key) past a proxy that strips only that.
                continue
            key = key.replace("-", "_")
            text = value.decode("latin-1")
            if key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
                environ[key] = text
                continue
            key = "HTTP_" + key
            environ[key] = f"{environ[key]},{text}" if key in environ else text
        return environ

    def send(self, data):
        self.sock.settimeout(WRITE_DEADLINE)
        self.sock.sendall(data)

    def refuse(self, refused):
        """The server's own answer to a request it will not pass on; then it closes."""
        body = (refused.line + "\n").encode()
        head = (f"HTTP/1.1 {refused.status} {REASONS.get(refused.status, 'Error')}\r\n"
                f"Content-Type: text/plain; charset=utf-8\r\nContent-Length: {len(body)}\r\n"
                f"Date: {http_date()}\r\nConnection: close\r\n\r\n")
        try:
            self.send(head.encode("latin-1") + body)
        except OSError:
            pass


REASONS = {400: "Bad Request", 408: "Request Timeout", 414: "URI Too Long",
           431: "Request Header Fields Too Large", 500: "Internal Server Error"}

_date = [0, ""]


def http_date():
    """The Date header's value, made once a second."""
    now = int(time.time())
    if _date[0] != now:
        _date[:] = [now, email.utils.formatdate(now, usegmt=True)]
    return _date[1]
