"""Dated country data (22 CFR 126.1(r)(2), Cyprus) and the evaluation day.

The suspension of Cyprus's proscribed status runs one US fiscal year at a time. The rule base
records the periods it read; inside one Cyprus is not a 126.1 country, outside all of them its
status is unknown and the point goes to the adviser (never a silent "Stop" or all-clear).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from pydantic import ValidationError

from compliance_app.cli import main
from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import cached_ruleset
from compliance_app.rulebase.models import CountryGroup, DatedEntry

SCENARIOS = Path(__file__).parent / "scenarios"
CYPRUS = SCENARIOS / "X61_cyprus_126_1r_suspension.yaml"
GROUP = {
    "id": "G",
    "title": "test",
    "citation": "22cfr126.1",
    "as_of": "2025-01-01",
    "checked": "2025-01-01",
    "confidence": "secondary",
    "countries": ["CY", "CN"],
}
ENTRY = {
    "country": "CY",
    "from": "2024-10-01",
    "until": "2025-09-30",
    "source": "126.1(r)(2)",
    "confidence": "confirmed",
}


def test_a_period_must_not_end_before_it_starts():
    with pytest.raises(ValidationError, match="before 'from'"):
        DatedEntry.model_validate({**ENTRY, "until": "2024-09-30"})


def test_dated_entries_and_sources_name_members_only():
    with pytest.raises(ValidationError, match="non-members: FR"):
        CountryGroup.model_validate({**GROUP, "dated": [{**ENTRY, "country": "FR"}]})
    with pytest.raises(ValidationError, match="non-members: FR"):
        CountryGroup.model_validate({**GROUP, "sources": {"FR": "x"}})


def test_inside_a_period_suspended_outside_unsettled():
    g = CountryGroup.model_validate({**GROUP, "dated": [ENTRY]})
    inside, after, before = dt.date(2025, 9, 30), dt.date(2025, 10, 1), dt.date(2024, 9, 30)
    assert g.members_on(inside) == {"CN"} and g.unsettled_on(inside) == frozenset()
    assert g.members_on(after) == {"CN"} and g.unsettled_on(after) == {"CY"}
    assert g.unsettled_on(before) == {"CY"}


def test_shipped_126_1_group_has_cyprus_suspended_until_30_september_2026_only():
    g = cached_ruleset().group("ITAR_126_1")
    assert "CY" in g.countries and "KH" not in g.countries
    assert "CY" not in g.members_on(dt.date(2026, 9, 30))
    assert "CY" not in g.unsettled_on(dt.date(2025, 3, 1))
    assert "CY" not in g.unsettled_on(dt.date(2026, 9, 30))
    assert "CY" in g.unsettled_on(dt.date(2026, 10, 1))
    assert "CN" in g.members_on(dt.date(2026, 10, 1))


def test_the_evaluation_day_is_recorded_and_defaults_to_the_country_review_day():
    rs = cached_ruleset()
    answers = parse(CYPRUS.read_bytes()).answers
    assert evaluate_deal(rs, answers).evaluated_on == rs.countries.last_reviewed.isoformat()
    assert evaluate_deal(rs, answers, on=dt.date(2026, 1, 15)).evaluated_on == "2026-01-15"


def test_cyprus_during_the_suspension_is_not_proscribed():
    ev = evaluate_deal(cached_ruleset(), parse(CYPRUS.read_bytes()).answers, on=dt.date(2026, 6, 1))
    codes = set(ev.codes())
    assert not codes & {"PROSCRIBED_126_1", "NOTIFY_DDTC_126_1E", "ITAR_126_1_STATUS_TO_CHECK"}
    assert "PROSCRIBED_126_1_CASE_BY_CASE" not in codes


def test_cyprus_after_the_last_suspension_read_goes_to_the_adviser_not_stop():
    ev = evaluate_deal(
        cached_ruleset(), parse(CYPRUS.read_bytes()).answers, on=dt.date(2026, 12, 7)
    )
    codes = set(ev.codes())
    assert {"ITAR_126_1_STATUS_TO_CHECK", "OPEN_QUESTION_ADVISER"} <= codes
    assert not codes & {"PROSCRIBED_126_1", "PROSCRIBED_126_1_CASE_BY_CASE"}
    assert any(q.rule_id == "L8.1d" for q in ev.open_questions)


def test_cli_takes_the_evaluation_day(capsys):
    assert main(["evaluate", str(CYPRUS), "--json", "--on", "2026-06-01"]) == 0
    assert '"evaluated_on": "2026-06-01"' in capsys.readouterr().out
