"""The extra answers files tests/scenarios/X*.yaml as regression tests.

Each file opens with comment lines stating its expected outcome::

    # expected: jurisdiction=ITAR, us_authorization_needed=yes
    # expected findings include: AUTH_TAA, ITAR_TECHNICAL_DATA
    # rules fired: L7.2, L10.1
    # expected findings exclude: PROSCRIBED_126_1
    # rules not fired: L7.13

The last two lines are optional: a regression test of a wrong finding states what must not
appear.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import cached_ruleset

FILES = sorted((Path(__file__).parent / "scenarios").glob("X*.yaml"))
# Advisory codes follow the citation catalogue's confidence marks, which change as texts are
# checked; like the public scenarios, the extra cases do not pin them.
ADVISORY = {"KEEP_RECORDS", "CHECK_EU_CONTROLS", "VERIFY_CURRENT_RULE"}


def _expected(text: str) -> dict[str, object]:
    out: dict[str, object] = {}
    m = re.search(r"^# expected: jurisdiction=(\w+), us_authorization_needed=(\w+)$", text, re.M)
    assert m, "missing '# expected:' line"
    out["jurisdiction"], out["auth"] = m.groups()
    m = re.search(r"^# expected findings include: (.*)$", text, re.M)
    out["findings"] = set(m.group(1).replace(" ", "").split(",")) - {""} if m else set()
    m = re.search(r"^# rules fired: (.*)$", text, re.M)
    out["rules"] = set(m.group(1).replace(" ", "").split(",")) - {""} if m else set()
    m = re.search(r"^# expected findings exclude: (.*)$", text, re.M)
    out["no_findings"] = set(m.group(1).replace(" ", "").split(",")) - {""} if m else set()
    m = re.search(r"^# rules not fired: (.*)$", text, re.M)
    out["no_rules"] = set(m.group(1).replace(" ", "").split(",")) - {""} if m else set()
    return out


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_extra_case(path):
    text = path.read_text(encoding="utf-8")
    want = _expected(text)
    ev = evaluate_deal(cached_ruleset(), parse(text.encode()).answers)
    assert ev.complete, ev.pending_step
    assert (ev.jurisdiction, ev.us_authorization_needed) == (want["jurisdiction"], want["auth"])
    assert want["findings"] - ADVISORY <= set(ev.codes())
    assert want["rules"] <= set(ev.fired_rules)
    assert not want["no_findings"] & set(ev.codes()), want["no_findings"] & set(ev.codes())
    assert not want["no_rules"] & set(ev.fired_rules), want["no_rules"] & set(ev.fired_rules)
