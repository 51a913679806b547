"""Strict data models of the rule base (pydantic v2).

Every model forbids unknown keys, so a typo such as ``requird`` or ``next_stpes`` in a
rule file is an error naming the key, never a silently applied default (pitfall P1).

Shapes in brief (see ``docs/rule-format.md`` for the author's guide):

* ``Ruleset``: metadata from ``rules/ruleset.yaml`` plus the loaded modules, the finding
  catalogue, the citation catalogue and the country data.
* ``Module``: one decision area (``rules/modules/*.yaml``) with its ``steps`` (questions)
  and ``rules`` (leaves that yield findings).
* ``Condition``: a small, closed condition language used by step branches and rules.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from compliance_app.rulebase.conditions import Condition, ConditionCatalogue, NamedCondition
from compliance_app.rulebase.countries import CountryCode, CountryData, CountryGroup, DatedEntry
from compliance_app.rulebase.types import (
    END,
    LANGS,
    LIST_TYPES,
    SCOPE_ORDER,
    UNKNOWN,
    Blocks,
    Confidence,
    Effect,
    FindingCode,
    Identifier,
    JurisdictionTag,
    Scope,
    Severity,
    Status,
    StepType,
    Strict,
    Text,
)

__all__ = [
    "CountryCode",
    "CountryData",
    "CountryGroup",
    "DatedEntry",
    "END",
    "LANGS",
    "UNKNOWN",
    "Blocks",
    "Condition",
    "ConditionCatalogue",
    "Confidence",
    "Effect",
    "FindingCode",
    "Identifier",
    "JurisdictionTag",
    "LIST_TYPES",
    "NamedCondition",
    "SCOPE_ORDER",
    "Scope",
    "Severity",
    "Status",
    "StepType",
    "Strict",
    "Text",
]


class Citation(Strict):
    """One entry of the citation catalogue (``rules/citations.yaml``)."""

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_.\-]*$")]
    citation: str = Field(min_length=3)
    title: str = Field(min_length=3)
    url: Annotated[str, Field(pattern=r"^https://")]
    confidence: Confidence
    checked: dt.date
    read_in: str | None = None
    """Where we read the text ourselves: a URL, or ``owner/repo path@commit`` of a copy."""
    text_date: str | None = None
    """Date of the text read (``2025-01-24``, ``eCFR of about Jan 2025``, an FR notice date)."""
    note: str | None = None


class CitationCatalogue(Strict):
    """``rules/citations.yaml``: every citation is written once, here."""

    source: str
    last_reviewed: dt.date
    citations: list[Citation]


class Option(Strict):
    value: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]*$", max_length=40)]
    label: Text
    hint: Text | None = None


class Unknown(Strict):
    """What an "I don't know" answer to a step means (decision map, section 3.3)."""

    blocks: Blocks
    effect: Effect = "undetermined"
    why: Text
    who: Text
    document: Text


class Branch(Strict):
    """One entry of a step's ``next`` list. Without ``if`` it is the default."""

    if_: Condition | None = Field(None, alias="if")
    goto: str


