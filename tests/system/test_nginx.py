"""Behind nginx: deploy/nginx.conf, and a stock config whose Location headers come back
absolute. scripts/smoke.sh must pass behind both (relative and absolute are both right)."""

import http.client
import json

import pytest

from tests.support.api import TWILIO, bearer
from tests.support.nginx import deploy_config, stock_config
from tests.support.server import smoke

CONFIGS = {"deploy/nginx.conf": deploy_config, "stock": stock_config}


@pytest.fixture(params=CONFIGS)
def nginx(request, gunicorn, start_nginx):
    server = start_nginx(CONFIGS[request.param], gunicorn.port)
    server.form = request.param
    return server


def location_through(nginx, key):
    """The Location of a credential made through nginx."""
    conn = http.client.HTTPConnection("127.0.0.1", nginx.port, timeout=10)
    try:
        conn.request("POST", "/v1/telephony/providers",
                     body=json.dumps({"provider": "twilio", "credentials": TWILIO}),
                     headers={**bearer(key), "Content-Type": "application/json"})
        answer = conn.getresponse()
        answer.read()
        assert answer.status == 201
        return answer.getheader("Location")
    finally:
        conn.close()


def test_each_config_gives_the_location_form_it_is_here_for(nginx, make_key):
    location = location_through(nginx, make_key("alice"))
    if nginx.form == "stock":
        # What broke smoke.sh: nginx makes a rewritten Location absolute by default.
        assert location.startswith(f"http://127.0.0.1:{nginx.port}/v1/telephony/providers/")
    else:
        # deploy/nginx.conf keeps it relative (absolute_redirect off), right behind TLS.
        assert location.startswith("/v1/telephony/providers/")


def test_smoke_passes_behind_nginx(nginx, make_key):
    done = smoke(f"http://127.0.0.1:{nginx.port}/v1", make_key("smoke"))
    assert done.returncode == 0, done.stdout + done.stderr
    assert "smoke test passed: 15 steps" in done.stdout
