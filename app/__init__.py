"""The Kataven Hub telephony service: the application factory."""

from flask import Flask

from . import db, docs_page, errors, health, logs, openapi
from .api import telephony
from .api.hot_reads import HotReads
from .carriers import Verifier
from .cli import api_keys_cli, bench_cli, carriers_cli, db_cli, sealing_cli
from .config import Config
from .proxy import TrustedProxyFix, trusted_networks
from .sealing import Sealer

MAX_BODY = 64 * 1024


def create_app(config=None):
    """Build the app; tests pass their own Config, production reads the environment."""
    config = config or Config.from_env()
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
    db.init_app(app, config)
    logs.init_app(app)
    errors.init_app(app)
    app.register_blueprint(health.bp)
    openapi.init_app(app)
    docs_page.init_app(app)
    app.register_blueprint(telephony)
    # The hot reads' ordinary answers skip Flask's per-request machinery (app/api/hot_reads.py).
    app.wsgi_app = HotReads(app, app.wsgi_app)
    app.wsgi_app = TrustedProxyFix(app.wsgi_app, trusted_networks(config.trusted_proxies))
    for group in (db_cli, api_keys_cli, sealing_cli, bench_cli, carriers_cli):
        app.cli.add_command(group)
    return app
