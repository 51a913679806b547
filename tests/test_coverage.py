"""Coverage of the rule base by the scenario answer files (practices 7).

Fails when an option of a step is never chosen, a step never asked, a rule never fired or a
finding never produced by any file in tests/scenarios/ (public scenarios S*.yaml and extra
cases X*.yaml) or examples/.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance_app.dossier.answers import parse
from compliance_app.engine.deal import split
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import cached_ruleset

ROOT = Path(__file__).parent.parent
FILES = sorted((ROOT / "tests" / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "examples").glob("*.yaml")
)


@pytest.fixture(scope="module")
def runs():
    ruleset = cached_ruleset()
    out = []
    for f in FILES:
        answers = parse(f.read_bytes()).answers
        out.append((f.name, answers, evaluate_deal(ruleset, answers)))
    return ruleset, out


def test_every_option_is_chosen_by_some_case(runs):
    ruleset, results = runs
    chosen: dict[str, set[str]] = {}
    for _name, answers, ev in results:
        for qid in ev.path:  # qualified ids of the deal: options counted per step
            value = answers.get(qid)
            values = value if isinstance(value, list) else [value]
            chosen.setdefault(split(qid)[0], set()).update(str(v) for v in values)
    missing = []
    deal = ruleset.meta.deal
    filled = {*deal.filled, deal.items, deal.destinations, deal.groups}  # from the lists
    for sid, step in ruleset.steps.items():
        if sid in filled:
            continue
        if step.type in ("one", "many", "yes_no", "yes_no_unknown"):
            for v in step.option_values():
                if v not in chosen.get(sid, set()):
                    missing.append(f"{sid}={v}")
        elif sid not in chosen:
            missing.append(f"{sid} (never asked)")
        elif step.allow_unknown and "idk" not in chosen[sid]:
            missing.append(f"{sid}=idk")
    assert not missing, f"never chosen: {missing}"


def test_every_rule_fires_and_every_finding_is_produced(runs):
    ruleset, results = runs
    fired = {r for _n, _a, ev in results for r in ev.fired_rules}
    produced = {c for _n, _a, ev in results for c in ev.codes()}
    never_fired = sorted(r.id for r in ruleset.rules if r.id not in fired)
    never_produced = sorted(set(ruleset.findings) - produced)
    assert not never_fired, f"rules that never fire: {never_fired}"
    assert not never_produced, f"findings never produced: {never_produced}"
