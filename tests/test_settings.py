"""Every environment setting is checked at start with a clear message for the operator, and a
wrong one never becomes a traceback for the visitor (issue 11, item 5)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from compliance_app.storage import db
from compliance_app.storage.store import DraftStore, StorageError
from compliance_app.ui import settings

ROOT = Path(__file__).resolve().parent.parent
MINI = ROOT / "tests" / "fixtures" / "mini_rules"


@pytest.mark.parametrize("raw", ["inf", "-inf", "nan", "0", "-1", "36501", "1e400", "abc", "3O"])
def test_a_wrong_retention_is_named_with_its_value(raw):
    (problem,) = settings.problems({"COMPLIANCE_RETENTION_DAYS": raw})
    assert problem.startswith("COMPLIANCE_RETENTION_DAYS must be a number of days")
    assert repr(raw) in problem


@pytest.mark.parametrize("raw", ["30", "0.5", "36500", "1e2"])
def test_a_valid_retention_passes(raw):
    assert settings.problems({"COMPLIANCE_RETENTION_DAYS": raw}) == []


def test_a_wrong_database_url_is_named_without_repeating_it():
    (problem,) = settings.problems({"COMPLIANCE_DB_URL": "mysql://admin:hunter2@db/x"})
    assert "COMPLIANCE_DB_URL" in problem and "hunter2" not in problem
    assert settings.problems({"COMPLIANCE_DB_URL": "postgresql://u:p@h/db"}) == []
    assert settings.problems({"COMPLIANCE_DB_URL": "sqlite:////tmp/x.sqlite3"}) == []


def test_a_data_folder_that_is_a_file_and_a_missing_rules_folder_are_named(tmp_path):
    a_file = tmp_path / "file"
    a_file.write_text("x")
    found = settings.problems(
        {"COMPLIANCE_DATA_DIR": str(a_file / "data"), "COMPLIANCE_RULES_DIR": str(tmp_path / "no")}
    )
    assert any(p.startswith("COMPLIANCE_RULES_DIR must be the folder") for p in found)
    assert any(p.startswith("COMPLIANCE_DATA_DIR") for p in found)
    assert settings.problems({"COMPLIANCE_DATA_DIR": str(tmp_path / "new" / "sub")}) == []


def test_an_infinite_retention_is_a_storage_error_not_an_overflow(monkeypatch, tmp_path, caplog):
    monkeypatch.setenv("COMPLIANCE_RETENTION_DAYS", "inf")
    with pytest.raises(StorageError) as info:
        DraftStore(f"sqlite:///{tmp_path / 'd.sqlite3'}")
    assert str(info.value) == db.UNAVAILABLE
    assert "COMPLIANCE_RETENTION_DAYS must be a number of days" in caplog.text


def test_the_app_runs_with_a_wrong_setting_and_logs_it(monkeypatch, caplog):
    from compliance_app.ui import session

    monkeypatch.setattr(session, "_LOGGED", set())  # logged once per process
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(MINI))
    monkeypatch.setenv("COMPLIANCE_RETENTION_DAYS", "inf")
    at = AppTest.from_file(str(ROOT / "streamlit_app.py"), default_timeout=30).run()
    assert not at.exception
    at.text_input(key="company_name").input("Inf SA")
    at.button(key="start").click().run()
    assert not at.exception
    assert at.session_state["page"].startswith("step:")
    assert any("not saved here" in w.value for w in at.warning)
    assert "setting refused: COMPLIANCE_RETENTION_DAYS" in caplog.text


def test_make_run_checks_the_settings_first():
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    run = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    assert run.index("compliance_app.ui.settings") < run.index("streamlit run")
    env = {"PATH": "/usr/bin:/bin", "COMPLIANCE_RETENTION_DAYS": "inf", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-m", "compliance_app.ui.settings"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    assert "Setting refused: COMPLIANCE_RETENTION_DAYS" in done.stderr
