"""X-Forwarded-For/-Proto, believed only from the reverse proxies we trust."""

import functools
import ipaddress

from werkzeug.middleware.proxy_fix import ProxyFix


def trusted_networks(spec):
    """Networks from a comma-separated list of addresses or CIDRs ("*": any peer)."""
    if spec.strip() == "*":
        return [ipaddress.ip_network("0.0.0.0/0"), ipaddress.ip_network("::/0")]
    return [ipaddress.ip_network(part.strip(), strict=False)
            for part in spec.split(",") if part.strip()]


class TrustedProxyFix:
    """ProxyFix (one proxy hop) for requests from a trusted peer; the headers are dropped
    from anyone else, so a client cannot forge its address or scheme."""

    HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_X_FORWARDED_PROTO", "HTTP_X_FORWARDED_HOST",
               "HTTP_X_FORWARDED_PORT", "HTTP_X_FORWARDED_PREFIX")

    def __init__(self, app, trusted):
        self.direct = app
        self.proxied = ProxyFix(app, x_for=1, x_proto=1)
        self.trusted = trusted

    @functools.lru_cache(maxsize=1024)  # noqa: B019 (one instance per app, addresses repeat)
    def _is_trusted(self, address):
        try:
            peer = ipaddress.ip_address(address)
        except ValueError:
            return False
        return any(peer in network for network in self.trusted)

    def __call__(self, environ, start_response):
        if self._is_trusted(environ.get("REMOTE_ADDR", "")):
            return self.proxied(environ, start_response)
        for header in self.HEADERS:
            environ.pop(header, None)
        return self.direct(environ, start_response)
