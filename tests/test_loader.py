"""Loader: strict YAML, model errors with file/line/column, whole-rule-base checks (golden)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from compliance_app.cli import main
from compliance_app.rulebase.loader import RulesetError, load_ruleset
from compliance_app.rulebase.yamlsource import read_yaml

FIX = Path(__file__).parent / "fixtures"


def _errors(rules_dir: Path) -> list[str]:
    with pytest.raises(RulesetError) as info:
        load_ruleset(rules_dir)
    return [str(e) for e in info.value.errors]


@pytest.mark.parametrize("name", ["broken_rules", "broken_graph"])
def test_golden_errors_for_a_broken_rule_base(name, capsys):
    """Every error at once, each with file:line:column path: message (practices 6)."""
    expected = (FIX / f"{name}.expected.txt").read_text(encoding="utf-8")
    assert main(["validate", str(FIX / name)]) == 1
    assert capsys.readouterr().err == expected


def test_mini_rule_base_validates(capsys):
    assert main(["validate", str(FIX / "mini_rules")]) == 0
    assert "OK: mini 0.0.1" in capsys.readouterr().out


def test_yaml_11_booleans_are_never_read_as_false(tmp_path):
    """Pitfall Y1: [DE, FR, NO, PL] must not give Norway = False."""
    f = tmp_path / "c.yaml"
    f.write_text("countries: [DE, FR, NO, PL]\nflags: {yes: a, on: c}\n", encoding="utf-8")
    src = read_yaml(f, "c.yaml")
    assert False not in src.data["countries"]
    assert "NO" in src.data["countries"]
    messages = [str(e) for e in src.errors]
    assert (
        "c.yaml:1:21 countries[2]: 'NO' would be read as a YAML 1.1 boolean; quote it (\"NO\")"
        in (messages[0])
    )
    assert any("key 'yes' would be read as a YAML 1.1 boolean" in m for m in messages)
    assert any("key 'on'" in m for m in messages)


def test_quoted_no_and_true_false_are_fine(tmp_path):
    f = tmp_path / "c.yaml"
    f.write_text('countries: ["NO", PL]\nok: true\n', encoding="utf-8")
    src = read_yaml(f, "c.yaml")
    assert src.errors == []
    assert src.data == {"countries": ["NO", "PL"], "ok": True}


def test_duplicate_keys_name_both_lines(tmp_path):
    """Pitfall Y2: a pasted step with an unchanged key is rejected, both lines named."""
    f = tmp_path / "d.yaml"
    f.write_text("id: a\ntitle: x\nid: b\n", encoding="utf-8")
    (err,) = read_yaml(f, "d.yaml").errors
    assert str(err) == (
        "d.yaml:3:1 id: duplicate key 'id' (first at line 1); "
        "the second would silently replace the first"
    )


def test_python_tags_are_refused(tmp_path):
    f = tmp_path / "t.yaml"
    f.write_text("x: !!python/object/apply:os.system ['id']\n", encoding="utf-8")
    (err,) = read_yaml(f, "t.yaml").errors
    assert "tag 'tag:yaml.org,2002:python/object/apply:os.system' is not allowed" in str(err)


def test_syntax_error_has_line_and_column(tmp_path):
    f = tmp_path / "s.yaml"
    f.write_text("a: [1, 2\nb: 3\n", encoding="utf-8")
    (err,) = read_yaml(f, "s.yaml").errors
    assert err.line == 2 and "YAML syntax error" in err.message


def test_unknown_key_is_rejected_with_a_suggestion(tmp_path):
    """Pitfall P1: `qestion` does not vanish; P2: the error has file, line, column."""
    rules = tmp_path / "rules"
    shutil.copytree(FIX / "mini_rules", rules)
    p = rules / "modules" / "a_profile.yaml"
    p.write_text(
        p.read_text().replace("    type: country\n", "    type: country\n    qestion: x\n"),
        encoding="utf-8",
    )
    errors = _errors(rules)
    assert errors == [
        "rules/modules/a_profile.yaml:10:5 steps[0].qestion: unknown key 'qestion' "
        "(did you mean 'question'?)"
    ]


def test_wrong_type_says_expected_and_got(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(FIX / "mini_rules", rules)
    p = rules / "modules" / "b_content.yaml"
    p.write_text(
        p.read_text().replace("    question: Destination?", "    question: [a, b]"),
        encoding="utf-8",
    )
    assert _errors(rules) == [
        "rules/modules/b_content.yaml:22:15 steps[1].question: "
        'expected a text (a string, or {en: "...", fr: "..."}), got a list'
    ]


def test_missing_file_is_reported(tmp_path):
    rules = tmp_path / "rules"
    shutil.copytree(FIX / "mini_rules", rules)
    (rules / "findings.yaml").unlink()
    assert "rules/findings.yaml:1:1 file not found" in _errors(rules)


def test_shipped_rule_base_validates():
    """The real rule base in rules/ loads without error."""
    ruleset = load_ruleset()
    assert ruleset.meta.id == "itar-ear-selfassessment"
    assert len(ruleset.steps) >= 30


def test_aliases_are_refused_in_rule_files(tmp_path):
    f = tmp_path / "a.yaml"
    f.write_text("a: &x {b: 1}\nc: *x\n", encoding="utf-8")
    (err,) = read_yaml(f, "a.yaml").errors
    assert str(err) == "a.yaml:2:1 c: anchors and aliases are not allowed in rule files"


def _mini_copy(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(FIX / "mini_rules", rules)
    return rules


def test_ask_if_reading_a_later_step_is_an_error(tmp_path):
    rules = _mini_copy(tmp_path)
    p = rules / "modules" / "a_profile.yaml"
    p.write_text(
        p.read_text().replace(
            "    type: yes_no_unknown\n    question: Do you broker?",
            "    type: yes_no_unknown\n    ask_if: {answer: q_dest, is: FR}\n"
            "    question: Do you broker?",
        ),
        encoding="utf-8",
    )
    assert _errors(rules) == [
        "rules/modules/a_profile.yaml:18:13 steps[1].ask_if: "
        "reads step 'q_dest', which never comes before 'q_broker'"
    ]


def test_unknown_and_circular_named_conditions(tmp_path):
    rules = _mini_copy(tmp_path)
    p = rules / "conditions.yaml"
    p.write_text(
        p.read_text()
        .replace("{all: [{ref: counted_content},", "{all: [{ref: values_needed},")
        .replace("includes_any: [ear_9x515_ax", "includes_any: [ear_9x515_ax")
        + "  - id: dangling\n    description: x\n    when: {ref: nowhere}\n",
        encoding="utf-8",
    )
    errors = _errors(rules)
    assert (
        "rules/conditions.yaml:6:9 conditions[1].id: condition 'values_needed' refers to itself"
        in errors
    )
    assert (
        "rules/conditions.yaml:11:17 conditions[2].when.ref: unknown named condition 'nowhere'"
        in errors
    )
