"""Issue 10: the deal engine. Several items, destinations and people groups; the bill of
materials gives a de minimis worksheet per destination; findings name what they are about; the
lists and scopes are checked by the loader."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from compliance_app.engine import deal
from compliance_app.engine.deal_migrate import migrate_case
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import (
    DEFAULT_RULES_DIR,
    RulesetError,
    cached_ruleset,
    load_ruleset,
)
from tests.deal_cases import pcu_deal

DAY = dt.date(2026, 12, 7)


@pytest.fixture(scope="module")
def rs():
    return cached_ruleset()


def rows(ev):
    return {(r.item, r.destination, r.group): r for r in ev.matrix}


def test_pcu_deal_gives_a_cell_per_item_destination_and_group(rs):
    ev = evaluate_deal(rs, pcu_deal(), on=DAY)
    assert ev.complete
    cells = rows(ev)
    fr = cells[("PCU-200", "Prime SA, France (FR)", "")]
    india = cells[("PCU-200", "Operator Ltd, India (IN)", "")]
    for r in (fr, india):  # 16,000 of 120,000 EUR = 13.3 %, at or below 25 % (734.4(d))
        assert r.jurisdiction == "not_subject" and r.us_authorization_needed == "no"
        assert "13.3 %" in r.calculation and "25 %" in r.calculation
    groups = {k[2]: r for k, r in cells.items() if k[2]}
    assert groups["Chinese national resident in Luxembourg"].access == "barred"
    assert groups["Indian engineers"].access == "named"
    assert groups["EU engineers"].access == "exemption"
    assert all(r.jurisdiction == "ITAR" for r in groups.values())
    # the headline comes from the cells, and says which one decides it
    assert ev.us_authorization_needed == "yes"
    assert ev.driver.startswith("US prime ICD drawings")


def test_worksheets_are_per_destination_from_the_bill_of_materials(rs):
    ev = evaluate_deal(rs, pcu_deal(), on=DAY)
    by_dest = {w["destination"]: w for w in ev.worksheets}
    assert set(by_dest) == {"FR", "IN"}
    for w in by_dest.values():
        assert w["status"] == "below" and w["level"] == 25.0
        counted = [line["part"] for line in w["lines"] if line["counts"] == "yes"]
        assert counted == ["RT4G150 rad-hard FPGA"]
    # a destination in Country Group D:5 has no de minimis level for 9x515 content
    answers = pcu_deal()
    answers["m2_destinations"].append(
        {
            "id": "dest3",
            "name": "Reseller",
            "country": "CN",
            "role": "consignee",
            "items": ["item1"],
        }
    )
    ev = evaluate_deal(rs, answers, on=DAY)
    china = {w["destination"]: w for w in ev.worksheets}["CN"]
    assert china["status"] == "zero_rule"
    pending = ev.pending_step or ""
    assert pending.startswith("m2_") and pending.endswith("dest3")  # China's questions come next


def test_an_unknown_line_makes_de_minimis_indeterminate_never_a_pass(rs):
    answers = pcu_deal()
    answers["m2_items"][0]["bom"].append(
        {
            "part": "US star sensor",
            "origin": "US",
            "classification": "7A004",
            "value": None,
            "currency": "EUR",
            "licence_to": "all",
        }
    )
    ev = evaluate_deal(rs, answers, on=DAY)
    ws = {w["destination"]: w for w in ev.worksheets}
    assert ws["FR"]["status"] == "unknown" and ws["FR"]["unknown_lines"] == 1
    cells = rows(ev)
    fr = cells[("PCU-200", "Prime SA, France (FR)", "")]
    assert fr.us_authorization_needed != "no" and fr.jurisdiction == "undetermined"
    assert "NOT_SUBJECT_EAR_DE_MINIMIS" not in fr.causes
    assert any(q.step_id == "m5_us_value@item1+dest1" for q in ev.open_questions)


def test_findings_name_what_they_are_about(rs):
    ev = evaluate_deal(rs, pcu_deal(), on=DAY)
    about = {f.code: f.about for f in ev.findings}
    assert about["ITAR_TECHNICAL_DATA"] == ["US prime ICD drawings"]
    assert about["STAFF_126_1_NATIONALITY"] == ["Chinese national resident in Luxembourg"]
    assert about["NOT_SUBJECT_EAR_DE_MINIMIS"] == [
        "PCU-200 → Prime SA, France (FR)",
        "PCU-200 → Operator Ltd, India (IN)",
    ]
    assert about["KEEP_RECORDS"] == []  # about the whole deal
    # no cell is both "no authorisation needed" and in need of one
    no_auth = set(about.get("NO_US_AUTH_NEEDED", []))
    for r in ev.matrix:
        label = " → ".join(x for x in (r.item, r.destination, r.group) if x)
        if r.authorisations:
            assert label not in no_auth


def test_questions_per_item_are_asked_per_item_by_name(rs):
    answers = {k: v for k, v in pcu_deal().items() if not k.startswith("m2_activities")}
    dw = deal.deal_walk(rs, answers, DAY)
    assert dw.pending == "m2_activities@item1"
    assert dw.about("m2_activities@item1") == "PCU-200"
    assert "m2_activities@item2" in dw.path
    # filled from the lists and the bill of materials: never asked
    asked = {deal.split(q)[0] for q in deal.deal_walk(rs, pcu_deal(), DAY).path}
    assert not asked & {
        "m2_description",
        "m2_destination",
        "m7_staff_citizenships",
        "m4_content_kinds",
        "m5_us_value",
    }


def test_an_item_sent_nowhere_stays_in_the_company_country(rs):
    answers = pcu_deal()
    cells = deal.cells(rs, answers, DAY)
    drawings = [c for c in cells if c.cell.item["id"] == "item2"]
    assert {c.answers["m2_destination"] for c in drawings} == {"LU"}
    assert {c.cell.group["id"] for c in drawings} == {"group1", "group2", "group3"}


def test_one_case_answers_migrate_to_a_one_item_deal(rs):
    case = {
        "m1_country": "LU",
        "m1_us_owned": "not_us_owned",
        "m1_icp": "written",
        "m2_activities": ["sell_own_product"],
        "m2_description": "Star tracker ST-1",
        "m2_destination": "FR",
        "m3_us_content": "no",
        "m3_us_technology": "none",
        "m2_other_countries": [],
        "m2_end_use": "civil",
        "m2_already_happened": "no",
    }
    migrated, notes = migrate_case(rs, case)
    assert migrated["m2_items"][0]["name"] == "Star tracker ST-1"
    assert migrated["m2_destinations"][0]["country"] == "FR"
    assert migrated["m3_us_content@item1"] == "no"
    assert migrated["m2_end_use@dest1"] == "civil"
    assert notes and "one item" in notes[0]
    assert migrate_case(rs, migrated) == (migrated, [])  # a deal is left as it is


def _copy_rules(tmp_path):
    dest = tmp_path / "rules"
    shutil.copytree(DEFAULT_RULES_DIR, dest)
    return dest


def test_the_loader_checks_what_a_rule_is_about(tmp_path):
    rules = _copy_rules(tmp_path)
    path = rules / "modules" / "m10_baseline.yaml"
    text = path.read_text()
    assert "- id: L10.3\n  about: [item, destination]\n" in text
    path.write_text(text.replace("- id: L10.3\n  about: [item, destination]\n", "- id: L10.3\n"))
    with pytest.raises(RulesetError) as exc:
        load_ruleset(rules)
    assert "rule L10.3 reads answers given per" in str(exc.value)
    assert "about: [item, destination]" in str(exc.value)


def test_the_loader_refuses_a_step_asked_per_item_before_the_items_exist(tmp_path):
    rules = _copy_rules(tmp_path)
    path = rules / "modules" / "m1_company.yaml"
    text = path.read_text()
    path.write_text(
        text.replace("- id: m1_icp\n  type: one\n", "- id: m1_icp\n  type: one\n  scope: [item]\n")
    )
    with pytest.raises(RulesetError) as exc:
        load_ruleset(rules)
    assert "comes before the list of items ('m2_items')" in str(exc.value)


def test_the_deal_examples_load_and_give_a_result_per_destination(rs):
    from compliance_app.dossier.answers import parse
    from testkit.server import ROOT

    pcu = parse((ROOT / "examples" / "deal_pcu_france_india_mixed_team.yaml").read_bytes(), rs)
    assert pcu.format_version == 2 and not pcu.notes
    assert pcu.answers == pcu_deal()
    star = parse((ROOT / "examples" / "deal_star_tracker_france_india_uae.yaml").read_bytes(), rs)
    ev = evaluate_deal(rs, star.answers, on=DAY)
    assert ev.complete
    ws = {w["destination"]: w for w in ev.worksheets}
    # the same 25 % level (734.4(d)) for all three, but not the same counted content: the SRAM
    # needs a licence to the UAE only, so the UAE alone is above the level
    assert {d: (w["level"], w["status"]) for d, w in ws.items()} == {
        "FR": (25.0, "below"),
        "IN": (25.0, "below"),
        "AE": (25.0, "exceeded"),
    }
    cells = {r.destination.split(", ")[-1]: r for r in ev.matrix}
    assert cells["United Arab Emirates (AE)"].authorisations == ["AUTH_BIS_LICENSE"]
    assert cells["France (FR)"].us_authorization_needed == "no"
    assert ev.driver.endswith("United Arab Emirates (AE)")


def test_a_destination_receiving_no_listed_item_is_asked_again_not_dropped(rs):
    answers = pcu_deal()
    answers["m2_destinations"][0]["items"] = ["item9"]  # hand-edited file: an unknown item
    ev = evaluate_deal(rs, answers, on=DAY)
    assert ev.pending_step == "m2_destinations" and not ev.complete
    assert ev.us_authorization_needed != "no"


def test_a_bill_with_us_lines_answers_the_us_content_question(rs):
    answers = pcu_deal()
    answers["m3_us_content@item1"] = "no"  # contradicts the bill of materials
    answers["m2_destinations"].append(
        {"id": "dest3", "name": "Sino Sat", "country": "CN", "role": "customer", "items": ["item1"]}
    )
    cells = deal.cells(rs, answers, DAY)
    china = next(c for c in cells if c.cell.destination and c.cell.destination["id"] == "dest3")
    assert china.answers["m3_us_content"] == "yes" and "m3_us_content" in china.auto
    assert "m3_us_content@item1" not in deal.deal_walk(rs, answers, DAY).path  # never asked
