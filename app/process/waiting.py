"""Waiting on a database connection in the worker's event loop: decided once, when the
app is imported (after the worker patched, app/process/worker.py), as psycopg decides."""

import select
import sys

from psycopg.waiting import Ready, Wait


def _select_patched():
    monkey = sys.modules.get("gevent.monkey")
    return monkey is not None and monkey.is_module_patched("select")


# gevent patched select: this process is the worker's (tests and the command line are not).
PATCHED = _select_patched()
# libev's events for what libpq waits for, and what it is told once they came.
EVENTS = {Wait.R: 1, Wait.W: 2, Wait.RW: 3}
READY = {Wait.R: Ready.R, Wait.W: Ready.W, Wait.RW: Ready.RW}

if PATCHED:
    from gevent import get_hub
    from gevent.monkey import get_original

    _unpatched_poll = get_original("select", "poll")
else:
    _unpatched_poll = select.poll


def poll():
    """A poll object that never waits in the event loop: for a zero timeout no loop is
    needed, and gevent's patched one builds watchers and a timer for each call."""
    return _unpatched_poll()


def wait(conn, gen):
    """Run psycopg's generator `gen` on conn: on gevent's hub in the worker, else as
    psycopg waits.

    psycopg waits through gevent's patched select.poll, whose every call builds a poll
    object, its watchers and a timer: 15 us of a hot read's ~65 in this process. Here
    one watcher a wait. No timeout is needed: the watchdog (app/process/watchdog.py)
    shuts a connection past its deadline, which wakes this."""
    if not PATCHED:
        return conn.wait(gen)
    hub, fileno = get_hub(), conn.pgconn.socket
    try:
        state = next(gen)
        while True:
            watcher = hub.loop.io(fileno, EVENTS[state])
            try:
                hub.wait(watcher)
            finally:
                watcher.close()
            state = gen.send(READY[state])
    except StopIteration as done:
        return done.value
