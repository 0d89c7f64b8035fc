"""GET /api/v1/docs in a real browser (Debian's chromium) against a real gunicorn: the page
loads with no console error and no request elsewhere, lists every operation, and a
reader authorizes with a key and runs "List phone numbers", directly and behind nginx.

Skipped where chromium is not installed, and behind nginx where nginx is not (the
`chromium_program` and `nginx_program` fixtures); CI installs both, and fails on a skip.
"""

import json
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.support.api import NUMBERS, PROVIDERS, TWILIO, bearer
from tests.support.browser import launch
from tests.support.nginx import deploy_config

E164 = "+12025550123"


@pytest.fixture(scope="module")
def chromium(chromium_program):
    with sync_playwright() as playwright:
        browser = launch(playwright, chromium_program)
        yield browser
        browser.close()


class Watched:
    """A page whose console errors, uncaught exceptions and requests are all kept."""

    def __init__(self, browser, origin):
        self.origin = origin
        self.page = browser.new_page()
        self.page.set_default_timeout(15_000)  # every wait is for a condition, bounded
        self.errors, self.requests = [], []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r))

    def elsewhere(self):
        """URLs of requests to any origin but the page's (data: URIs are no request out)."""
        return [r.url for r in self.requests if not r.url.startswith("data:")
                and "{0.scheme}://{0.netloc}".format(urlsplit(r.url)) != self.origin]


@pytest.fixture
def docs(chromium, gunicorn):
    watched = Watched(chromium, f"http://127.0.0.1:{gunicorn.port}")
    yield watched
    watched.page.close()


@pytest.fixture(params=["direct", "behind deploy/nginx.conf"])
def docs_url(request, gunicorn):
    """The page's URL: /api/v1/docs on gunicorn, or /v1/docs through nginx."""
    if request.param == "direct":
        return f"http://127.0.0.1:{gunicorn.port}/api/v1/docs"
    # Asked for here only, so that where nginx is missing only this form is skipped.
    nginx = request.getfixturevalue("start_nginx")(deploy_config, gunicorn.port)
    return f"http://127.0.0.1:{nginx.port}/v1/docs"


def operations(gunicorn):
    """{tag: {(METHOD, path)}} of the served document."""
    document = json.loads(gunicorn.request("GET", "/api/v1/openapi.json")[2])
    by_tag = {}
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            if method != "parameters":
                for tag in operation["tags"]:
                    by_tag.setdefault(tag, set()).add((method.upper(), path))
    return by_tag


def test_the_page_lists_every_operation_of_every_tag(docs, gunicorn):
    page = docs.page
    page.goto(f"{docs.origin}/api/v1/docs")
    expected = operations(gunicorn)
    assert {"providers", "numbers"} <= set(expected)
    for tag, wanted in expected.items():
        section = page.locator(".opblock-tag-section").filter(
            has=page.locator(f'h3[data-tag="{tag}"]'))
        expect(section.locator(".opblock")).to_have_count(len(wanted))
        shown = {
            (block.locator(".opblock-summary-method").inner_text(),
             block.locator(".opblock-summary-path").get_attribute("data-path"))
            for block in section.locator(".opblock").all()
        }
        assert shown == wanted, tag
    assert docs.errors == []
    assert docs.elsewhere() == []
    # Every asset came from the service itself, and was found.
    assets = [r for r in docs.requests if "/api/v1/docs/assets/" in r.url]
    assert len(assets) >= 4 and all(r.response().status == 200 for r in assets)


def test_a_reader_authorizes_and_lists_phone_numbers(chromium, docs_url, gunicorn, make_key):
    key = make_key("alice")
    status, _, body = gunicorn.request("POST", PROVIDERS,
                                       {"provider": "twilio", "credentials": TWILIO}, bearer(key))
    assert status == 201, body
    status, _, body = gunicorn.request(
        "POST", NUMBERS, {"e164": E164, "credentials_id": json.loads(body)["id"]}, bearer(key))
    assert status == 201, body
    number_id = json.loads(body)["id"]

    docs = Watched(chromium, "{0.scheme}://{0.netloc}".format(urlsplit(docs_url)))
    page = docs.page
    page.goto(docs_url)
    page.locator("button.authorize").first.click()
    dialog = page.locator(".dialog-ux")
    dialog.locator("input").first.fill(key)
    dialog.locator("button.authorize").click()
    expect(dialog.locator("button.authorize")).to_have_count(0)  # now "Logout"
    dialog.locator("button.btn-done").click()

    operation = page.locator("#operations-numbers-listNumbers")
    operation.locator(".opblock-summary-control").click()
    operation.locator("button.try-out__btn").click()
    # Behind nginx the page sends it to /v1/telephony/numbers, where the proxy serves it.
    path = urlsplit(docs_url).path.removesuffix("/docs") + "/telephony/numbers"
    with page.expect_response(lambda r: urlsplit(r.url).path == path) as sent:
        operation.locator("button.execute").click()
    assert sent.value.status == 200
    assert sent.value.request.headers["authorization"] == f"Bearer {key}"

    live = operation.locator(".live-responses-table .response")
    expect(live.locator(".response-col_status")).to_have_text("200")
    shown = live.locator(".response-col_description pre").first
    expect(shown).to_contain_text(number_id)
    answer = json.loads(shown.inner_text())
    assert [n["e164"] for n in answer["numbers"]] == [E164]
    assert answer["next_cursor"] is None
    assert docs.errors == []
    assert docs.elsewhere() == []
    page.close()
