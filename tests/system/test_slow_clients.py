"""Slow clients hold only themselves (CONTRACT 8), against the Procfile's gunicorn with no
proxy in front: while 20 connections trickle their request one byte a second and 12 more
send half a request and stop, other clients are answered in their usual time, and every
request head not complete within 10 s, or body stalled for 10 s, is answered 408 and
closed."""

import select
import socket
import threading
import time

import pytest

from tests.support.api import NUMBERS, bearer

DEADLINE = 10.0  # the contract's, for a request head and for a stalled body
SLACK = 3.0  # generous: the bound is what is tested, not the machine's speed
USUAL = 1.0  # a probe's answer takes milliseconds; gthread made them take seconds

HEAD = (b"GET /healthz HTTP/1.1\r\nHost: hub.test\r\nUser-Agent: slow/1.0\r\n"
        b"Accept: */*\r\n\r\n")  # 64 bytes: still incomplete when the deadline comes
PATCH_HEAD = (f"PATCH {NUMBERS}/0b3e7a9c-1111-4222-8333-944455556666 HTTP/1.1\r\n"
              "Host: hub.test\r\nContent-Type: application/json\r\n"
              "Content-Length: 60\r\n\r\n").encode()


@pytest.fixture(scope="module")
def gunicorn_env():
    return {"WEB_CONCURRENCY": "2"}  # the Procfile's default on this machine's 2 cores


class Client(threading.Thread):
    """One hostile connection: sends `first` at once, then `trickle` one byte a second
    until the server answers or closes (or `stop` is set); records when and what."""

    def __init__(self, port, first, trickle=b"", stop=None):
        super().__init__(daemon=True)
        self.port, self.first, self.trickle = port, first, trickle
        self.stop = stop or threading.Event()
        self.answer = None  # the first bytes the server sent, b"" when it closed silently
        self.connected_at = self.last_sent = self.answered_at = None
        self.error = None

    def run(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=30) as sock:
                sock.sendall(self.first)
                self.connected_at = self.last_sent = time.monotonic()
                pending = self.trickle
                while not self.stop.is_set():
                    # One second between bytes, or at once when the server speaks.
                    readable, _, _ = select.select([sock], [], [], 1.0)
                    if readable:
                        self.answer = sock.recv(65536)
                        self.answered_at = time.monotonic()
                        return
                    if pending:
                        sock.sendall(pending[:1])
                        pending = pending[1:]
                        self.last_sent = time.monotonic()
        except OSError as exc:
            self.error = exc


class Siege:
    """The contract's hostile load, all at once, then probes from a polite client."""

    def __init__(self, port):
        self.port = port
        self.stop = threading.Event()
        self.started = time.monotonic()
        # 10 heads trickled from the first byte (the deadline runs from the connection),
        # 10 heads sent whole and bodies trickled (not stalled: they are waited for).
        self.trickled_heads = [Client(port, b"", HEAD, self.stop) for _ in range(10)]
        self.trickled_bodies = [Client(port, PATCH_HEAD, b"{" + b" " * 58 + b"}", self.stop)
                                for _ in range(10)]
        # 12 that send half a request and stop: 8 half a head, 4 a head and one byte of
        # its body.
        self.half_heads = [Client(port, HEAD[:32], b"", self.stop) for _ in range(8)]
        self.stalled_bodies = [Client(port, PATCH_HEAD + b"{", b"", self.stop)
                               for _ in range(4)]
        self.everyone = (self.trickled_heads + self.trickled_bodies + self.half_heads
                         + self.stalled_bodies)
        for client in self.everyone:
            client.start()

    def finish(self):
        for client in self.half_heads + self.stalled_bodies + self.trickled_heads:
            client.join(DEADLINE + SLACK + 5)
        self.stop.set()
        for client in self.trickled_bodies:
            client.join(5)


@pytest.fixture(scope="module")
def siege(gunicorn):
    siege = Siege(gunicorn.port)
    yield siege
    siege.finish()


def test_other_clients_are_answered_in_their_usual_time(siege, gunicorn, make_key):
    key = make_key("alice")
    timings = []
    # Probes through the whole of the hostile connections' first 10 s, on new
    # connections each (as a health checker and another user would come).
    while time.monotonic() - siege.started < DEADLINE + 1:
        for path, headers in (("/healthz", {}), (NUMBERS, bearer(key))):
            began = time.monotonic()
            status, _, body = gunicorn.request("GET", path, headers=headers, timeout=4)
            timings.append((path, status, time.monotonic() - began))
            assert status == 200, body
        siege.stop.wait(0.25)  # pacing the probes, not waiting for anything
    slowest = max(timings, key=lambda t: t[2])
    assert len(timings) >= 20, timings
    assert slowest[2] < USUAL, f"{slowest[0]} took {slowest[2]:.2f} s among {len(timings)}"


def test_a_request_head_not_complete_within_10_s_answers_408_and_closes(siege):
    siege.finish()
    for client in siege.trickled_heads + siege.half_heads:
        assert client.error is None, client.error
        assert client.answer is not None, "still open"
        assert client.answer.startswith(b"HTTP/1.1 408 "), client.answer
        assert b"Connection: close" in client.answer
        # From the connection: a head trickled a byte a second is cut at 10 s although
        # it never stopped sending.
        took = client.answered_at - client.connected_at
        assert DEADLINE - 1 <= took <= DEADLINE + SLACK, took


def test_a_body_stalled_for_10_s_answers_408_and_closes(siege):
    siege.finish()
    for client in siege.stalled_bodies:
        assert client.error is None, client.error
        assert client.answer is not None, "still open"
        assert client.answer.startswith(b"HTTP/1.1 408 "), client.answer
        stalled = client.answered_at - client.last_sent
        assert DEADLINE - 1 <= stalled <= DEADLINE + SLACK, stalled


def test_a_body_sent_slowly_but_steadily_is_waited_for(siege):
    siege.finish()
    # Still being read when the test stopped them, a byte a second for 10 s and more.
    for client in siege.trickled_bodies:
        assert client.error is None, client.error
        assert client.answer is None, client.answer
