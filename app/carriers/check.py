"""Checking carrier credentials with the carrier itself, before they are sealed.

Once sealed, the service can never open credentials again: the request that brings
them is the only moment they can be tried. One read-only request per check, to a
base URL from configuration (never from a request), with no retry, no redirect
followed, TLS verified, and 5 seconds at most. The log says which carrier, what it
answered and how long it took; never a credential field, the account SID included.
"""

import logging
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as Late
from datetime import datetime, timezone
from urllib.parse import quote

import httpx

from ..errors import CarrierUnreachable, CredentialsRejected, invalid_body
from . import CARRIERS

log = logging.getLogger(__name__)
# The contract's limit on the whole check, from the first DNS lookup to the answer's
# last byte.
LIMIT_SECONDS = 5.0
# An answer's body is read (the answer must be complete) but never kept or logged; a
# carrier's check answers a few kilobytes at most.
MAX_BODY = 64 * 1024
# Checks in flight per process: beyond this they queue, and a check still queued at
# its limit answers 502 like a slow carrier.
CHECKS_AT_ONCE = 16
USER_AGENT = "kataven-hub"
REJECTED = (401, 403, 404)

# httpx logs each request's URL at INFO: for Twilio the URL holds the account SID.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)


def path_segment(value):
    """A credential field as one path segment: every reserved character escaped, dots
    too, so that `.` or `..` cannot move the request to another resource."""
    return quote(value, safe="").replace(".", "%2E")


def unsendable(provider, credentials):
    """(field, why) of the first field the check's request could not carry, or None.
    The request carries exactly the fields the provider requires."""
    carrier = CARRIERS[provider]
    for name in carrier.required(credentials):
        value = credentials[name]
        if not (value.isascii() and value.isprintable()):
            return name, "printable ASCII only"
        if carrier.IN_HEADERS and value != value.strip():
            return name, "no leading or trailing space"
    return None


class Verifier:
    """Checks credentials with their carrier, or (switched off) stores them unchecked."""

    def __init__(self, config):
        self.enabled = config.carrier_verification
        self.urls = {name: url.rstrip("/") for name, url in config.carrier_urls.items()}
        self._client = self._checks = None
        self._pid = None
        self._lock = threading.Lock()

    def _open(self):
        # One client per process, made after gunicorn's fork: its connections to the
        # carriers are kept alive between checks, never shared across processes. The
        # checks run on threads of their own, so that the request waits for one no
        # longer than the limit, whatever a carrier does (it may trickle its answer a
        # byte at a time: httpx's timeouts bound each step, not their sum).
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._client = httpx.Client(
                        timeout=httpx.Timeout(LIMIT_SECONDS),
                        follow_redirects=False,
                        verify=True,
                        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                    )
                    self._checks = ThreadPoolExecutor(CHECKS_AT_ONCE, "carrier-check")
                    self._pid = os.getpid()

    def verify(self, provider, credentials):
        """When the carrier accepted the credentials (UTC now), or None when checks are
        off. 400 when the carrier rejects them, 502 when it could not be asked."""
        if not self.enabled:
            return None
        problem = unsendable(provider, credentials)
        if problem:
            raise invalid_body(f"credentials.{problem[0]}",
                               f"cannot be sent to {provider}: {problem[1]}")
        url, headers, auth = CARRIERS[provider].check_request(
            self.urls[provider], credentials, path_segment)
        self._open()
        started = time.monotonic()
        deadline = started + LIMIT_SECONDS
        check = self._checks.submit(self._ask, url, headers, auth, deadline)
        try:
            status = check.result(timeout=max(deadline - time.monotonic(), 0))
        except (Late, httpx.TimeoutException):
            check.cancel()
            raise self._unreachable(provider, started, "no answer within 5 seconds") from None
        except httpx.HTTPError as exc:
            raise self._unreachable(provider, started, _reason(exc)) from None
        log.info("carrier check: %s answered %s in %.0f ms", provider, status,
                 (time.monotonic() - started) * 1000)
        if 200 <= status < 300:
            return datetime.now(timezone.utc)
        if status in REJECTED:
            raise CredentialsRejected(provider, status)
        if 300 <= status < 400:
            raise CarrierUnreachable(_try_again(provider, f"redirected ({status})"))
        if status == 429:
            raise CarrierUnreachable(_try_again(provider, "rate limited (429)"))
        raise CarrierUnreachable(_try_again(provider, f"unexpected status {status}"))

    def _ask(self, url, headers, auth, deadline):
        """The carrier's status, once its whole answer has arrived (on a check thread).
        The body is read and dropped: never logged, never kept."""
        if time.monotonic() >= deadline:  # waited in the queue past the limit
            raise httpx.PoolTimeout("no thread free for the check")
        with self._client.stream("GET", url, headers=headers, auth=auth) as answer:
            received = 0
            for chunk in answer.iter_raw():
                received += len(chunk)
                if received > MAX_BODY or time.monotonic() >= deadline:
                    break  # the status is known; the rest is not worth waiting for
            return answer.status_code

    def _unreachable(self, provider, started, reason):
        log.warning("carrier check: %s failed (%s) after %.0f ms", provider, reason,
                    (time.monotonic() - started) * 1000)
        return CarrierUnreachable(_try_again(provider, reason))


def _reason(exc):
    """A short cause, naming no URL (a Twilio URL holds the account SID)."""
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).upper()
        tls = "SSL" in text or "CERTIFICATE" in text
        return "TLS handshake failed" if tls else "could not connect"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return "connection closed before an answer"
    return "request failed"


def _try_again(provider, reason):
    return f"could not verify credentials with {provider}: {reason}; try again"