class Step(Strict):
    """One question of the wizard."""

    id: Identifier
    type: StepType
    question: Text
    hint: Text | None = None
    help: Text | None = None
    citations: list[str] = Field(default_factory=list)
    options: list[Option] = Field(default_factory=list)
    allow_unknown: bool = False
    unknown: Unknown | None = None
    unit: Text | None = None
    minimum: float | None = None
    maximum: float | None = None
    max_length: int = Field(2000, ge=1, le=20000)
    ask_if: Condition | None = None
    """The step is asked only when this holds; otherwise the walk passes over it."""
    next: list[Branch] = Field(default_factory=list)
    """Branches tried in order; without ``next`` the walk goes on to the following step (in
    module order, then ``END``). A non-empty list must end with an unconditional branch."""
    scope: list[Scope] = Field(default_factory=list)
    """The lists of the deal this step is asked for: ``[]`` once for the whole deal, ``[item]``
    once per item, ``[item, destination]`` once per item and destination it goes to, ``[group]``
    once per people group (see ``docs/rule-format.md``, "Scope")."""

    @field_validator("scope")
    @classmethod
    def _scope_order(cls, value: list[str]) -> list[str]:
        return _ordered_scope(value)

    @field_validator("next", mode="before")
    @classmethod
    def _next_shorthand(cls, value: object) -> object:
        if isinstance(value, str):
            return [{"goto": value}]
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Step:
        if self.type in LIST_TYPES and (self.scope or self.allow_unknown):
            raise ValueError("a list step is asked once for the deal: no scope, no 'I don't know'")
        if self.type in ("one", "many") and not self.options:
            raise ValueError(f"a '{self.type}' step needs options")
        if self.type not in ("one", "many") and self.options:
            raise ValueError(f"a '{self.type}' step takes no options")
        if self.type == "yes_no_unknown" and not self.allow_unknown:
            object.__setattr__(self, "allow_unknown", True)
        if self.allow_unknown and self.unknown is None:
            raise ValueError("a step that offers \"I don't know\" needs an 'unknown' block")
        if not self.allow_unknown and self.unknown is not None:
            raise ValueError("'unknown' is given but allow_unknown is false")
        if self.type == "text" and self.allow_unknown:
            raise ValueError('a text step cannot offer "I don\'t know"')
        if self.unit is not None and self.type != "number":
            raise ValueError("'unit' is only for number steps")
        values = [o.value for o in self.options]
        if len(set(values)) != len(values):
            raise ValueError("option values must be unique")
        if UNKNOWN in values:
            raise ValueError(f"'{UNKNOWN}' is reserved: use allow_unknown instead")
        return self

    def option_values(self) -> list[str]:
        """Every value an answer to this step may take (including ``idk`` if offered)."""
        if self.type in ("yes_no", "yes_no_unknown"):
            values = ["yes", "no"]
        else:
            values = [o.value for o in self.options]
        if self.allow_unknown:
            values.append(UNKNOWN)
        return values

    def label_of(self, value: str, lang: str = "en") -> str:
        """Human label of an option value (``value`` itself if it has no label)."""
        for o in self.options:
            if o.value == value:
                return o.label.get(lang)
        return {"yes": "Yes", "no": "No", UNKNOWN: "I don't know"}.get(value, value)


class Rule(Strict):
    """A leaf: when its condition holds, it yields findings (decision map, section 0)."""

    id: Annotated[str, Field(pattern=r"^L\d+\.\d+[a-z]?$")]
    title: Text
    when: Condition
    findings: list[FindingCode] = Field(default_factory=list)
    effect: Effect = "none"
    jurisdiction: JurisdictionTag = "none"
    citations: list[str] = Field(default_factory=list)
    next_step: Text | None = None
    about: list[Scope] = Field(default_factory=list)
    """What the finding is about: ``[]`` the whole deal, ``[item]`` each item, ``[item,
    destination]`` each item and destination, ``[group]`` each people group... It must be the
    lists of the steps the condition reads (the loader checks it)."""

    @field_validator("about")
    @classmethod
    def _about_order(cls, value: list[str]) -> list[str]:
        return _ordered_scope(value)


def _ordered_scope(value: list[str]) -> list[str]:
    if len(set(value)) != len(value):
        raise ValueError("a list is named twice")
    return sorted(value, key=SCOPE_ORDER.index)


class Module(Strict):
    """One rule file: a decision area with its metadata, steps and rules."""

    id: Identifier
    title: Text
    source: str = Field(min_length=3)
    regulation_text_date: dt.date
    last_reviewed: dt.date
    status: Status
    steps: list[Step] = Field(default_factory=list)
    rules: list[Rule] = Field(default_factory=list)


class Finding(Strict):
    """An entry of the finding catalogue (``rules/findings.yaml``)."""

    code: FindingCode
    title: Text
    severity: Severity
    advisory: bool = False
    explanation: Text
    next_steps: list[Text] = Field(default_factory=list)
    citations: list[str] = Field(default_factory=list)


class FindingCatalogue(Strict):
    """``rules/findings.yaml``: every finding code with its text and references."""

    last_reviewed: dt.date
    findings: list[Finding]


