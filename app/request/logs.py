"""Request ids and logs: one JSON line per request on stdout, errors tied to it by id.

Never logged: the Authorization header, API keys, request bodies, query strings (a
key pasted there must not reach a log either) and credential values.
"""

import itertools
import logging
import os
import re
import sys
import time
from datetime import datetime, timezone

import orjson
from flask import current_app, g, has_request_context, request

# A client's or proxy's id is kept when it is a sane token, else we make one.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def utc_now():
    """The time as the logs write it: 2026-11-28T17:02:03.123Z."""
    now = time.time()
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(now)) + f".{int(now % 1 * 1000):03d}Z"


def write_stdout(line):
    """One line, written to stdout's descriptor in one call: lines of concurrent
    threads and workers never interleave, and no lock or buffer stands in between."""
    os.write(1, orjson.dumps(line, option=orjson.OPT_APPEND_NEWLINE))


class JsonLines(logging.Formatter):
    """Each record as one JSON object: time, level, logger, message and the request's id."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        request_id = getattr(record, "request_id", None)
        if request_id:
            line.setdefault("request_id", request_id)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return orjson.dumps(line).decode()


class RequestIdFilter(logging.Filter):
    """Stamp every record logged during a request with that request's id."""

    def filter(self, record):
        if not getattr(record, "request_id", None) and has_request_context():
            record.request_id = g.get("request_id")
        return True


def setup_logging():
    """JSON lines on stdout for the app's loggers; done once per process."""
    logger = logging.getLogger("app")
    if any(isinstance(h.formatter, JsonLines) for h in logger.handlers):
        return
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(JsonLines())
    handler.addFilter(RequestIdFilter())
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)


def new_request_id():
    """A request id unique across processes and hosts: a random per-process prefix and
    a counter (ids need to be unique, not secret; no system call per request)."""
    global _ID_PREFIX, _ID_PID
    if _ID_PID != os.getpid():  # a forked worker draws its own prefix
        _ID_PREFIX, _ID_PID = os.urandom(8).hex(), os.getpid()
    return f"{_ID_PREFIX}{next(_ID_COUNTER):016x}"


_ID_PREFIX, _ID_PID, _ID_COUNTER = "", None, itertools.count()


def request_id_from(incoming):
    """The request's id: the caller's (or proxy's) when it is a sane token, else a new one."""
    return incoming if incoming and SANE_REQUEST_ID.fullmatch(incoming) else new_request_id()


def access_line(*, request_id, method, path, status, started, account_id, remote_addr):
    """The one log line of a request, as Flask's hooks and the fast path write it."""
    return {
        "time": utc_now(),
        "level": "info",
        "logger": "app.access",
        "message": "request",
        "request_id": request_id,
        "method": method,
        "path": path,
        "status": status,
        "duration_ms": round((time.monotonic() - started) * 1000, 2) if started else None,
        "account_id": account_id,
        "remote_addr": remote_addr,
    }


def _start():
    g.request_id = request_id_from(request.headers.get("X-Request-ID"))
    g.started = time.monotonic()


def _finish(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    # Not through the logging module: its records, locks and formatting cost a large
    # share of a read's time (docs/benchmarks.md).
    current_app.extensions["access_log"](access_line(
        request_id=g.get("request_id"), method=request.method, path=request.path,
        status=response.status_code, started=g.get("started"),
        account_id=g.get("account_id"), remote_addr=request.remote_addr,
    ))
    return response


def init_app(app):
    setup_logging()
    app.extensions["access_log"] = write_stdout
    app.before_request(_start)
    app.after_request(_finish)
