"""The carrier's check of credentials (contract 4.1), where no server is needed: Twilio's
two credential forms, and the switch that turns the check off. The check itself, through
real gunicorn against the fake carriers, is in tests/system/test_carriers.py."""

import pytest

from tests.support.api import PROVIDERS, TWILIO, error

SID = TWILIO["account_sid"]
KEY_SID = "SK" + "fedcba9876543210" * 2
TWILIO_KEY = {"account_sid": SID, "api_key_sid": KEY_SID, "api_key_secret": "key-secret-OK"}


def stored(sql):
    return sql.execute("SELECT count(*) AS n FROM providers").fetchone()["n"]


@pytest.mark.parametrize("credentials, message", [
    ({"account_sid": SID, "auth_token": "t", "api_key_sid": KEY_SID, "api_key_secret": "s"},
     "invalid body: credentials: either auth_token or api_key_sid and api_key_secret, not both"),
    ({"account_sid": SID, "auth_token": "t", "api_key_secret": "s"},
     "invalid body: credentials: either auth_token or api_key_sid and api_key_secret, not both"),
    ({"account_sid": SID, "api_key_sid": KEY_SID},
     "invalid body: credentials.api_key_secret: required"),
    ({"account_sid": SID, "api_key_sid": "SK123", "api_key_secret": "s"},
     "invalid body: credentials.api_key_sid: must be SK followed by 32 hex digits"),
    ({"account_sid": SID}, "invalid body: credentials.auth_token: required"),
    ({"api_key_sid": KEY_SID, "api_key_secret": "s"},
     "invalid body: credentials.account_sid: required"),
])
def test_twilio_takes_one_form_or_the_other(client, alice, sql, credentials, message):
    answer = client.post(PROVIDERS, json={"provider": "twilio", "credentials": credentials},
                         headers=alice)
    assert error(answer) == (400, message)
    assert stored(sql) == 0


def test_with_checks_off_nothing_is_asked_and_verified_at_is_null(make_app, fake, alice):
    app = make_app(carrier_verification=False, carrier_urls={
        "twilio": fake.url, "plivo": fake.url, "vobiz": fake.url})
    answer = app.test_client().post(
        PROVIDERS, json={"provider": "twilio", "credentials": TWILIO_KEY}, headers=alice)
    assert answer.status_code == 201
    assert answer.json["verified_at"] is None
    assert fake.requests == []


def test_the_switch_and_the_urls_come_from_the_environment():
    from app.config import Config

    assert Config.from_env({}).carrier_verification is True
    assert Config.from_env({"CARRIER_VERIFICATION": "off"}).carrier_verification is False
    assert Config.from_env({"CARRIER_VERIFICATION": ""}).carrier_verification is True
    assert Config.from_env({}).carrier_urls == {
        "twilio": "https://api.twilio.com", "plivo": "https://api.plivo.com",
        "vobiz": "https://api.vobiz.ai"}
    assert Config.from_env({"PLIVO_API_URL": "http://fake:1"}).carrier_urls["plivo"] == (
        "http://fake:1")
    with pytest.raises(ValueError, match="CARRIER_VERIFICATION must be on or off"):
        Config.from_env({"CARRIER_VERIFICATION": "maybe"})
