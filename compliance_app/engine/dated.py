"""Dated country data: which day an assessment is evaluated on.

Some memberships change on known dates, such as the yearly suspension of Cyprus's status as
a 22 CFR 126.1 proscribed destination (126.1(r)(2)). ``rules/countries.yaml`` records them as
dated entries of a group (``models.DatedEntry``); the engine tests them against the evaluation
day (:mod:`compliance_app.engine.countries`), which is an input (the engine never reads the
clock).
"""

from __future__ import annotations

import datetime as dt

from compliance_app.rulebase.models import Ruleset


def evaluation_day(ruleset: Ruleset, on: dt.date | None) -> dt.date:
    """The day the assessment is evaluated on: ``on``, or by default the day the country data
    was last reviewed (``countries.yaml`` ``last_reviewed``), the latest day on which the rule
    base knows the status of every dated entry. Callers that evaluate for today pass it."""
    return on if on is not None else ruleset.countries.last_reviewed
