"""Twilio: an account SID, and the account's auth token or (as Twilio recommends, since
it can be revoked alone) an API key pair; one form or the other."""

import re

from marshmallow import ValidationError

NAME = "twilio"
DISPLAY_NAME = "Twilio"
API_URL = "https://api.twilio.com"
AUTH_TOKEN = ("account_sid", "auth_token")
API_KEY = ("account_sid", "api_key_sid", "api_key_secret")
FORMS = {
    "account_sid": (re.compile(r"AC[0-9a-fA-F]{32}"), "must be AC followed by 32 hex digits"),
    "api_key_sid": (re.compile(r"SK[0-9a-fA-F]{32}"), "must be SK followed by 32 hex digits"),
}
IN_HEADERS = False
DESCRIPTION = ("twilio: account_sid (AC and 32 hex digits) and either auth_token or "
               "api_key_sid (SK and 32 hex digits) and api_key_secret")


def required(credentials):
    """The fields of the form sent: the auth token's, or the API key pair's."""
    if not any(name in credentials for name in API_KEY[1:]):
        return AUTH_TOKEN
    if "auth_token" in credentials:
        raise ValidationError({"credentials": [
            "either auth_token or api_key_sid and api_key_secret, not both"]})
    return API_KEY


def check_request(base_url, credentials, segment):
    """A page of one incoming number (`segment` escapes a path segment): it works with
    the auth token and with an API key pair, unlike the Account resource."""
    user, password = (
        (credentials["api_key_sid"], credentials["api_key_secret"])
        if "api_key_sid" in credentials
        else (credentials["account_sid"], credentials["auth_token"])
    )
    url = (f"{base_url}/2010-04-01/Accounts/{segment(credentials['account_sid'])}"
           "/IncomingPhoneNumbers.json?PageSize=1")
    return url, {}, (user, password)


FAKE_PATH = re.compile(r"/2010-04-01/Accounts/([^/]+)/IncomingPhoneNumbers\.json")
ACCEPTED = {"incoming_phone_numbers": [], "page": 0, "page_size": 1, "start": 0}
UNAUTHORIZED = {"code": 20003, "message": "Authenticate",
                "more_info": "https://www.twilio.com/docs/errors/20003", "status": 401}


def fake_check(route, query, headers, basic):
    """For the fake carrier: (secret, whether the credentials fit the request) when this
    is Twilio's check, else None; `basic` is the HTTP Basic pair sent, or None."""
    match = FAKE_PATH.fullmatch(route)
    if match is None:
        return None
    user, password = basic or ("", "")
    return password, query == "PageSize=1" and (user == match[1] or user.startswith("SK"))
