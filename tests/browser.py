"""Debian's chromium, driven by Playwright (whose own browser downloads are not needed)."""

import os
import shutil


def find_chromium():
    """The system chromium's path, or None."""
    return shutil.which("chromium", path=os.environ.get("PATH", "") + os.pathsep + "/usr/bin")
