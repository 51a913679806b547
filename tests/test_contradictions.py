"""No two findings of one result contradict each other (issue 9 item 6), over every answers file.

Two kinds of contradiction are checked on every scenario (public S*, extra X*) and example:

* findings that can never stand together, e.g. "nothing is subject to US export controls" next to
  an ITAR or EAR finding, or "see-through" next to "the part follows the EAR item";
* findings about countries that must not name the same country: a nationality for which
  22 CFR 126.18 "may cover" the staff cannot also be one for which 126.18 cannot be used
  (126.1 nationals) or for which the authorisation must name the people.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import cached_ruleset
from tests.deal_cases import cell_codes

ROOT = Path(__file__).parent.parent
FILES = sorted((ROOT / "tests" / "scenarios").glob("*.yaml")) + sorted(
    (ROOT / "examples").glob("*.yaml")
)

SUBJECT = {
    "ITAR_DEFENSE_ARTICLE",
    "ITAR_SEE_THROUGH",
    "ITAR_TECHNICAL_DATA",
    "ITAR_DEFENSE_SERVICE",
    "ITAR_PART_IN_EAR_ITEM",
    "SUBJECT_EAR_US_ORIGIN",
    "SUBJECT_EAR_DE_MINIMIS_EXCEEDED",
    "SUBJECT_EAR_NO_DE_MINIMIS_D5",
    "SUBJECT_EAR_NO_DE_MINIMIS_Y_ITEMS",
    "SUBJECT_EAR_FDP_9X515",
}
NEVER_TOGETHER = [
    ("ITAR_SEE_THROUGH", "ITAR_PART_IN_EAR_ITEM"),
    *(("NOT_SUBJECT_US_EXPORT_CONTROLS", code) for code in sorted(SUBJECT)),
    *(
        ("NO_US_AUTH_NEEDED", code)
        for code in ("AUTH_TAA", "AUTH_MLA", "AUTH_DSP5", "AUTH_DDTC_REEXPORT_RETRANSFER")
    ),
    ("NO_US_AUTH_NEEDED", "STAFF_NAMED_IN_AUTHORISATION"),
    ("NO_US_AUTH_NEEDED", "STAFF_126_1_NATIONALITY"),
]
MAY_COVER = ("EXEMPTION_124_16", "EXEMPTION_126_18")
MAY_NOT_COVER = ("STAFF_126_1_NATIONALITY", "STAFF_NAMED_IN_AUTHORISATION", "PROSCRIBED_126_1")


@pytest.fixture(scope="module")
def results():
    ruleset = cached_ruleset()
    return [(f.name, evaluate_deal(ruleset, parse(f.read_bytes()).answers)) for f in FILES]


def test_the_pairs_name_existing_findings():
    known = set(cached_ruleset().findings)
    for a, b in NEVER_TOGETHER:
        assert {a, b} <= known, (a, b)
    assert set(MAY_COVER) | set(MAY_NOT_COVER) <= known


def test_no_result_holds_two_findings_that_exclude_each_other(results):
    clashes = []
    for name, ev in results:
        for codes in cell_codes(ev):  # a deal: per item and destination
            clashes += [(name, a, b) for a, b in NEVER_TOGETHER if a in codes and b in codes]
    assert not clashes


def test_no_country_is_both_covered_and_not_covered_by_126_18(results):
    clashes = []
    for name, ev in results:
        by_code = {f.code: f for f in ev.findings}
        for a in MAY_COVER:
            for b in MAY_NOT_COVER:
                if a in by_code and b in by_code:
                    both = set(by_code[a].countries) & set(by_code[b].countries)
                    if both or not by_code[a].countries:
                        clashes.append((name, a, b, sorted(both)))
    assert not clashes


def test_the_mixed_team_scenario_is_among_the_files(results):
    """The check above must see a result where a 126.18 exemption and a 126.1 nationality meet."""
    names = {
        name
        for name, ev in results
        if {"EXEMPTION_124_16", "STAFF_126_1_NATIONALITY"} <= set(ev.codes())
    }
    assert names
