"""Path ids: server-made UUIDs; any other form cannot exist."""

import re

from ..errors import NotFound

UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")


def uuid_or_404(value, message):
    """The id in canonical (lower-case) form, or the same 404 as a missing row."""
    if not UUID.fullmatch(value):
        raise NotFound(message)
    return value.lower()