class CoverageArea(Strict):
    """One area of the regulations and how far the rule base covers it (``rules/coverage.yaml``).

    ``status``: ``models`` (asks, decides and says what follows), ``flags`` (recognises the
    situation and sends it to the adviser), ``not_covered``. ``modules`` and ``findings`` name
    where the rule base handles it (none for ``not_covered``).
    """

    id: Identifier
    regime: Literal["ITAR", "EAR", "OFAC", "EU/LU", "General"]
    title: Text
    status: Literal["models", "flags", "not_covered"]
    sections: str
    modules: list[Identifier] = Field(default_factory=list)
    findings: list[FindingCode] = Field(default_factory=list)
    note: Text | None = None


class CoverageMap(Strict):
    """``rules/coverage.yaml``: what the tool models, flags or does not cover."""

    last_reviewed: dt.date
    areas: list[CoverageArea] = Field(min_length=1)


class DeMinimisConfig(Strict):
    """Which steps feed the de minimis calculation (``compliance_app.engine.deminimis``)."""

    content_step: str
    destination_step: str
    us_value_step: str
    total_value_step: str


class DealConfig(Strict):
    """How the deal's lists feed the questions (``rules/ruleset.yaml``, ``deal:``).

    ``items``, ``destinations``, ``groups``: the list steps. ``filled``: steps answered from
    an entry of a list rather than asked (``m2_destination: destination.country``).
    ``home_country``: the step whose country is the destination of an item that goes nowhere.
    ``bill_of_materials``: the steps an item's bill of materials answers (content kinds, per
    destination the counted US value).
    """

    items: str
    destinations: str
    groups: str
    home_country: str
    filled: dict[
        str,
        Literal[
            "item.name",
            "item.description",
            "destination.country",
            "group.citizenships",
            "group.residences",
        ],
    ] = Field(default_factory=dict)
    """``item.description`` is the item's description, or its name when it has none."""
    bom_content_step: str
    bom_us_value_step: str
    bom_us_content_step: str = ""
    """Answered "yes" when the bill of materials has a US-origin line (so that a "no" can never
    contradict it)."""


class RulesetMeta(Strict):
    """``rules/ruleset.yaml``."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_\-]*$", max_length=64)]
    title: Text
    version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")]
    regulations_as_of: dt.date
    last_reviewed: dt.date
    start: str
    modules: list[str] = Field(min_length=1)
    de_minimis: DeMinimisConfig
    deal: DealConfig | None = None
    """Without it the rule base assesses one case (no lists, no scopes)."""
    disclaimer: Text


class Ruleset(Strict):
    """The whole rule base, loaded and validated (see ``compliance_app.rulebase.loader``)."""

    meta: RulesetMeta
    modules: list[Module]
    conditions: dict[str, NamedCondition] = Field(default_factory=dict)
    findings: dict[str, Finding]
    citations: dict[str, Citation]
    countries: CountryData
    coverage: CoverageMap | None = None

    @functools.cached_property
    def steps(self) -> dict[str, Step]:
        """All steps by id, in module order."""
        return {s.id: s for m in self.modules for s in m.steps}

    @functools.cached_property
    def following(self) -> dict[str, str]:
        """Each step id -> the id of the step after it in module order (``END`` after the last)."""
        order = list(self.steps)
        return {sid: (order[i + 1] if i + 1 < len(order) else END) for i, sid in enumerate(order)}

    @functools.cached_property
    def order(self) -> dict[str, int]:
        """Each step id -> its place in module order (the order the wizard asks in)."""
        return {sid: i for i, sid in enumerate(self.steps)}

    @functools.cached_property
    def rules(self) -> list[Rule]:
        """All rules, in module order."""
        return [r for m in self.modules for r in m.rules]

    @functools.cached_property
    def module_of_step(self) -> dict[str, str]:
        """Each step id -> the id of its module."""
        return {s.id: m.id for m in self.modules for s in m.steps}

    @functools.cached_property
    def module_of_rule(self) -> dict[str, str]:
        """Each rule id -> the id of its module."""
        return {r.id: m.id for m in self.modules for r in m.rules}

    @functools.cached_property
    def reads_memo(self) -> dict[str, frozenset[str]]:
        """Rule id -> the step ids its condition reads; filled by the engine as rules fire."""
        return {}

    def group(self, group_id: str) -> CountryGroup:
        for g in self.countries.groups:
            if g.id == group_id:
                return g
        raise KeyError(group_id)
