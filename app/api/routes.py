"""/routes: who answers a dialled number, for the platform's router (platform keys only)."""

from flask import Blueprint

from ..errors import invalid_parameter
from ..forms import E164
from ..queries import routes
from .operations import operation
from .reads import One
from .schemas import Route, is_valid_e164

bp = Blueprint("routes", __name__, url_prefix="/routes")
NOT_FOUND = "phone number not found"


class RouteOf(One):
    """A number's route, by the number itself (its path segment, `+` included); it names
    its account, so X-Account-ID is not needed.

    Only registered numbers have routes, and each was valid when registered: so the
    number's full check (libphonenumber: 25 us, some 5% of a route's CPU) is made only when
    no route is found, to tell an invalid number (400) from an unregistered one (404).
    """

    def key(self, value):
        return value if E164.fullmatch(value) else None

    def refusal(self, _value):
        return invalid_parameter("e164", "not a valid E.164 phone number")

    def missing(self, value):
        return super().missing(value) if is_valid_e164(value) else self.refusal(value)


def route_json(conn, account_id, e164, key_hash=None):
    """The route's JSON and the account it belongs to, or None."""
    return routes.get(conn, e164, account_id, key_hash)


ROUTE = RouteOf(route_json, NOT_FOUND)


@bp.get("/<e164>")
@operation("getRoute", "Who answers a dialled number, and the credential to dial with",
           answer=Route, errors=(404,), fast=ROUTE, checks_key=True,
           platform_only="routes need a platform key", account_optional=True)
def get(e164):
    return ROUTE.answer(e164)
