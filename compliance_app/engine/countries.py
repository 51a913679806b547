"""Country tests of conditions: which countries of an answer a ``{country: ...}`` test picks,
and which countries (and groups) a rule that fired is about.

Pure functions over the rule base and the answers on the path (no I/O). The condition form is
documented in ``docs/rule-format.md`` and :class:`compliance_app.rulebase.conditions.Condition`:
``{country: STEP, in_group: G, not_in_group: [H, ...], other_than: STEP2}``, any of the three
tests, all holding for the same country. Used to decide per nationality (for example 22 CFR
126.18(d)(2) nationals versus 22 CFR 126.1 nationals among the staff who will see ITAR data) and
to name those countries in the finding (``FindingResult.countries``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping

from compliance_app.rulebase.models import UNKNOWN, Condition, Ruleset


def codes(value: object) -> list[str]:
    """Country codes of a ``country`` or ``countries`` answer, without "I don't know"."""
    items = value if isinstance(value, list) else [value] if isinstance(value, str) else []
    return [c for c in items if isinstance(c, str) and c != UNKNOWN]


def members(ruleset: Ruleset, group_id: str, day: dt.date) -> frozenset[str]:
    """The members of a group of ``rules/countries.yaml`` on ``day`` (dated entries applied,
    see :mod:`compliance_app.engine.dated`); empty for an unknown id."""
    try:
        return frozenset(ruleset.group(group_id).members_on(day))
    except KeyError:
        return frozenset()


def unsettled(ruleset: Ruleset, group_id: str, day: dt.date) -> frozenset[str]:
    """The countries whose membership of the group is not known on ``day`` (dated entries,
    none covering the day); empty for an unknown id."""
    try:
        return frozenset(ruleset.group(group_id).unsettled_on(day))
    except KeyError:
        return frozenset()


def picked(
    ruleset: Ruleset, answers: Mapping[str, object], cond: Condition, day: dt.date
) -> list[str]:
    """The countries of ``cond.country``'s answer that pass all of ``cond``'s country tests.

    ``in_group``: members of that group on ``day``; ``unsettled_in``: countries whose
    membership of that group is not known on ``day``; ``not_in_group``: countries that are
    surely in none of those groups on ``day`` (an unsettled member is left out);
    ``other_than``: not the country (or countries) answered to that step (no answer: nothing
    is left out). A step not on the path, "I don't know" and an unknown group pick nothing.
    Order and duplicates as in the answer. ``[]`` means the test does not hold.
    """
    found = codes(answers.get(cond.country or ""))
    if cond.in_group is not None:
        inside = members(ruleset, cond.in_group, day)
        found = [c for c in found if c in inside]
    if cond.unsettled_in is not None:
        open_ = unsettled(ruleset, cond.unsettled_in, day)
        found = [c for c in found if c in open_]
    for gid in cond.not_in_group or []:
        # "in none of these groups" for sure: a country whose membership is unsettled on the
        # day (dated entries, none covering it) may be in the group, so it is not picked
        maybe = members(ruleset, gid, day) | unsettled(ruleset, gid, day)
        found = [c for c in found if c not in maybe]
    if cond.other_than is not None:
        other = set(codes(answers.get(cond.other_than)))
        found = [c for c in found if c not in other]
    return found


def about(
    ruleset: Ruleset,
    answers: Mapping[str, object],
    cond: Condition,
    holds: Callable[[Condition], bool],
    day: dt.date,
) -> tuple[list[str], list[str]]:
    """What a condition that holds is about: ``(countries, groups)``.

    The countries picked by its country tests, followed through ``all``, through the ``any``
    branches that hold (``holds`` evaluates a sub-condition) and through named conditions,
    never through ``not`` (a negated test is about the countries that are absent); and the
    ``in_group`` ids of the tests that picked them. Each listed once, in order of appearance.
    """
    countries: list[str] = []
    groups: list[str] = []

    def visit(c: Condition) -> None:
        if c.all_ is not None:
            for sub in c.all_:
                visit(sub)
        elif c.any_ is not None:
            for sub in c.any_:
                if holds(sub):
                    visit(sub)
        elif c.ref is not None:
            named = ruleset.conditions.get(c.ref)
            if named is not None:
                visit(named.when)
        elif c.country is not None:
            found = picked(ruleset, answers, c, day)
            countries.extend(x for x in found if x not in countries)
            if found and c.in_group is not None and c.in_group not in groups:
                groups.append(c.in_group)

    visit(cond)
    return countries, groups
