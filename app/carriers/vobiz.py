"""Vobiz: an auth ID and an auth token, sent in headers of their own."""

NAME = "vobiz"
DISPLAY_NAME = "Vobiz"
API_URL = "https://api.vobiz.ai"
FORMS = {}
# Header values lose leading and trailing spaces on the way: such a value cannot be sent.
IN_HEADERS = True
DESCRIPTION = "vobiz: auth_id, auth_token"


def required(_credentials):
    return ("auth_id", "auth_token")


def check_request(base_url, credentials, _segment):
    """Who the credentials belong to, authenticated by two headers."""
    headers = {"X-Auth-ID": credentials["auth_id"], "X-Auth-Token": credentials["auth_token"]}
    return f"{base_url}/api/v1/auth/me", headers, None


FAKE_PATH = "/api/v1/auth/me"
ACCEPTED = {"status": "active"}
UNAUTHORIZED = {"detail": "Invalid authentication credentials"}


def fake_check(route, _query, headers, _basic):
    """For the fake carrier: (secret, whether the credentials fit) of Vobiz's check."""
    if route != FAKE_PATH:
        return None
    return headers.get("X-Auth-Token", ""), bool(headers.get("X-Auth-ID"))
