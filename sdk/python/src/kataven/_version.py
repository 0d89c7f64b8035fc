"""The SDK's version: the service's own (setup.cfg), as the SDK ships with it."""

__version__ = "0.1.0"
