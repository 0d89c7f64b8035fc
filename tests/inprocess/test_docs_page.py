"""GET /api/v1/docs over HTTP: a page of our own, assets served here, a strict CSP.
(tests/test_docs_browser.py runs the page in a real browser.)"""

import gzip
import re
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

from app.api import docs_page

PAGE = "/api/v1/docs"


class Links(HTMLParser):
    """The page's scripts (src, and any inline text) and linked files."""

    def __init__(self):
        super().__init__()
        self.scripts, self.inline, self.links, self.styled = [], [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "script":
            self.scripts.append(attrs.get("src"))
            self._in_script = True
        elif tag == "link":
            self.links.append(attrs["href"])
        if "style" in attrs or tag == "style" or any(a.startswith("on") for a in attrs):
            self.styled.append(tag)

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline.append(data)


def parsed(client):
    answer = client.get(PAGE)
    links = Links()
    links.feed(answer.text)
    return answer, links


def test_the_page_is_html_with_a_csp_that_allows_this_origin_only(client):
    answer = client.get(PAGE)  # no key: the page is public, as the document is
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    csp = dict(part.strip().split(" ", 1) for part in
               answer.headers["Content-Security-Policy"].split(";"))
    assert csp["default-src"] == "'self'"
    assert csp["img-src"] == "'self' data:"
    assert csp["frame-ancestors"] == "'none'" and csp["object-src"] == "'none'"
    assert not re.search(r"unsafe|https?:|\*", answer.headers["Content-Security-Policy"])
    assert answer.headers["X-Content-Type-Options"] == "nosniff"


def test_the_page_has_no_inline_script_or_style_and_loads_only_its_own_files(client):
    answer, links = parsed(client)
    assert links.inline == [] and links.styled == []
    assert None not in links.scripts
    for href in links.scripts + links.links:
        url = urljoin(f"http://hub.test{PAGE}", href)
        assert urlsplit(url).netloc == "hub.test", href  # relative: works behind /v1 too
        assert urlsplit(url).path.startswith(f"{PAGE}/assets/"), href
        assert client.get(url).status_code == 200, href


def test_an_asset_asked_for_by_its_digest_is_cached_for_good(client):
    _, links = parsed(client)
    bundle = next(s for s in links.scripts if "swagger-ui-bundle.js" in s)
    answer = client.get(f"{PAGE}/{bundle.removeprefix('docs/')}")
    assert answer.status_code == 200
    assert answer.content_type == "text/javascript; charset=utf-8"
    assert answer.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    again = client.get(f"{PAGE}/{bundle.removeprefix('docs/')}",
                       headers={"If-None-Match": answer.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""


def test_an_asset_without_its_digest_is_revalidated(client):
    answer = client.get(f"{PAGE}/assets/docs.js")
    assert answer.status_code == 200 and answer.headers["Cache-Control"] == "no-cache"
    assert b"SwaggerUIBundle(" in answer.data


def test_text_assets_go_gzipped_to_clients_that_take_it(client):
    plain = client.get(f"{PAGE}/assets/swagger-ui.css")
    zipped = client.get(f"{PAGE}/assets/swagger-ui.css", headers={"Accept-Encoding": "gzip"})
    assert "Content-Encoding" not in plain.headers
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert zipped.headers["Vary"] == "Accept-Encoding"
    assert zipped.headers["ETag"] != plain.headers["ETag"]
    assert gzip.decompress(zipped.data) == plain.data
    assert len(zipped.data) < len(plain.data) / 3


def test_an_unknown_asset_is_404_text(client):
    answer = client.get(f"{PAGE}/assets/../openapi.json")
    assert answer.status_code == 404
    answer = client.get(f"{PAGE}/assets/swagger-editor-bundle.js")
    assert (answer.status_code, answer.text, answer.mimetype) == (404, "not found\n", "text/plain")


def test_the_bundled_swagger_ui_reads_openapi_3_1():
    # Swagger UI 5 is the first to read OpenAPI 3.1, the version of our document.
    bundle = (docs_page.swagger_ui_static() / "swagger-ui-bundle.js").read_text()
    version = re.search(r'PACKAGE_VERSION:"(\d+)\.(\d+)\.(\d+)"', bundle)
    assert version and int(version[1]) >= 5, version
