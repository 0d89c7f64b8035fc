"""The local PostgreSQL helper: where `make run` keeps its cluster."""

import hashlib
import os

import pytest

from devtools import localpg


def fallback_for(checkout):
    preferred = (checkout / ".localdb").resolve()
    return f"/var/tmp/kataven-hub-{hashlib.sha256(str(preferred).encode()).hexdigest()[:12]}"


def test_the_cluster_stays_in_the_checkout_when_it_can(tmp_path, monkeypatch):
    monkeypatch.setattr(localpg, "can_reach", lambda *args, **kwargs: True)
    assert localpg.kept_dir(tmp_path) == (tmp_path / ".localdb").resolve()


def test_a_shared_fallback_folder_that_is_a_link_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(localpg, "can_reach", lambda *args, **kwargs: False)
    fallback = fallback_for(tmp_path)
    os.symlink(tmp_path, fallback)
    try:
        with pytest.raises(RuntimeError, match="not this user's own folder"):
            localpg.kept_dir(tmp_path)
    finally:
        os.unlink(fallback)
