"""The application factory: the Flask app, its blueprints, the fast path and the proxy fix."""

from flask import Flask

from . import commands
from .api import docs_page, health, openapi, telephony
from .api.operations import operations
from .carriers.check import Verifier
from .config import Config
from .process.pool import Database
from .request import answers, db, logs
from .request.fast_path import FastPath
from .request.proxy import TrustedProxyFix, trusted_networks
from .sealing import Sealer

MAX_BODY = 64 * 1024


def create_app(config=None):
    """Build the app; tests pass their own Config, production reads the environment."""
    if config is None:
        with commands.failures.loading():  # a bad value: one line on the command line
            config = Config.from_env()
    app = Flask(__name__, static_folder=None)
    app.config["HUB"] = config
    app.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    # The API's methods are the contract's; OPTIONS is a 405 like any other (no browser
    # calls this API directly, so there is no CORS preflight to answer).
    app.config["PROVIDE_AUTOMATIC_OPTIONS"] = False
    # `//providers` is an unknown path (404), not a redirect to `/providers`.
    app.url_map.merge_slashes = False
    app.extensions["sealer"] = Sealer(config.sealing_public_key)
    app.extensions["carriers"] = Verifier(config)
    db.init_app(app, Database(config))
    logs.init_app(app)
    answers.init_app(app)
    app.register_blueprint(health.bp)
    docs_page.init_app(app)
    app.register_blueprint(telephony)
    openapi.init_app(app)  # after every route: the document is made from them
    # The hot reads' ordinary answers skip Flask's per-request machinery (fast_path.py).
    fast = [(path, declaration.fast, app.view_functions[endpoint])
            for path, method, declaration, endpoint in operations(app, endpoints=True)
            if method == "get" and declaration.fast is not None]
    app.wsgi_app = FastPath(app, app.wsgi_app, fast)
    app.wsgi_app = TrustedProxyFix(app.wsgi_app, trusted_networks(config.trusted_proxies))
    commands.init_app(app)
    return app
