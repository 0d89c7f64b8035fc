"""Request ids and logs: one JSON line per request on stdout, errors tied to it by id.

Never logged: the Authorization header, API keys, request bodies, query strings (a
key pasted there must not reach a log either) and credential values.
"""

import json
import logging
import re
import sys
import time
import uuid
from datetime import datetime, timezone

from flask import g, has_request_context, request

# A client's or proxy's id is kept when it is a sane token, else we make one.
SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,128}")
access_log = logging.getLogger("app.access")


class JsonLines(logging.Formatter):
    """Each record as one JSON object: time, level, logger, message and the request's id."""

    def format(self, record):
        line = {
            "time": datetime.fromtimestamp(record.created, timezone.utc).isoformat(
                timespec="milliseconds").replace("+00:00", "Z"),
            "level": record.levelname.lower(),
            "logger": record.name,
        }
        fields = getattr(record, "fields", None)
        if fields:
            line.update(fields)
        else:
            line["message"] = record.getMessage()
        request_id = getattr(record, "request_id", None)
        if request_id:
            line.setdefault("request_id", request_id)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


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


def _start():
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if SANE_REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex
    g.started = time.monotonic()


def _finish(response):
    response.headers["X-Request-ID"] = g.get("request_id", "")
    started = g.get("started")
    access_log.info("request", extra={"fields": {
        "message": "request",
        "request_id": g.get("request_id"),
        "method": request.method,
        "path": request.path,
        "status": response.status_code,
        "duration_ms": round((time.monotonic() - started) * 1000, 2) if started else None,
        "account_id": g.get("account_id"),
        "remote_addr": request.remote_addr,
    }})
    return response


def init_app(app):
    setup_logging()
    app.before_request(_start)
    app.after_request(_finish)
