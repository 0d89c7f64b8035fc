"""Debian's chromium, driven by Playwright: the system browser through executable_path,
so Playwright's own browser downloads (out of reach here, and in CI) are never needed."""

import os
import shutil

# Headless, with nothing that phones home (updates, sync, field trials): the test sees
# only the requests the page makes. --no-sandbox: CI runs as root.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
        "--disable-component-update", "--no-first-run", "--disable-sync"]


def find_chromium():
    """The system chromium's path, or None."""
    return shutil.which("chromium", path=os.environ.get("PATH", "") + os.pathsep + "/usr/bin")


def launch(playwright, program):
    """The chromium at `program` (find_chromium()'s), headless and quiet."""
    return playwright.chromium.launch(executable_path=program, headless=True, args=ARGS)
