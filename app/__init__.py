"""The Kataven Hub telephony service."""

# The service's version, and so the OpenAPI document's and both SDKs' (tests hold them).
__version__ = "0.1.0"


def create_app(config=None):
    """The Flask app (app/factory.py). Imported only when called: gunicorn's master imports
    the worker class from app.process, and must load neither Flask nor psycopg before each
    worker has patched them for gevent (app/process/worker.py)."""
    from .factory import create_app as build

    return build(config)
