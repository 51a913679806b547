"""The results page names the countries a finding is about (AppTest, shipped rule base)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from compliance_app.rulebase.loader import DEFAULT_RULES_DIR

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
MIXED = ROOT / "tests" / "scenarios" / "X_staff_mixed_team_per_nationality.yaml"


def test_results_page_names_the_nationalities_of_each_finding(monkeypatch):
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(DEFAULT_RULES_DIR))
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    data = MIXED.read_bytes()
    at.file_uploader(key="upload").set_value((MIXED.name, data, "application/x-yaml")).run()
    assert not at.exception
    at.button(key="see_results").click().run()
    assert not at.exception
    shown = [m.value.replace("\\", "") for m in at.markdown]  # md_escape adds backslashes
    assert "**Countries concerned:** Brazil (BR), Algeria (DZ)" in shown
    assert "**Countries concerned:** Germany (DE), Spain (ES), France (FR)" in shown
