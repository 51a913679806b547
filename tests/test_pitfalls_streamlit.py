"""Pitfalls S1-S6 of /work/shared/cases/pitfalls.md (Streamlit), each as a test."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from compliance_app.dossier.answers import MAX_BYTES, parse
from compliance_app.rulebase.loader import load_ruleset
from compliance_app.ui import state as ui

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
MINI = ROOT / "tests" / "fixtures" / "mini_rules"
NAME = "Müller & Söhne <GmbH>"


@pytest.fixture(autouse=True)
def mini_rules(monkeypatch):
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(MINI))


@pytest.fixture(scope="module")
def rs():
    return load_ruleset(MINI)


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.run()
    return at


def next_(at: AppTest) -> None:
    at.button(key="next").click().run()
    assert not at.exception


def start(at: AppTest, name: str) -> None:
    at.text_input(key="company_name").input(name)
    at.button(key="start").click().run()


def test_s1_answers_survive_back_and_next_and_reach_the_files(rs, downloads):
    at = new_app()
    start(at, NAME)
    at.selectbox(key="w_q_country").set_value("LU")
    next_(at)
    at.radio(key="w_q_broker").set_value("no")
    next_(at)
    at.checkbox(key="w_q_content__ear_9x515_ax").check()
    next_(at)
    assert at.session_state["page"] == "step:q_dest"
    # back to the start, then forward again without touching anything
    for _ in range(4):
        at.button(key="back").click().run()
    assert at.session_state["page"] == ui.PAGE_START
    assert at.text_input(key="company_name").value == NAME
    at.button(key="start").click().run()
    for _ in range(3):
        next_(at)
    assert at.session_state["page"] == "step:q_dest"
    expected = {"q_country": "LU", "q_broker": "no", "q_content": ["ear_9x515_ax"]}
    assert at.session_state["answers"] == expected
    assert at.session_state["company"]["name"] == NAME
    # back twice, forward once, in another order
    at.button(key="back").click().run()
    at.button(key="back").click().run()
    next_(at)
    assert at.session_state["answers"] == expected
    next_(at)
    at.selectbox(key="w_q_dest").set_value("CN")
    next_(at)
    at.text_area(key="w_q_note").input(NAME)
    next_(at)
    at.button(key="see_results").click().run()
    assert not at.exception
    assert at.session_state["company"]["name"] == NAME
    # the answers file the user downloads holds the name byte for byte
    saved = downloads["export-assessment-answers"]
    assert NAME.encode("utf-8") in saved
    af = parse(saved)
    assert af.company.name == NAME and af.answers["q_note"] == NAME
    # and so does the PDF report (text extracted from the PDF)
    from pypdf import PdfReader

    pdf = downloads["export-assessment-report"]
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert NAME in text


def test_s2_start_page_says_where_progress_lives_and_save_is_everywhere(rs, downloads):
    at = new_app()
    first = at.info[0].value  # the first thing under the title
    assert "saved on this server" in first and "nothing is sent to anyone else" in first
    assert "?draft=" in first and "answers file" in first
    start(at, NAME)
    for step_id, value in (("q_country", "LU"), ("q_broker", "idk")):
        assert "save_step" in {b.key for b in at.get("download_button")}
        assert "save_sidebar" in {b.key for b in at.get("download_button")}
        if step_id == "q_country":
            at.selectbox(key="w_q_country").set_value(value)
        else:
            at.radio(key="w_q_broker").set_value(value)
        next_(at)
    saved = downloads["export-assessment-answers"]
    answers, company = dict(at.session_state["answers"]), dict(at.session_state["company"])
    # a reload starts an empty session; the saved file restores exactly the same state
    fresh = new_app()
    assert fresh.session_state["answers"] == {}
    fresh.file_uploader(key="upload").set_value(("answers.yaml", saved, "application/x-yaml"))
    fresh.run()
    assert fresh.session_state["answers"] == answers
    assert fresh.session_state["company"] == company
    assert fresh.session_state["page"] == "step:q_content"
    assert ui.answers_file_bytes(rs, answers, company) == saved


def test_s3_uploaded_file_is_imported_once(rs):
    alpha = ui.answers_file_bytes(rs, {"q_country": "LU"}, {**ui.empty_company(), "name": "Alpha"})
    at = new_app()
    at.file_uploader(key="upload").set_value(("alpha.yaml", alpha, "application/x-yaml")).run()
    assert at.session_state["company"]["name"] == "Alpha"
    assert at.session_state["page"] == "step:q_broker"
    # the uploader (now in the sidebar) keeps handing the same file to every run
    assert at.file_uploader(key="upload").value is not None
    at.button(key="back").click().run()
    at.button(key="back").click().run()
    assert at.session_state["page"] == ui.PAGE_START
    start(at, "Beta")
    assert at.session_state["company"]["name"] == "Beta"
    at.selectbox(key="w_q_country").set_value("FR")
    next_(at)
    at.radio(key="w_q_broker").set_value("no")
    next_(at)
    at.checkbox(key="w_q_content__itar").check()
    next_(at)
    assert at.file_uploader(key="upload").value is not None
    assert at.session_state["company"]["name"] == "Beta"
    assert at.session_state["answers"]["q_country"] == "FR"
    # uploading a file again (a new upload) does import it
    at.file_uploader(key="upload").set_value(("alpha.yaml", alpha, "application/x-yaml")).run()
    assert at.session_state["company"]["name"] == "Alpha"


def test_s4_usage_statistics_are_off(monkeypatch):
    config_file = ROOT / ".streamlit" / "config.toml"
    with config_file.open("rb") as fh:
        data = tomllib.load(fh)
    assert data["browser"]["gatherUsageStats"] is False
    from streamlit import config

    monkeypatch.chdir(ROOT)
    try:
        config.get_config_options(force_reparse=True)
        assert config.get_option("browser.gatherUsageStats") is False
    finally:
        config.get_config_options(force_reparse=True)
    assert "--browser.gatherUsageStats false" in (ROOT / "Makefile").read_text(encoding="utf-8")


def test_s5_upload_limits_and_xsrf(rs, monkeypatch):
    with (ROOT / ".streamlit" / "config.toml").open("rb") as fh:
        data = tomllib.load(fh)
    assert data["server"].get("enableXsrfProtection", True) is True
    assert data["server"]["maxUploadSize"] <= 10  # MB: PDF reports; answers files 1 MB
    at = new_app()
    # no type filter in the browser (a file without extension is read by content); the server
    # refuses other types (tests/test_app_transport.py)
    assert list(at.file_uploader(key="upload").allowed_type) == []
    # an oversize file is refused before parsing, and nothing changes
    parsed = []
    monkeypatch.setattr("compliance_app.dossier.untrusted.decode", lambda b: parsed.append(b) or "")
    big = b"format: itar-ear-answers\n" + b"#" * MAX_BYTES
    at.file_uploader(key="upload").set_value(("big.yaml", big, "application/x-yaml")).run()
    assert not at.exception
    assert any("File refused" in e.value and "at most" in e.value for e in at.error)
    assert parsed == []
    assert at.session_state["answers"] == {}


def test_s6_logic_is_testable_without_streamlit():
    source = (ROOT / "compliance_app" / "ui" / "state.py").read_text(encoding="utf-8")
    assert "import streamlit" not in source and "from streamlit" not in source
    assert len(source.splitlines()) < 400
    forms = (ROOT / "compliance_app" / "ui" / "forms.py").read_text(encoding="utf-8")
    assert "import streamlit" not in forms and "from streamlit" not in forms
    # streamlit_app.py is wiring only; the pages are in compliance_app/ui_*.py modules
    assert len(Path(APP).read_text(encoding="utf-8").splitlines()) < 150
    for module in (ROOT / "compliance_app" / "ui").glob("*.py"):
        assert len(module.read_text(encoding="utf-8").splitlines()) < 400, module.name
