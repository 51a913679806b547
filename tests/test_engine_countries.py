"""Country tests that pick countries out of an answer, and findings that name them.

``{country: STEP, in_group: G, not_in_group: [H], other_than: STEP2}`` (docs/rule-format.md) on a
small rule base: the mini fixture plus a staff module asking the company's country and the staff
nationalities, with one rule per kind of nationality (the way 22 CFR 126.18(d) and 126.1 are
decided per nationality in the shipped rules).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from pydantic import ValidationError

from compliance_app.engine.evaluation import evaluate
from compliance_app.rulebase.loader import RulesetError, load_ruleset
from compliance_app.rulebase.models import Condition

MINI = Path(__file__).parent / "fixtures" / "mini_rules"

STAFF = {
    "id": "c_staff",
    "title": "Staff",
    "source": "test",
    "regulation_text_date": "2026-09-01",
    "last_reviewed": "2026-11-29",
    "status": "active",
    "steps": [
        {
            "id": "q_staff",
            "type": "countries",
            "question": "Staff nationalities?",
            "allow_unknown": True,
            "unknown": {"blocks": "authorization", "why": "w", "who": "HR", "document": "list"},
        }
    ],
    "rules": [
        {
            "id": "L9.1",
            "title": "Proscribed nationality",
            "when": {"country": "q_staff", "in_group": "D5"},
            "findings": ["PROSCRIBED_NATIONAL"],
            "effect": "yes",
        },
        {
            "id": "L9.2",
            "title": "Allied nationality other than the company's",
            "when": {
                "country": "q_staff",
                "in_group": "ALLIED",
                "not_in_group": ["D5"],
                "other_than": "q_country",
            },
            "findings": ["ALLIED_NATIONAL"],
            "effect": "depends",
        },
        {
            "id": "L9.3",
            "title": "Any other nationality",
            "when": {"country": "q_staff", "not_in_group": ["ALLIED", "D5"]},
            "findings": ["OTHER_NATIONAL"],
            "effect": "yes",
        },
        {
            "id": "L9.4",
            "title": "Only the company's nationality",
            "when": {
                "all": [
                    {"answer": "q_staff", "answered": True},
                    {"not": {"answer": "q_staff", "includes": "idk"}},
                    {"not": {"country": "q_staff", "other_than": "q_country"}},
                ]
            },
            "findings": ["HOME_ONLY"],
        },
        {
            "id": "L9.5",
            "title": "A proscribed or an other nationality",
            "when": {
                "any": [
                    {"country": "q_staff", "in_group": "D5"},
                    {
                        "all": [
                            {"answer": "q_broker", "is": "yes"},
                            {"country": "q_dest", "in_group": "US"},
                        ]
                    },
                ]
            },
            "findings": ["PROSCRIBED_NATIONAL"],
        },
    ],
}


def _finding(code: str) -> dict:
    return {"code": code, "title": code, "severity": "high", "explanation": "x"}


@pytest.fixture(scope="module")
def rs(tmp_path_factory):
    root = tmp_path_factory.mktemp("rules") / "rules"
    shutil.copytree(MINI, root)
    meta = yaml.safe_load((root / "ruleset.yaml").read_text())
    meta["modules"] = [*meta["modules"], "c_staff"]
    (root / "ruleset.yaml").write_text(yaml.safe_dump(meta))
    countries = yaml.safe_load((root / "countries.yaml").read_text())
    countries["groups"].append(
        {
            "id": "ALLIED",
            "title": "Allied",
            "citation": "15cfr734.4",
            "as_of": "2026-09-01",
            "checked": "2026-11-29",
            "confidence": "confirmed",
            "countries": ["DE", "ES", "FR", "LU", "US"],
        }
    )
    (root / "countries.yaml").write_text(yaml.safe_dump(countries))
    findings = yaml.safe_load((root / "findings.yaml").read_text())
    findings["findings"] += [
        _finding(c)
        for c in ("PROSCRIBED_NATIONAL", "ALLIED_NATIONAL", "OTHER_NATIONAL", "HOME_ONLY")
    ]
    (root / "findings.yaml").write_text(yaml.safe_dump(findings))
    (root / "modules" / "c_staff.yaml").write_text(yaml.safe_dump(STAFF, sort_keys=False))
    return load_ruleset(root)


BASE = {"q_country": "LU", "q_broker": "no", "q_content": ["ear99"], "q_dest": "DE", "q_note": ""}


def _by_code(ev):
    return {f.code: f for f in ev.findings}


def test_a_mixed_team_is_decided_per_nationality(rs):
    # German, Spanish, Brazilian and French-Algerian dual nationals in a Luxembourg company,
    # one Chinese national, and the company's own nationals
    ev = evaluate(rs, {**BASE, "q_staff": ["LU", "DE", "ES", "BR", "FR", "DZ", "CN"]})
    found = _by_code(ev)
    assert found["PROSCRIBED_NATIONAL"].countries == ["CN"]
    assert found["PROSCRIBED_NATIONAL"].groups == ["D5"]
    assert found["ALLIED_NATIONAL"].countries == ["DE", "ES", "FR"]  # LU is the company's own
    assert found["OTHER_NATIONAL"].countries == ["BR", "DZ"]
    assert found["OTHER_NATIONAL"].groups == []  # picked by not_in_group only
    assert "HOME_ONLY" not in found
    assert found["PROSCRIBED_NATIONAL"].fired_by[0].countries == ["CN"]


def test_a_group_test_that_picks_nothing_does_not_hold(rs):
    ev = evaluate(rs, {**BASE, "q_staff": ["LU"]})
    assert set(ev.codes()) & {"PROSCRIBED_NATIONAL", "ALLIED_NATIONAL", "OTHER_NATIONAL"} == set()
    home = _by_code(ev)["HOME_ONLY"]
    assert home.countries == []  # a negated test names no country


def test_i_dont_know_is_never_a_country(rs):
    ev = evaluate(rs, {**BASE, "q_staff": ["idk"]})
    assert set(ev.codes()) & {"OTHER_NATIONAL", "ALLIED_NATIONAL", "HOME_ONLY"} == set()
    assert "OPEN_QUESTION_ADVISER" in ev.codes()


def test_findings_merge_the_countries_of_their_firings_and_any_names_only_what_holds(rs):
    ev = evaluate(rs, {**BASE, "q_broker": "yes", "q_dest": "US", "q_staff": ["CN", "RU"]})
    f = _by_code(ev)["PROSCRIBED_NATIONAL"]
    assert [x.rule_id for x in f.fired_by] == ["L9.1", "L9.5"]
    assert f.countries == ["CN", "RU", "US"]
    assert f.groups == ["D5", "US"]
    ev = evaluate(rs, {**BASE, "q_staff": ["RU"]})
    assert _by_code(ev)["PROSCRIBED_NATIONAL"].countries == ["RU"]  # the any branch on q_dest fails


def test_findings_without_country_tests_name_no_country(rs):
    ev = evaluate(rs, {**BASE, "q_broker": "yes", "q_staff": []})
    assert _by_code(ev)["BROKER"].countries == []
    assert "countries" in ev.model_dump(mode="json")["findings"][0]


@pytest.mark.parametrize(
    "cond",
    [
        {"country": "q_staff"},
        {"country": "q_staff", "not_in_group": []},
        {"country": "q_staff", "in_group": "D5", "is": "CN"},
        {"answer": "q_staff", "other_than": "q_country"},
    ],
)
def test_malformed_country_tests_are_refused(cond):
    with pytest.raises(ValidationError):
        Condition.model_validate(cond)


@pytest.mark.parametrize(
    ("cond", "message"),
    [
        ({"country": "q_staff", "not_in_group": ["NOPE"]}, "unknown country group 'NOPE'"),
        ({"country": "q_staff", "other_than": "q_broker"}, "'q_broker' is not a country step"),
        ({"country": "q_staff", "other_than": "q_nope"}, "unknown step 'q_nope'"),
    ],
)
def test_the_loader_checks_groups_and_steps_of_country_tests(tmp_path, cond, message):
    root = tmp_path / "rules"
    shutil.copytree(MINI, root)
    module = {**STAFF, "rules": [{"id": "L9.9", "title": "t", "when": cond}]}
    (root / "modules" / "c_staff.yaml").write_text(yaml.safe_dump(module, sort_keys=False))
    meta = yaml.safe_load((root / "ruleset.yaml").read_text())
    meta["modules"] = [*meta["modules"], "c_staff"]
    (root / "ruleset.yaml").write_text(yaml.safe_dump(meta))
    with pytest.raises(RulesetError) as err:
        load_ruleset(root)
    assert message in str(err.value)
