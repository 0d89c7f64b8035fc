"""The endpoints: under /api/v1/telephony one blueprint per resource, each route needing an
API key; and the service's own (health, the OpenAPI document, the docs page)."""

from flask import Blueprint

from ..request import auth
from ..request.parsing import read_body_first, refuse_unknown_parameters
from . import events, numbers, providers, routes

PREFIX = "/api/v1/telephony"

telephony = Blueprint("telephony", __name__, url_prefix=PREFIX)
telephony.before_request(read_body_first)
telephony.before_request(auth.authenticate)
telephony.before_request(refuse_unknown_parameters)
telephony.after_request(auth.confirm)
telephony.register_blueprint(providers.bp)
telephony.register_blueprint(numbers.bp)
telephony.register_blueprint(events.bp)
telephony.register_blueprint(routes.bp)
