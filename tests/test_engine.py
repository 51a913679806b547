"""Engine on the small fixture rule base: path, branching, findings, overall result."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance_app.engine.evaluation import evaluate, walk
from compliance_app.rulebase.loader import load_ruleset

MINI = Path(__file__).parent / "fixtures" / "mini_rules"

BASE = {"q_country": "LU", "q_broker": "no", "q_note": "n/a"}


@pytest.fixture(scope="module")
def rs():
    return load_ruleset(MINI)


def test_empty_answers_ask_the_first_question_and_never_say_no(rs):
    ev = evaluate(rs, {})
    assert ev.pending_step == "q_country" and not ev.complete
    assert ev.jurisdiction == "undetermined"
    assert ev.us_authorization_needed == "undetermined"
    assert "NO_US_AUTH_NEEDED" not in ev.codes()


def test_zero_rule_skips_the_value_questions(rs):
    ev = evaluate(rs, {**BASE, "q_content": ["ear_9x515_ax"], "q_dest": "CN"})
    assert ev.path == ["q_country", "q_broker", "q_content", "q_dest", "q_note"]
    assert ev.complete
    assert (ev.jurisdiction, ev.us_authorization_needed) == ("EAR", "yes")
    assert ev.codes() == ["SUBJECT_EAR_NO_DE_MINIMIS_D5"]
    assert "15 CFR 734.4(a)(6)" in ev.calculations[0]


def test_below_de_minimis_is_not_subject_and_no(rs):
    answers = {**BASE, "q_content": ["ear_9x515_ax"], "q_dest": "DE"}
    ev = evaluate(rs, {**answers, "q_us_value": 12.0, "q_total_value": 100.0})
    assert (ev.jurisdiction, ev.us_authorization_needed) == ("not_subject", "no")
    assert set(ev.codes()) == {
        "NOT_SUBJECT_EAR_DE_MINIMIS",
        "NOT_SUBJECT_US_EXPORT_CONTROLS",
        "NO_US_AUTH_NEEDED",
    }
    assert "12.0 %" in ev.calculations[0] and "25 %" in ev.calculations[0]


def test_idk_is_an_open_question_never_a_silent_no(rs):
    answers = {**BASE, "q_content": ["ear_other_ccl"], "q_dest": "DE"}
    ev = evaluate(rs, {**answers, "q_us_value": "idk", "q_total_value": 100.0})
    assert ev.jurisdiction == "undetermined"
    assert ev.us_authorization_needed == "undetermined"
    assert [q.step_id for q in ev.open_questions] == ["q_us_value"]
    assert ev.open_questions[0].who == "Purchasing"
    assert "OPEN_QUESTION_ADVISER" in ev.codes()
    assert "NO_US_AUTH_NEEDED" not in ev.codes()


def test_changing_an_earlier_answer_recomputes_the_path_and_keeps_later_answers(rs):
    answers = {**BASE, "q_content": ["ear_other_ccl"], "q_dest": "DE"}
    answers |= {"q_us_value": 40.0, "q_total_value": 100.0}
    assert evaluate(rs, answers).jurisdiction == "EAR"
    answers["q_dest"] = "CN"  # other CCL content to CN: no zero rule, still asks values
    answers["q_content"] = ["ear_9x515_ax"]
    ev = evaluate(rs, answers)
    assert "q_us_value" not in ev.path
    assert ev.unused_answers == ["q_us_value", "q_total_value"]
    assert answers["q_us_value"] == 40.0  # kept, not used


def test_us_company_ends_the_questioning(rs):
    ev = evaluate(rs, {"q_country": "US", "q_broker": "yes"})
    assert ev.path == ["q_country"] and ev.complete
    assert ev.unused_answers == ["q_broker"]
    assert ev.codes()[0] == "US_COMPANY"


def test_unconfirmed_citation_attaches_verify_and_traces_the_rule(rs):
    ev = evaluate(rs, {**BASE, "q_broker": "yes", "q_content": ["itar"], "q_dest": "FR"})
    assert (ev.jurisdiction, ev.us_authorization_needed) == ("ITAR", "yes")
    broker = next(f for f in ev.findings if f.code == "BROKER")
    assert broker.fired_by[0].rule_id == "L1.2"
    assert broker.fired_by[0].steps == ["q_broker"]
    verify = next(f for f in ev.findings if f.code == "VERIFY_CURRENT_RULE")
    assert "L1.2" in (verify.derived or "")


def test_findings_are_sorted_by_severity(rs):
    ev = evaluate(rs, {**BASE, "q_broker": "yes", "q_content": ["ear_9x515_ax"], "q_dest": "CN"})
    order = ["critical", "high", "medium", "low", "info"]
    ranks = [order.index(f.severity) for f in ev.findings]
    assert ranks == sorted(ranks)
    assert (ev.jurisdiction, ev.us_authorization_needed) == ("mixed", "yes")


def test_invalid_stored_answer_is_asked_again(rs):
    path, visible, pending = walk(rs, {"q_country": "XX"})
    assert pending == "q_country" and visible == {}


def test_trail_shows_labels_country_names_and_units(rs):
    answers = {**BASE, "q_content": ["ear_other_ccl"], "q_dest": "DE"}
    ev = evaluate(rs, {**answers, "q_us_value": 1234.5, "q_total_value": 100000.0})
    texts = {t.step_id: t.answer_text for t in ev.trail}
    assert texts["q_country"] == "Luxembourg (LU)"
    assert texts["q_content"] == "Other CCL"
    assert texts["q_us_value"] == "1,234.50 EUR"
    assert texts["q_broker"] == "No"
