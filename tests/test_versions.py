"""Rule-base version snapshots, diffs, and which findings changed for an old answers file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from compliance_app.dossier import answers, transport, versions
from compliance_app.dossier.answers import RulesetRef
from compliance_app.dossier.versions import Snapshot
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import cached_ruleset

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "examples" / "payload_9a515_content.yaml"


@pytest.fixture(scope="module")
def ruleset():
    return cached_ruleset()


@pytest.fixture(scope="module")
def current(ruleset) -> Snapshot:
    return versions.snapshot(ruleset)


def test_the_current_version_has_its_snapshot_and_it_matches_the_rule_base(ruleset) -> None:
    version = ruleset.meta.version
    path = versions.snapshot_path(version)
    hint = (
        f"rules/history/{version}.json is missing or out of date: after changing the rule base, "
        "bump the version in rules/ruleset.yaml, then run `python -m compliance_app snapshot` "
        "and commit the new snapshot (older snapshots stay as they are)."
    )
    assert path.is_file(), hint
    assert versions.load_snapshot(version) == versions.snapshot(ruleset), hint
    assert path.read_bytes() == versions.snapshot_bytes(versions.snapshot(ruleset)), hint


def test_every_stored_snapshot_is_valid_and_named_by_its_version() -> None:
    files = sorted(versions.HISTORY_DIR.glob("*.json"))
    assert files
    for path in files:
        snap = Snapshot.model_validate_json(path.read_bytes())
        assert path.stem == snap.ruleset.version


def test_snapshot_holds_steps_options_questions_and_rule_findings(current: Snapshot) -> None:
    step = current.steps["m1_country"]
    assert step.module == "m1_company" and step.type == "country" and step.question
    assert any(s.options for s in current.steps.values())
    assert any(r.findings for r in current.rules.values())
    assert len(current.rules) > 50 and "KEEP_RECORDS" in current.findings


def test_odd_version_names_never_reach_the_file_system(tmp_path: Path) -> None:
    for bad in ["../ruleset", "1.0", "1.0.0/../../x", ""]:
        assert versions.load_snapshot(bad, tmp_path) is None
        with pytest.raises(ValueError):
            versions.snapshot_path(bad)


def older(current: Snapshot) -> tuple[Snapshot, str]:
    """A synthetic 0.9.0: what 1.0.0 would have changed relative to it."""
    data = json.loads(versions.snapshot_bytes(current))
    data["ruleset"]["version"] = "0.9.0"
    steps = data["steps"]
    del steps["m1_icp"]  # -> added in the current version
    steps["m2_old_question"] = {  # -> removed
        "module": "m2_case",
        "type": "text",
        "question": "What was the old question?",
        "options": [],
        "logic": "0" * 16,
    }
    one = next(sid for sid, s in steps.items() if s["type"] == "one")
    steps[one]["options"].append("retired_option")  # -> option removed
    steps[one]["question"] = "An older wording"
    rules = data["rules"]
    del rules["L10.2"]  # -> rule added
    rules["L0.1"] = {  # -> rule removed, with its finding
        "module": "m1_company",
        "title": "An old rule",
        "findings": ["OLD_FINDING"],
        "logic": "0" * 16,
    }
    rules["L10.1"]["logic"] = "f" * 16  # -> condition changed
    data["findings"]["OLD_FINDING"] = "An old finding"
    return Snapshot.model_validate(data), one


def test_diff_lists_steps_and_rules_added_removed_and_changed(ruleset, current) -> None:
    old, one = older(current)
    changes = versions.diff(old, ruleset)
    assert (changes.old_version, changes.new_version) == ("0.9.0", ruleset.meta.version)
    assert [c.step_id for c in changes.steps_of("added")] == ["m1_icp"]
    assert [c.step_id for c in changes.steps_of("removed")] == ["m2_old_question"]
    [changed] = changes.steps_of("changed")
    assert changed.step_id == one and changed.removed_options == ["retired_option"]
    assert any("An older wording" in d for d in changed.details)
    assert [c.rule_id for c in changes.rules_of("added")] == ["L10.2"]
    assert [c.rule_id for c in changes.rules_of("removed")] == ["L0.1"]
    assert [c.rule_id for c in changes.rules_of("changed")] == ["L10.1"]
    lines = changes.lines()
    assert len(lines) == len(changes.steps) + len(changes.rules)
    assert any(line.startswith("Question removed: What was the old question?") for line in lines)
    assert versions.diff(current, ruleset).empty


def test_changes_say_what_they_mean_for_the_users_answers(ruleset, current) -> None:
    old, one = older(current)
    changes = versions.diff(old, ruleset)
    said = changes.affecting({one: "retired_option", "m2_old_question": "text", "x": "y"})
    assert any("is no longer an option: answer this question again" in s for s in said)
    assert any("no longer used: the question was removed" in s for s in said)
    assert any(s.startswith("New question:") for s in said)


def test_changes_read_the_qualified_answers_of_a_deal_once_per_step(ruleset, current) -> None:
    old, one = older(current)
    changes = versions.diff(old, ruleset)
    said = changes.affecting(
        {f"{one}@item1": "retired_option", f"{one}@item2": "retired_option",
         "m2_old_question@dest1": "text"}
    )  # fmt: skip
    gone = [s for s in said if "is no longer an option" in s]
    assert len(gone) == 1 and "(retired_option)" in gone[0]
    assert sum("no longer used: the question was removed" in s for s in said) == 1


def test_an_old_answers_file_is_evaluated_on_the_current_rules_with_the_changes(
    ruleset, current, tmp_path: Path
) -> None:
    old, _ = older(current)
    (tmp_path / "0.9.0.json").write_bytes(versions.snapshot_bytes(old))
    af = answers.parse(EXAMPLE.read_bytes())
    af = af.model_copy(update={"ruleset": RulesetRef(id=af.ruleset.id, version="0.9.0")})
    up = transport.read_upload(answers.dump(af), "old.yaml")
    changes = versions.changes_since(up.answers.ruleset, ruleset, tmp_path)
    assert changes is not None and changes.known and not changes.empty
    ev = evaluate_deal(ruleset, up.answers.answers)
    assert ev.ruleset_version == ruleset.meta.version
    # the old PDF's findings (here: today's, with one gone and one extra) against today's
    old_codes = [c for c in ev.codes() if c != "ICP_RECOMMENDED"] + ["OLD_FINDING"]
    result = versions.compare_results(old_codes, ev, changes, old)
    assert [f.code for f in result.appeared] == ["ICP_RECOMMENDED"]
    assert "rule L10.2 is added" in result.appeared[0].why
    [gone] = result.disappeared
    assert (gone.code, gone.title) == ("OLD_FINDING", "An old finding")
    assert gone.why == "rule L0.1 was removed."
    assert set(result.unchanged) == set(ev.codes()) - {"ICP_RECOMMENDED"}


def test_compare_results_without_a_diff_still_gives_reasons(ruleset) -> None:
    af = answers.parse(EXAMPLE.read_bytes())
    ev = evaluate_deal(ruleset, af.answers)
    result = versions.compare_results(["SOMETHING_ELSE"], ev)
    assert {f.code for f in result.appeared} == set(ev.codes())
    assert all(f.why for f in result.appeared)
    assert result.disappeared[0].why.startswith("the rules that produced it no longer fire")
    assert versions.compare_results(ev.codes(), ev).empty


def test_changes_since(ruleset, tmp_path: Path) -> None:
    same = RulesetRef(id=ruleset.meta.id, version=ruleset.meta.version)
    assert versions.changes_since(same, ruleset) is None
    unknown = versions.changes_since(RulesetRef(id=same.id, version="0.0.1"), ruleset, tmp_path)
    assert unknown is not None and not unknown.known and not unknown.empty
    assert "No record of rule base version 0.0.1" in unknown.lines()[0]
    odd = versions.changes_since(RulesetRef(id=same.id, version="../../etc"), ruleset, tmp_path)
    assert odd is not None and not odd.known


def test_snapshot_writer_writes_the_current_version(ruleset, tmp_path: Path) -> None:
    path = versions.save_snapshot(ruleset, tmp_path)
    assert path == tmp_path / f"{ruleset.meta.version}.json"
    assert versions.load_snapshot(ruleset.meta.version, tmp_path) == versions.snapshot(ruleset)
