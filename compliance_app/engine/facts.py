"""What a condition is evaluated against: the answers on the path and the computed facts.

:class:`Facts` holds the answers visible on the path (step id -> normalised value, see
:mod:`compliance_app.engine.values`) and computes the de minimis fact lazily
(:mod:`compliance_app.engine.deminimis`). ``holds(cond)`` decides a condition of the rule
language (``docs/rule-format.md``); ``why(cond)`` names the answers that made it hold.
"""

from __future__ import annotations

import datetime as dt

from compliance_app.engine import countries, deminimis
from compliance_app.engine.values import AnswerValue
from compliance_app.rulebase.models import Condition, Ruleset


class Facts:
    """Answers visible on the path, plus facts the engine computes (lazily, once)."""

    def __init__(self, ruleset: Ruleset, visible: dict[str, AnswerValue], day: dt.date) -> None:
        self.ruleset = ruleset
        self.answers = visible
        self.day = day
        """The evaluation day for dated country data (:mod:`compliance_app.engine.dated`)."""
        self._de_minimis: deminimis.DeMinimis | None = None

    @property
    def de_minimis(self) -> deminimis.DeMinimis:
        if self._de_minimis is None:
            cfg = self.ruleset.meta.de_minimis
            content = self.answers.get(cfg.content_step)
            dest = self.answers.get(cfg.destination_step)
            unit_step = self.ruleset.steps.get(cfg.total_value_step)
            unit = unit_step.unit.en if unit_step and unit_step.unit else ""
            self._de_minimis = deminimis.calculate(
                self.ruleset,
                content if isinstance(content, list) else None,
                dest if isinstance(dest, str) else None,
                self.answers.get(cfg.us_value_step),  # type: ignore[arg-type]
                self.answers.get(cfg.total_value_step),  # type: ignore[arg-type]
                unit,
            )
        return self._de_minimis

    def why(self, cond: Condition) -> set[str]:
        """Step ids whose answers made ``cond`` hold (call it only when it holds).

        ``all``: every part; ``any``: the parts that hold; ``not``: nothing (the absence of
        something is a precondition, not a reason); named conditions are followed; the de
        minimis fact gives its input steps. Issue 9 item 13: the "Why" line of a finding.
        """
        if cond.all_ is not None:
            return set().union(*(self.why(c) for c in cond.all_))
        if cond.any_ is not None:
            return set().union(*(self.why(c) for c in cond.any_ if self.holds(c)))
        if cond.not_ is not None:
            return set()
        if cond.ref is not None:
            named = self.ruleset.conditions.get(cond.ref)
            return self.why(named.when) if named is not None else set()
        if cond.fact is not None:
            cfg = self.ruleset.meta.de_minimis
            inputs = (cfg.content_step, cfg.destination_step, cfg.us_value_step)
            return {s for s in (*inputs, cfg.total_value_step) if s in self.answers}
        step = cond.country or cond.answer or ""
        return {step} if step in self.answers else set()

    def holds(self, cond: Condition) -> bool:
        """Evaluate ``cond``; a test on a step that is not on the path is false."""
        if cond.all_ is not None:
            return all(self.holds(c) for c in cond.all_)
        if cond.any_ is not None:
            return any(self.holds(c) for c in cond.any_)
        if cond.not_ is not None:
            return not self.holds(cond.not_)
        if cond.ref is not None:
            named = self.ruleset.conditions.get(cond.ref)
            return named is not None and self.holds(named.when)
        if cond.fact is not None:
            value = self.de_minimis.status
            return value == cond.is_ if cond.is_ is not None else value in (cond.in_ or [])
        if cond.country is not None:
            return bool(countries.picked(self.ruleset, self.answers, cond, self.day))
        value = self.answers.get(cond.answer or "")
        if cond.answered is not None:
            return (value is not None) == cond.answered
        if value is None:
            return False
        if cond.is_ is not None:
            return value == cond.is_
        if cond.in_ is not None:
            return value in cond.in_
        items = value if isinstance(value, list) else [value]
        if cond.includes is not None:
            return cond.includes in items
        return any(v in items for v in cond.includes_any or [])
