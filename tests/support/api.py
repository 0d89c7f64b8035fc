"""What the tests send: the contract's paths, valid bodies, and small request helpers."""

PROVIDERS = "/api/v1/telephony/providers"
NUMBERS = "/api/v1/telephony/numbers"

TWILIO = {"account_sid": "AC" + "0123456789abcdef" * 2, "auth_token": "twilio-secret-token"}
PLIVO = {"auth_id": "MAXXXXXXXXXXXXXXXXXX", "auth_token": "plivo-secret-token"}
VOBIZ = {"auth_id": "vobiz-id", "auth_token": "vobiz-secret-token"}
CREDENTIALS = {"twilio": TWILIO, "plivo": PLIVO, "vobiz": VOBIZ}

# Valid by libphonenumber's rules, in several countries.
E164S = ["+12025550123", "+12025550124", "+12025550125", "+442079460958", "+33142685300"]


def url_of(path, objects):
    """A document's path with its {parameters} filled from `objects` (collection -> id,
    and "e164")."""
    collection = path.split("/")[4]
    return path.replace("{id}", objects.get(collection, "")).replace(
        "{e164}", objects.get("e164", ""))


def bearer(key, account_id=None):
    headers = {"Authorization": f"Bearer {key}"}
    if account_id is not None:
        headers["X-Account-ID"] = account_id
    return headers


def add_provider(client, headers, provider="twilio", **fields):
    """Register a credential through the API; return its object."""
    body = {"provider": provider, "credentials": CREDENTIALS[provider], **fields}
    answer = client.post(PROVIDERS, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json


def add_number(client, headers, credentials_id, e164=E164S[0], **fields):
    """Register a number through the API; return its object."""
    body = {"e164": e164, "credentials_id": credentials_id, **fields}
    answer = client.post(NUMBERS, json=body, headers=headers)
    assert answer.status_code == 201, answer.text
    return answer.json


def error(answer):
    """The (status, line) of an error answer, checking its form: one line of text that
    ends in a newline (the line is given without it)."""
    assert answer.mimetype == "text/plain", answer.mimetype
    assert answer.mimetype_params.get("charset") == "utf-8"
    assert answer.text.endswith("\n") and "\n" not in answer.text[:-1], repr(answer.text)
    return answer.status_code, answer.text[:-1]


def problem(answer):
    """The problem details of an error answer (RFC 9457), checking their form."""
    assert answer.mimetype == "application/problem+json", answer.mimetype
    body = answer.json
    assert body["type"] == f"urn:kataven:error:{body['code']}"
    assert body["status"] == answer.status_code
    assert body["request_id"] == answer.headers["X-Request-ID"]
    assert "\n" not in body["detail"]
    return body
