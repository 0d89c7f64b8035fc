"""What the system tests share: the `system` mark, given to every test in this folder."""

import pytest


def pytest_itemcollected(item):
    # pytest calls a conftest's collection hooks for the items below it only: a test
    # file added here is marked without having to say so.
    item.add_marker(pytest.mark.system)
