"""Every test gets its own draft database: never ~/.local/share, never a shared server."""

from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def _private_draft_store(monkeypatch, tmp_path_factory):
    monkeypatch.delenv("COMPLIANCE_DB_URL", raising=False)
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path_factory.mktemp("drafts")))
