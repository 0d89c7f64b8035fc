"""Service endpoints, no key needed: /healthz (the process serves), /readyz (it can work)."""

from flask import Blueprint, Response, current_app

from ..request.answers import TEXT, text

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    # Touches nothing else: a load balancer's liveness check must not fail with the database.
    return ok()


@bp.get("/readyz")
def readyz():
    missing = []
    if not current_app.extensions["db"].ping():
        missing.append("database unavailable")
    sealer = current_app.extensions["sealer"]
    if not sealer.available:
        missing.append(f"sealing key unavailable ({sealer.problem})")
    if missing:
        return text(503, "; ".join(missing))
    return ok()


def ok():
    """The word a load balancer's check reads, as it always was (errors end in a newline)."""
    return Response("ok", 200, content_type=TEXT)
