"""The condition language of step branches and rules, and named conditions.

See ``docs/rule-format.md``; re-exported by :mod:`.models`.
"""

from __future__ import annotations

import datetime as dt

from pydantic import Field, model_validator

from compliance_app.rulebase.types import Identifier, Strict, Text


class Condition(Strict):
    """A condition over the answers on the path.

    Exactly one of these forms:

    * ``{all: [...]}``, ``{any: [...]}``, ``{not: {...}}``
    * ``{answer: STEP, is: VALUE}`` / ``in: [VALUES]`` / ``includes: VALUE`` /
      ``includes_any: [VALUES]`` / ``answered: true``
    * ``{country: STEP, in_group: GROUP}``: the country answer (or any country of a
      ``countries`` answer) belongs to the country group on the evaluation date, per
      ``rules/countries.yaml`` (a member with dated entries, such as a suspension, is not a
      member on any day: it is either suspended or unsettled).
      ``not_in_group: [GROUP, ...]`` picks the countries in none of those groups and
      ``other_than: STEP2`` leaves out the country (or countries) answered to STEP2; the
      tests combine (all must hold for the same country). The condition holds when at least one
      country of the answer is picked; the picked countries are the ones a finding is about
      (``FindingResult.countries``). "I don't know" is never a country.
    * ``{country: STEP, unsettled_in: GROUP}``: the country (or any country of the list) has
      dated entries in the group and the evaluation date lies outside all of them, so the rule
      base does not know whether it belongs to the group that day (see
      ``models.DatedEntry``); it combines with ``not_in_group`` and ``other_than`` too.
    * ``{fact: NAME, is: VALUE}`` / ``in: [VALUES]``: a value computed by the engine
      (``de_minimis``; see ``compliance_app.engine.deminimis``).
    * ``{ref: NAME}``: a named condition from ``rules/conditions.yaml``.

    A step that is not on the path has no answer: every test on it is false.
    """

    all_: list[Condition] | None = Field(None, alias="all")
    any_: list[Condition] | None = Field(None, alias="any")
    not_: Condition | None = Field(None, alias="not")
    answer: str | None = None
    country: str | None = None
    fact: str | None = None
    ref: str | None = None
    is_: str | None = Field(None, alias="is")
    in_: list[str] | None = Field(None, alias="in")
    includes: str | None = None
    includes_any: list[str] | None = None
    answered: bool | None = None
    in_group: str | None = None
    unsettled_in: str | None = None
    not_in_group: list[str] | None = None
    other_than: str | None = None

    @model_validator(mode="after")
    def _one_form(self) -> Condition:
        heads = [
            n
            for n, v in (
                ("all", self.all_),
                ("any", self.any_),
                ("not", self.not_),
                ("answer", self.answer),
                ("country", self.country),
                ("fact", self.fact),
                ("ref", self.ref),
            )
            if v is not None
        ]
        if len(heads) != 1:
            raise ValueError(
                "a condition needs exactly one of all, any, not, answer, country, fact, ref; "
                f"found {heads or 'none'}"
            )
        tests = [
            n
            for n, v in (
                ("is", self.is_),
                ("in", self.in_),
                ("includes", self.includes),
                ("includes_any", self.includes_any),
                ("answered", self.answered),
                ("in_group", self.in_group),
                ("unsettled_in", self.unsettled_in),
                ("not_in_group", self.not_in_group),
                ("other_than", self.other_than),
            )
            if v is not None
        ]
        head = heads[0]
        allowed = {
            "answer": {"is", "in", "includes", "includes_any", "answered"},
            "country": {"in_group", "unsettled_in", "not_in_group", "other_than"},
            "fact": {"is", "in"},
        }.get(head, set())
        if head == "country":
            if not tests:
                raise ValueError(f"'country' needs one or more of {sorted(allowed)}; found none")
            if self.not_in_group is not None and not self.not_in_group:
                raise ValueError("'not_in_group' needs at least one group")
        elif head in allowed and len(tests) != 1:
            raise ValueError(f"'{head}' needs exactly one of {sorted(allowed)}; found {tests}")
        bad = [t for t in tests if t not in allowed]
        if bad:
            raise ValueError(f"'{bad[0]}' cannot be used with '{head}'")
        return self

    def step_refs(
        self, named: dict[str, NamedCondition] | None = None, _seen: set[str] | None = None
    ) -> set[str]:
        """Step ids this condition reads, through named conditions too when ``named`` is given.

        The de minimis fact reads no step by itself; callers add its input steps. A circular
        named condition (reported by the loader) is followed once.
        """
        seen = set() if _seen is None else _seen
        refs: set[str] = set()
        for sub in (self.all_ or []) + (self.any_ or []) + ([self.not_] if self.not_ else []):
            refs |= sub.step_refs(named, seen)
        if self.answer:
            refs.add(self.answer)
        if self.country:
            refs.add(self.country)
        if self.other_than:
            refs.add(self.other_than)
        if self.ref and named and self.ref in named and self.ref not in seen:
            seen.add(self.ref)
            refs |= named[self.ref].when.step_refs(named, seen)
        return refs

    def named_refs(self) -> set[str]:
        """Names of the named conditions used directly in this condition."""
        out = {self.ref} if self.ref else set()
        for sub in (self.all_ or []) + (self.any_ or []) + ([self.not_] if self.not_ else []):
            out |= sub.named_refs()
        return out

    def uses_fact(self) -> bool:
        subs = (self.all_ or []) + (self.any_ or []) + ([self.not_] if self.not_ else [])
        return self.fact is not None or any(sub.uses_fact() for sub in subs)


class NamedCondition(Strict):
    """A condition with a name, defined once in ``rules/conditions.yaml`` and used as ``ref``."""

    id: Identifier
    description: Text
    when: Condition


class ConditionCatalogue(Strict):
    """``rules/conditions.yaml``."""

    last_reviewed: dt.date
    conditions: list[NamedCondition]
