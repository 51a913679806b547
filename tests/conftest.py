"""Every test gets its own draft database: never ~/.local/share, never a shared server."""

from __future__ import annotations

import pytest
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage


@pytest.fixture(autouse=True)
def _private_draft_store(monkeypatch, tmp_path_factory):
    monkeypatch.delenv("COMPLIANCE_DB_URL", raising=False)
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path_factory.mktemp("drafts")))


@pytest.fixture
def downloads(monkeypatch):
    """Every file handed to a download button, by file name without the date.

    AppTest keeps no media, so the bytes are caught where Streamlit stores them.
    """
    files: dict[str, bytes] = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def spy(self, path_or_data, mimetype, kind, filename=None):
        if filename and isinstance(path_or_data, bytes):
            files[filename.rsplit("-", 3)[0]] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", spy)
    return files
