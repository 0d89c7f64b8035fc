"""Plivo: an auth ID and an auth token."""

import re

NAME = "plivo"
DISPLAY_NAME = "Plivo"
API_URL = "https://api.plivo.com"
FORMS = {}
IN_HEADERS = False
DESCRIPTION = "plivo: auth_id, auth_token"


def required(_credentials):
    return ("auth_id", "auth_token")


def check_request(base_url, credentials, segment):
    """The account's own record, in HTTP Basic."""
    url = f"{base_url}/v1/Account/{segment(credentials['auth_id'])}/"
    return url, {}, (credentials["auth_id"], credentials["auth_token"])


FAKE_PATH = re.compile(r"/v1/Account/([^/]+)/")
ACCEPTED = {"account_type": "standard", "api_id": "00000000-0000-0000-0000-000000000000"}
UNAUTHORIZED = {"api_id": "00000000-0000-0000-0000-000000000000",
                "error": "authentication failed"}


def fake_check(route, _query, _headers, basic):
    """For the fake carrier: (secret, whether the credentials fit) of Plivo's check."""
    match = FAKE_PATH.fullmatch(route)
    if match is None:
        return None
    user, password = basic or ("", "")
    return password, user == match[1]
