"""Fixes from the new-user trial (/tmp/newuser_report.md) and accessibility basics, with AppTest
on the mini rule base (tests/fixtures/mini_rules)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from test_app import APP, EAR_CASE, MINI, answer, new_app, start, walk_all

from compliance_app.rulebase.loader import load_ruleset
from compliance_app.ui import forms, session
from compliance_app.ui import state as ui

ROOT = Path(__file__).resolve().parent.parent
UI_SOURCES = [Path(APP), *sorted((ROOT / "compliance_app" / "ui").glob("*.py"))]


@pytest.fixture(autouse=True)
def mini_rules(monkeypatch):
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(MINI))


@pytest.fixture(scope="module")
def rs():
    return load_ruleset(MINI)


def errors(at) -> str:
    return " ".join(e.value.replace("\\", "") for e in at.error)


def test_long_pasted_text_is_kept_and_refused_with_a_reason(rs):
    at = new_app()
    start(at)
    walk_all(at, rs, EAR_CASE)
    at.button(key="change_q_note").click().run()
    long = "x" * 2001
    at.text_area(key="w_q_note").input(long)  # no max_chars: the widget keeps all of it
    at.button(key="next").click().run()
    assert at.session_state["page"] == "step:q_note"
    assert "Shorten this to at most 2,000 characters; you entered 2,001." in errors(at)
    assert at.text_area(key="w_q_note").value == long
    assert at.session_state["answers"]["q_note"] == EAR_CASE["q_note"]
    answer(at, rs, "q_note", "x" * 2000)
    assert at.session_state["page"] == ui.PAGE_REVIEW


def test_company_name_is_required_and_limited(rs):
    at = new_app()
    at.button(key="start").click().run()
    assert at.session_state["page"] == ui.PAGE_START
    assert "There is a problem" in errors(at) and "Enter the company name." in errors(at)
    at.text_input(key="company_name").input("A" * 301)
    at.text_input(key="company_contact").input("C" * 305)
    at.button(key="start").click().run()
    assert at.session_state["page"] == ui.PAGE_START
    assert "Shorten this to at most 300 characters; you entered 301." in errors(at)
    assert "you entered 305" in errors(at)
    assert at.text_input(key="company_name").value == "A" * 301  # nothing dropped
    at.text_input(key="company_contact").input("")
    start(at, "Alpha")
    assert at.session_state["page"] == "step:q_country"
    assert not at.error


def test_optional_fields_are_marked():
    at = new_app()
    labels = {w.key: w.label for w in at.text_input}
    assert labels == {
        "company_name": "Company name",
        "company_contact": "Contact person (optional)",
        "company_assessment_title": "Assessment title (optional)",
    }


def test_country_is_asked_once_and_kept_in_the_company(rs):
    at = new_app()
    assert not [s for s in at.selectbox if s.key == "company_country"]
    start(at)
    answer(at, rs, "q_country", "LU")
    assert at.session_state["company"]["country"] == "LU"
    at.button(key="back").click().run()
    answer(at, rs, "q_country", "DE")
    assert at.session_state["company"]["country"] == "DE"
    assert forms.sync_company_country(rs, {"q_country": "idk"}, {"country": "DE"}) == {
        "country": ""
    }
    assert forms.sync_company_country(rs, {}, {"country": "DE"}) == {"country": "DE"}


def test_country_labels_find_codes_and_common_names():
    labels = forms.country_labels()
    assert labels is forms.country_labels()  # computed once per process
    assert labels["TR"].startswith("Türkiye (TR)") and "Turkey" in labels["TR"]
    assert "Turkiye" in labels["TR"]
    assert "Czech Republic" in labels["CZ"] and "Great Britain" in labels["GB"]
    assert "South Korea" in labels["KR"] and "Cote" in labels["CI"] and "Reunion" in labels["RE"]
    assert labels["LU"] == "Luxembourg (LU)"
    order = list(labels)
    assert order.index("TR") < order.index("TV")  # Türkiye before Tuvalu
    assert forms.country_short_labels()["TR"] == "Türkiye (TR)"


def test_country_picker_uses_the_labels(rs):
    at = new_app()
    start(at)
    box = at.selectbox(key="w_q_country")
    assert box.label.startswith("Country")
    assert "Türkiye (TR), also Turkiye, Turkey" in box.options


def test_answers_file_is_serialised_once_per_run(rs, monkeypatch):
    calls = []
    real = session.dump

    def counting(*args, **kwargs):
        calls.append(1)
        return real(*args, **kwargs)

    monkeypatch.setattr(session, "dump", counting)
    at = new_app()
    start(at)
    walk_all(at, rs, EAR_CASE)
    calls.clear()
    at.button(key="see_results").click().run()
    keys = {b.key for b in at.get("download_button")}
    assert {"save_results", "save_sidebar", "pdf"} <= keys
    assert len(calls) <= 1  # at most once per run; not at all when nothing changed (issue 13)


def test_save_progress_where_the_note_says(rs):
    at = new_app()
    assert "Save progress" in at.info[0].value and "in the sidebar" in at.info[0].value
    start(at)
    answer(at, rs, "q_country", "LU")
    keys = {b.key for b in at.get("download_button")}
    assert {"save_step", "save_sidebar"} <= keys
    at.button(key="back").click().run()
    at.button(key="back").click().run()
    assert at.session_state["page"] == ui.PAGE_START
    assert "save_start" in {b.key for b in at.get("download_button")}


def test_every_input_has_a_visible_label():
    for path in UI_SOURCES:
        source = path.read_text(encoding="utf-8")
        assert "label_visibility" not in source, path


def test_button_names(rs):
    at = new_app()
    names = {b.key: b.label for b in at.button}
    assert names["start"] == "Start now"
    assert names["adviser_mode"] == "I am an adviser: review an assessment"
    start(at)
    names = {b.key: b.label for b in at.button}
    assert (names["back"], names["next"]) == ("Back", "Next")
    assert names["delete_data"] == "Delete my data"
    saves = {b.key: b.label for b in at.get("download_button")}
    assert saves["save_step"] == "Save progress (download answers file)"
    walk_all(at, rs, EAR_CASE)
    names = {b.key: b.label for b in at.button}
    assert names["see_results"] == "See results"
    question = rs.steps["q_broker"].question.en
    assert re.sub(r"\\(.)", r"\1", names["change_q_broker"]) == f"Change {question}"
    assert names["change_company"] == "Change company details"
