"""What a reader of the findings sees: no two findings that contradict each other, "Why" lines
that name the answers that made a rule fire, and each next step said once (issue 9, items 6
and 13).

Run over every scenario (public S*, extra X*) and every example answers file.
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path

import pytest

from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.engine.evaluation import merge_next_steps
from compliance_app.rulebase.loader import cached_ruleset
from tests.deal_cases import cell_codes

ROOT = Path(__file__).resolve().parent.parent
FILES = sorted((ROOT / "tests" / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "examples").glob("*.yaml")
)

NOT_SUBJECT = {"NOT_SUBJECT_US_EXPORT_CONTROLS"}
CONTROLLED = {
    "NOT_FUNDAMENTAL_RESEARCH",
    "SUBJECT_EAR_US_ORIGIN",
    "SUBJECT_EAR_DE_MINIMIS_EXCEEDED",
    "SUBJECT_EAR_NO_DE_MINIMIS_D5",
    "SUBJECT_EAR_NO_DE_MINIMIS_Y_ITEMS",
    "SUBJECT_EAR_FDP_9X515",
    "ITAR_DEFENSE_ARTICLE",
    "ITAR_TECHNICAL_DATA",
    "ITAR_SEE_THROUGH",
}
NEEDS_AUTH = {
    "AUTH_BIS_LICENSE",
    "AUTH_DSP5",
    "AUTH_TAA",
    "AUTH_MLA",
    "AUTH_DDTC_REEXPORT_RETRANSFER",
    "AUTH_USPAB",
    "AUTH_BROKERING_REGISTRATION_APPROVAL",
    "ENTITY_LIST_LICENSE_REQUIRED",
    "DEEMED_REEXPORT_LICENSE_REQUIRED",
    "PROSCRIBED_126_1",
}
CONTRADICTIONS: list[tuple[set[str], set[str], str]] = [
    (
        NOT_SUBJECT,
        CONTROLLED,
        "'not subject' next to a finding that treats something as controlled",
    ),
    ({"NO_US_AUTH_NEEDED"}, NEEDS_AUTH, "'no US authorisation' next to one that is needed"),
    (
        {"NOT_SUBJECT_EAR_DE_MINIMIS"},
        {
            "SUBJECT_EAR_DE_MINIMIS_EXCEEDED",
            "SUBJECT_EAR_NO_DE_MINIMIS_D5",
            "SUBJECT_EAR_NO_DE_MINIMIS_Y_ITEMS",
        },
        "de minimis both met and not met",
    ),
    ({"FUNDAMENTAL_RESEARCH_EXCLUDED"}, {"NOT_FUNDAMENTAL_RESEARCH"}, "research both ways"),
]
"""Pairs of finding sets that must never appear together in one result."""


def _evaluate(path: Path):
    return evaluate_deal(cached_ruleset(), parse(path.read_bytes()).answers)


def test_the_contradiction_table_names_real_findings() -> None:
    known = set(cached_ruleset().findings)
    for left, right, _ in CONTRADICTIONS:
        assert (left | right) <= known, (left | right) - known


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_no_two_findings_contradict(path: Path) -> None:
    """Within each item and destination (a deal's findings say what they are about)."""
    for codes in cell_codes(_evaluate(path)):
        for left, right, what in CONTRADICTIONS:
            both = (codes & left, codes & right)
            assert not (both[0] and both[1]), f"{what}: {sorted(both[0])} and {sorted(both[1])}"


def _close(a: str, b: str) -> bool:
    words = [set(re.findall(r"[a-z0-9]+", s.lower())) for s in (a, b)]
    jaccard = len(words[0] & words[1]) / max(1, len(words[0] | words[1]))
    return jaccard > 0.5 or difflib.SequenceMatcher(None, a.lower(), b.lower()).ratio() > 0.75


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_next_steps_are_said_once(path: Path) -> None:
    for f in _evaluate(path).findings:
        steps = f.next_steps
        for i, a in enumerate(steps):
            for b in steps[i + 1 :]:
                assert not _close(a, b), f"{f.code}: {a!r} repeats {b!r}"


def test_a_catalogue_step_already_said_by_the_rule_is_left_out() -> None:
    rule = ["Take legal advice before anything else; a disclosure mitigates but gives no immunity."]
    catalogue = ["Take legal advice before anything else", "Prepare a timeline of the facts"]
    assert merge_next_steps(rule, catalogue) == [rule[0], "Prepare a timeline of the facts"]
    assert merge_next_steps(["A b c", "A b c"], ["A b c"]) == ["A b c"]


def test_why_lists_the_answers_that_made_the_rule_fire() -> None:
    """X01: L8.11 (red flag end user) reads eight answers; it fired on the other countries,
    the end use and US persons "I don't know", not on the activities or the US content."""
    ev = _evaluate(ROOT / "tests" / "scenarios" / "X01_us_owned_syria_unknowns.yaml")
    [firing] = [x for f in ev.findings for x in f.fired_by if x.rule_id == "L8.11"]
    assert "m2_activities" not in firing.steps and "m3_us_content" not in firing.steps
    assert firing.steps, "a rule that fired names at least one answer"
