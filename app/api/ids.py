"""Path ids: server-made UUIDs; any other form cannot exist."""

from ..errors import NotFound
from ..forms import UUID


def uuid_or_404(value, message):
    """The id in canonical (lower-case) form, or the same 404 as a missing row."""
    if not UUID.fullmatch(value):
        raise NotFound(message)
    return value.lower()
