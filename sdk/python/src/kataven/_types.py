"""NOT_GIVEN: an argument left out, told apart from None (which the API reads as null)."""

from __future__ import annotations

from typing import Final, final


@final
class NotGiven:
    """The type of NOT_GIVEN. A PATCH leaves out every field that is NOT_GIVEN, while
    None sends null (for a number's agent_id: unpin)."""

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_GIVEN: Final = NotGiven()
