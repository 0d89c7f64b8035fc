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
from datetime import datetime, timezone
from urllib.parse import quote

import httpx

from .errors import BadGateway, invalid_body

log = logging.getLogger(__name__)
# The contract's limit on the whole check; each phase (connect, send, the answer's
# head) is bounded by what is left of it.
LIMIT_SECONDS = 5.0
USER_AGENT = "kataven-hub"
REJECTED = (401, 403, 404)

# httpx logs each request's URL at INFO: for Twilio the URL holds the account SID.
logging.getLogger("httpx").setLevel(logging.WARNING)
logging.getLogger("httpcore").setLevel(logging.WARNING)


def twilio(base_url, credentials):
    """Twilio: a page of one incoming number; works with the auth token and with an
    API key pair (the Account resource refuses API keys)."""
    user, password = (
        (credentials["api_key_sid"], credentials["api_key_secret"])
        if "api_key_sid" in credentials
        else (credentials["account_sid"], credentials["auth_token"])
    )
    url = (f"{base_url}/2010-04-01/Accounts/{quote(credentials['account_sid'], safe='')}"
           "/IncomingPhoneNumbers.json?PageSize=1")
    return url, {}, (user, password)


def plivo(base_url, credentials):
    """Plivo: the account's own record."""
    url = f"{base_url}/v1/Account/{quote(credentials['auth_id'], safe='')}/"
    return url, {}, (credentials["auth_id"], credentials["auth_token"])


def vobiz(base_url, credentials):
    """Vobiz: who the credentials belong to, authenticated by two headers."""
    headers = {"X-Auth-ID": credentials["auth_id"], "X-Auth-Token": credentials["auth_token"]}
    return f"{base_url}/api/v1/auth/me", headers, None


REQUESTS = {"twilio": twilio, "plivo": plivo, "vobiz": vobiz}
# The fields each request carries: they must be sendable in an HTTP header.
SENT_FIELDS = ("account_sid", "auth_token", "api_key_sid", "api_key_secret", "auth_id")


class Verifier:
    """Checks credentials with their carrier, or (switched off) stores them unchecked."""

    def __init__(self, config):
        self.enabled = config.carrier_verification
        self.urls = {name: url.rstrip("/") for name, url in config.carrier_urls.items()}
        self._client = None
        self._pid = None
        self._lock = threading.Lock()

    @property
    def client(self):
        # One client per process, made after gunicorn's fork: its connections to the
        # carriers are kept alive between checks, never shared across processes.
        if self._pid != os.getpid():
            with self._lock:
                if self._pid != os.getpid():
                    self._client = httpx.Client(
                        timeout=httpx.Timeout(LIMIT_SECONDS),
                        follow_redirects=False,
                        verify=True,
                        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                    )
                    self._pid = os.getpid()
        return self._client

    def verify(self, provider, credentials):
        """When the carrier accepted the credentials (UTC now), or None when checks are
        off. 400 when the carrier rejects them, 502 when it could not be asked."""
        if not self.enabled:
            return None
        for name in SENT_FIELDS:
            value = credentials.get(name)
            if value is not None and not (value.isascii() and value.isprintable()):
                raise invalid_body(f"credentials.{name}",
                                   f"cannot be sent to {provider}: printable ASCII only")
        url, headers, auth = REQUESTS[provider](self.urls[provider], credentials)
        started = time.monotonic()
        try:
            status = self._ask(url, headers, auth, started + LIMIT_SECONDS)
        except httpx.TimeoutException:
            raise self._unreachable(provider, started, "no answer within 5 seconds")
        except httpx.HTTPError as exc:
            raise self._unreachable(provider, started, _reason(exc))
        log.info("carrier check: %s answered %s in %.0f ms", provider, status,
                 (time.monotonic() - started) * 1000)
        if 200 <= status < 300:
            return datetime.now(timezone.utc)
        if status in REJECTED:
            raise invalid_body("credentials", f"rejected by {provider} ({status})")
        if 300 <= status < 400:
            raise BadGateway(_try_again(provider, f"redirected ({status})"))
        if status == 429:
            raise BadGateway(_try_again(provider, "rate limited (429)"))
        raise BadGateway(_try_again(provider, f"unexpected status {status}"))

    def _ask(self, url, headers, auth, deadline):
        """The carrier's status. Only the answer's head is read: the status is all the
        check needs, and a body is never logged or kept."""
        with self.client.stream("GET", url, headers=headers, auth=auth) as answer:
            if time.monotonic() > deadline:
                raise httpx.ReadTimeout("answered after the limit")
            return answer.status_code

    def _unreachable(self, provider, started, reason):
        log.warning("carrier check: %s failed (%s) after %.0f ms", provider, reason,
                    (time.monotonic() - started) * 1000)
        return BadGateway(_try_again(provider, reason))

    def close(self):
        if self._client is not None and self._pid == os.getpid():
            self._client.close()
        self._client = None
        self._pid = None


def _reason(exc):
    """A short cause, naming no URL (a Twilio URL holds the account SID)."""
    if isinstance(exc, httpx.ConnectError):
        text = str(exc).upper()
        return "TLS handshake failed" if "SSL" in text or "CERTIFICATE" in text else "could not connect"
    if isinstance(exc, (httpx.RemoteProtocolError, httpx.ReadError, httpx.WriteError)):
        return "connection closed before an answer"
    return "request failed"


def _try_again(provider, reason):
    return f"could not verify credentials with {provider}: {reason}; try again"
