"""ITAR staff access decided per nationality, and ITAR help and finding texts that quote the text.

Issue 9 items 5 and 6 (22 CFR 126.18(d) and 126.1 per nationality), issue 16 items 1, 6, 8, 10,
14, 16 and 17 (texts of steps and findings), issue 11 items 11 and 12 for modules m1, m2, m4 and
m7 ("I don't know" and unambiguous questions). The regression scenarios are in
``tests/scenarios/X_*.yaml``; this file checks what their header lines cannot: the countries a
finding names, and the wording.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import cached_ruleset
from compliance_app.rulebase.models import LIST_TYPES

SCENARIOS = Path(__file__).parent / "scenarios"
MY_MODULES = ("m1_company", "m2_case", "m4_itar", "m7_transfers")


def _run(name: str):
    answers = parse((SCENARIOS / f"{name}.yaml").read_bytes()).answers
    ev = evaluate_deal(cached_ruleset(), answers)
    assert ev.complete, ev.pending_step
    return {f.code: f for f in ev.findings}


def _flat(text: str) -> str:
    return " ".join(text.split())


# --- per nationality (issue 9 items 5 and 6, issue 16 item 6) ------------------------------------
def test_mixed_team_is_decided_nationality_by_nationality():
    found = _run("X_staff_mixed_team_per_nationality")
    assert found["EXEMPTION_124_16"].countries == ["DE", "ES", "FR"]
    assert found["STAFF_NAMED_IN_AUTHORISATION"].countries == ["BR", "DZ"]
    assert "STAFF_126_1_NATIONALITY" not in found
    # the French-Algerian colleague: the (d) finding says who it covers
    assert "every citizenship is among the countries named" in _flat(
        found["EXEMPTION_124_16"].explanation
    )


def test_a_126_1_national_gets_steps_for_a_person_and_no_contradiction():
    found = _run("X_staff_126_1_national_person_steps")
    staff = found["STAFF_126_1_NATIONALITY"]
    assert staff.countries == ["CN"]
    assert staff.groups == ["ITAR_126_1"]
    steps = " ".join(staff.next_steps)
    assert "technology control plan" in steps and "application" in steps
    for destination_step in ("Stop the transaction", "Replace the ITAR content"):
        assert destination_step not in steps
    assert "PROSCRIBED_126_1" not in found
    # the exemption names the other nationality only
    assert found["EXEMPTION_124_16"].countries == ["FR"]
    assert "ITAR exemptions do not apply" not in staff.explanation


def test_past_citizenship_counts_past_residence_does_not():
    assert "STAFF_126_1_NATIONALITY" not in _run("X_staff_past_residence_not_a_destination")
    found = _run("X_staff_past_citizenship_counts")
    assert found["STAFF_126_1_NATIONALITY"].countries == ["VE", "BY"]
    steps = cached_ruleset().steps
    assert "ever held" in steps["m7_staff_citizenships"].question.en
    assert "today" in steps["m7_staff_residences"].question.en
    quote = "has held or holds citizenship or holds permanent residency"
    assert quote in _flat(steps["m7_staff_citizenships"].help.en)
    assert "holds permanent residency" in _flat(steps["m7_staff_residences"].help.en)


def test_126_18_a_to_c_is_stated_with_its_conditions():
    rs = cached_ruleset()
    texts = [
        _flat(rs.findings["EXEMPTION_126_18"].explanation.en),
        _flat(rs.steps["m7_exemption_route"].help.en),
        _flat(rs.steps["m7_126_18c_conditions"].help.en),
    ]
    for text in texts:
        assert "cannot be implemented because of applicable domestic laws" in text or (
            "completely within the physical territory" in text
        )
    finding = texts[0]
    for words in (
        "authorized end-user or consignee (including approved sub-licensees)",
        "completely within the physical territory",
        "within the scope of an approved export license",
        "A security clearance approved by the host",
        "five years",
    ):
        assert words in finding, words
    rule = next(r for r in rs.rules if r.id == "L7.12")
    assert "five years" in rule.next_step.en and "within your country" in rule.next_step.en


def test_126_18d_needs_no_signatory_status_and_states_the_territory():
    rs = cached_ruleset()
    text = _flat(rs.findings["EXEMPTION_124_16"].explanation.en)
    assert "authorized end-user, foreign signatory, or consignee" in text
    assert "Within the physical territories" in text
    assert "unless their employer is a signatory or sublicensee" in text
    labels = [o.value for o in rs.steps["m7_126_18d_conditions"].options]
    assert {"regular_employees", "named_party", "in_territory", "no_hardware"} <= set(labels)


# --- spacecraft, launch support (issue 16 items 1, 8, 10) -----------------------------------------
def test_itar_part_in_an_ear_spacecraft_names_what_stays_itar():
    found = _run("X_spacecraft_9a515_itar_part_follows_ear")
    text = _flat(found["ITAR_PART_IN_EAR_ITEM"].explanation)
    assert "remain subject to the EAR even if defense articles described on the USML" in text
    assert "The removal of the defense article subject to the ITAR" in text
    assert "technical data" in text
    help_ = _flat(cached_ruleset().steps["m4_complete_spacecraft"].help.en)
    hint = cached_ruleset().steps["m4_complete_spacecraft"].hint.en
    assert "could not be confirmed" not in help_
    assert 'Answer "no" for subsystems, units' not in hint and "9A515 units" in hint


def test_launch_integration_help_quotes_xv_f():
    rs = cached_ruleset()
    text = _flat(rs.steps["m4_launch_support"].help.en)
    assert "regardless of the jurisdiction, ownership, or origin of the satellite" in text
    assert rs.steps["m4_launch_support"].ask_if is not None
    found = _run("X_us_person_launch_integration")
    assert {"ITAR_DEFENSE_SERVICE", "AUTH_USPAB"} <= set(found)


def test_item_jurisdiction_help_follows_120_11_and_the_xv_e_note():
    text = _flat(cached_ruleset().steps["m4_item_jurisdiction"].help.en)
    assert "Described in a catch-all paragraph that incorporates specially designed" in text
    assert "are subject to the EAR" in text
    assert "the note itself names no ECCN" in text
    assert 'or is "specially designed" for a USML item' not in text


# --- company and case texts (issue 16 items 14, 16) ----------------------------------------------
def test_other_countries_help_quotes_the_conveyance_rule():
    text = _flat(cached_ruleset().steps["m2_other_countries"].help.en)
    assert (
        "may not be shipped on a vessel, aircraft, spacecraft, or other means of conveyance" in text
    )
    assert "counts as an export" not in text


def test_us_owned_help_quotes_both_presumptions_as_guidance_for_part_129():
    text = _flat(cached_ruleset().steps["m1_us_owned"].help.en)
    assert "unless one U.S. person controls an equal or larger percentage" in text  # 120.65(b)
    assert "if no other person controls an equal or larger percentage" in text  # 120.66(b)
    assert "129.2(a)(3)" in text and "As guidance only" in text
    assert "nobody holds more" not in text


# --- issue 11 items 11 and 12 for m1, m2, m4, m7 -------------------------------------------------
KNOWN_FROM_OWN_RECORDS = {
    "m1_country": "where the company is incorporated",
    "m2_activities": "what the company wants to check",
    "m2_description": "free text",
    "m2_destination": "the country of the company's own buyer or recipient",
}


@pytest.mark.parametrize("module", MY_MODULES)
def test_every_question_a_company_may_not_know_offers_i_dont_know(module):
    rs = cached_ruleset()
    for step in rs.steps.values():
        if rs.module_of_step[step.id] != module or step.id in KNOWN_FROM_OWN_RECORDS:
            continue
        if step.type in LIST_TYPES:  # the deal's lists: the user builds them, no "I don't know"
            continue
        assert step.allow_unknown, f"{step.id} has no 'I don't know'"
        assert step.unknown is not None
        for text in (step.unknown.why, step.unknown.who, step.unknown.document):
            assert text.en.strip(), step.id


def test_questions_say_what_they_mean():
    rs = cached_ruleset()
    questions = {s.id: s.question.en for s in rs.steps.values()}
    mine = [s for s in rs.steps.values() if rs.module_of_step[s.id] in MY_MODULES]
    for step in mine:
        for text in (step.question.en, step.hint.en if step.hint else ""):
            assert "country named in the US approval" not in text, step.id
            assert "the result" not in text, step.id
    happened = questions["m2_already_happened"]
    for kind in ("bought", "shipped", "shared", "performed"):
        assert kind in happened
    assert "received it" not in questions["m7_onward"]
    assert "your item, or the item in the deal" not in questions["m4_usml_type"]
