"""GET /api/v1/docs: the OpenAPI document as a page to read and try, served by the service.

Swagger UI 5 (the first to read OpenAPI 3.1) comes from the swagger-ui-py package, of
which only the static files are used. The page and its initializer are ours, with no
inline script or style, so that the Content-Security-Policy allows this origin alone;
and no asset comes from a CDN, so the page works on a host with no way out.
"""

import gzip
import hashlib
import importlib.util
import re
from pathlib import Path

from flask import Blueprint, Response, current_app, request

from ..errors import NotFound

bp = Blueprint("docs_page", __name__, url_prefix="/api/v1/docs")

OWN = Path(__file__).resolve().parent / "docs_assets"
TYPES = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8",
         ".png": "image/png"}

# Scripts, styles, requests and frames from this origin only; images also as data: URIs
# (Swagger UI's icons). Nothing inline, nothing from elsewhere.
CSP = ("default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; "
       "form-action 'self'; frame-ancestors 'none'")
COMMON = {"X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
# An asset asked for with its digest (as the page does) never changes at that URL.
FOREVER = "public, max-age=31536000, immutable"


def swagger_ui_static():
    """swagger-ui-py's static folder, found without importing the package (which would
    bring in its template and YAML machinery for nothing)."""
    spec = importlib.util.find_spec("swagger_ui")
    return Path(spec.submodule_search_locations[0]) / "static"


class Asset:
    """A file the page loads: its bytes, type and digest; gzipped once when first asked."""

    def __init__(self, path):
        self.body = path.read_bytes()
        self.content_type = TYPES[path.suffix]
        self.digest = hashlib.sha256(self.body).hexdigest()[:16]
        self._gzipped = None

    def gzipped(self):
        if self._gzipped is None:
            self._gzipped = gzip.compress(self.body, compresslevel=6, mtime=0)
        return self._gzipped


def load_assets():
    static = swagger_ui_static()
    files = {name: static / name for name in (
        "swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")}
    files.update({name: OWN / name for name in ("docs.js", "docs.css")})
    return {name: Asset(path) for name, path in files.items()}


def page_html(assets):
    """docs.html with each {asset} replaced by its digest (the cache key of its URL)."""
    html = (OWN / "docs.html").read_text()
    return re.sub(r"\{([a-z0-9.-]+)\}", lambda m: assets[m[1]].digest, html).encode()


def init_app(app):
    assets = load_assets()
    app.extensions["docs_page"] = {"assets": assets, "html": page_html(assets)}
    app.register_blueprint(bp)


@bp.get("")
def page():
    html = current_app.extensions["docs_page"]["html"]
    return Response(html, content_type="text/html; charset=utf-8", headers={
        **COMMON, "Content-Security-Policy": CSP, "Cache-Control": "no-cache"})


@bp.get("/assets/<name>")
def asset(name):
    found = current_app.extensions["docs_page"]["assets"].get(name)
    if found is None:
        raise NotFound("not found")
    headers = {**COMMON, "Vary": "Accept-Encoding",
               "Cache-Control": FOREVER if request.args.get("v") == found.digest else "no-cache"}
    body, etag = found.body, found.digest
    if request.accept_encodings["gzip"] > 0 and found.content_type.startswith("text/"):
        body, etag = found.gzipped(), f"{found.digest}-gzip"
        headers["Content-Encoding"] = "gzip"
    answer = Response(body, content_type=found.content_type, headers=headers)
    answer.set_etag(etag)
    return answer.make_conditional(request)
