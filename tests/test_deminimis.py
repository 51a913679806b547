"""De minimis (15 CFR 734.4; Supp. No. 2 to Part 734): levels, zero rule, units."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance_app.engine.deminimis import calculate
from compliance_app.rulebase.loader import load_ruleset

MINI = Path(__file__).parent / "fixtures" / "mini_rules"


@pytest.fixture(scope="module")
def rs():
    return load_ruleset(MINI)


@pytest.mark.parametrize(
    ("content", "dest", "us", "total", "status", "level"),
    [
        (["ear_9x515_ax"], "CN", None, None, "zero_rule", 0.0),  # D:5, any amount
        (["ear_9x515_ax"], "DE", 25.0, 100.0, "below", 25.0),  # at the level: not subject
        (["ear_9x515_ax"], "DE", 25.01, 100.0, "exceeded", 25.0),
        (["ear_9x515_y"], "CN", None, None, "zero_rule", 0.0),
        (["ear_9x515_y"], "RU", None, None, "zero_rule", 0.0),  # 734.4(a)(6)(ii): Russia too
        (["ear_9x515_y"], "CU", None, None, "zero_rule", 0.0),  # E:2
        (["ear_9x515_y"], "DE", 1.0, 100.0, "below", 25.0),
        (["ear_other_ccl"], "CU", 11.0, 100.0, "exceeded", 10.0),  # E:2 -> 10 %
        (["ear_other_ccl"], "CU", 10.0, 100.0, "below", 10.0),
        (["ear_other_ccl"], "CN", 20.0, 100.0, "below", 25.0),  # not 9x515: no zero rule
        (["itar"], "FR", None, None, "not_applicable", None),  # ITAR: see-through instead
        (["ear99"], "FR", None, None, "below", None),  # EAR99 not counted: the reason is stated
        (["ear99"], "CU", None, None, "unknown", None),  # Part 746 may count it: adviser
        (["ear99", "ear_other_ccl"], "IR", 5.0, 100.0, "unknown", None),
        (["ear99"], "idk", None, None, "unknown", None),
        (["idk"], "FR", None, None, "unknown", None),
        (["ear_9x515_ax", "idk"], "CN", None, None, "zero_rule", 0.0),  # any amount counts
        (["ear_other_ccl"], "DE", "idk", 100.0, "unknown", 25.0),
        (["ear_other_ccl"], "DE", 5.0, 0.0, "unknown", 25.0),
        (None, "DE", None, None, "not_applicable", None),
    ],
)
def test_status(rs, content, dest, us, total, status, level):
    result = calculate(rs, content, dest, us, total, "EUR")
    assert result.status == status
    assert result.level == level


def test_percent_is_a_percentage_with_units_in_the_explanation(rs):
    r = calculate(rs, ["ear_9x515_ax"], "DE", 12_000.0, 100_000.0, "EUR")
    assert r.percent == pytest.approx(12.0)
    assert "12,000.00 EUR of product value 100,000.00 EUR = 12.0 %" in r.explanation
    assert "734.4(d)" in r.explanation


def test_ear99_only_content_states_the_rule(rs):
    r = calculate(rs, ["ear99"], "FR", None, None, "EUR")
    assert r.percent == 0.0
    assert "EAR99" in r.explanation and "Part 746" in r.explanation
