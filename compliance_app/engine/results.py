"""What the engine returns: the path, the findings, the open questions and the overall result.

All plain, frozen pydantic models so that the CLI can dump them as JSON and the report and
the UI can read them without knowing how the engine got there.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict

from compliance_app.rulebase.models import Citation, Severity

Jurisdiction = Literal["ITAR", "EAR", "EAR99", "not_subject", "mixed", "undetermined"]
Authorization = Literal["yes", "no", "likely", "depends", "undetermined"]


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrailEntry(Frozen):
    """One question asked on the path and the answer given.

    ``answer`` is the raw stored value (str, list[str], float or None when not answered);
    ``answer_text`` is what a person reads (option labels, country names, number with unit).
    """

    step_id: str
    module_id: str
    question: str
    answer: str | float | list[str] | list[dict] | None
    answer_text: str
    unknown: bool
    citations: list[Citation]
    about: str = ""
    """What the answer is about in a deal: the item, destination or group ("" for the deal)."""


class Firing(Frozen):
    """A rule (leaf) that fired, with the answers its condition read: the audit trail."""

    rule_id: str
    rule_title: str
    module_id: str
    steps: list[str]
    """Ids of the steps whose answers made the rule's condition hold, in path order (the "Why"
    line): the parts of an ``any`` that held, not the answers a ``not`` ruled out."""
    next_step: str | None
    citations: list[Citation]
    countries: list[str] = []
    """ISO codes the rule's condition picked out (``{country: ...}`` tests), see ``groups``."""
    groups: list[str] = []
    """Ids of the country groups (``in_group``) whose test picked those countries."""
    about: str = ""
    """The item, destination or group (as the rule's ``about`` says) it fired for; "" for
    the whole deal."""


class FindingResult(Frozen):
    """A finding as produced for this assessment.

    ``fired_by`` lists every rule that produced it (empty for the summary findings that the
    engine adds itself, see ``derived``).
    """

    code: str
    title: str
    severity: Severity
    advisory: bool
    explanation: str
    next_steps: list[str]
    citations: list[Citation]
    fired_by: list[Firing]
    derived: str | None = None
    """Why the engine added this finding itself (summary or verification findings)."""
    countries: list[str] = []
    """The countries (ISO 3166 alpha-2) this finding is about, e.g. the nationalities of staff
    who may not see ITAR data: the union of its firings' countries, in order. Empty when the
    finding is not about particular countries."""
    groups: list[str] = []
    """Country group ids (``rules/countries.yaml``) that picked ``countries``."""
    about: list[str] = []
    """The items, destinations and groups this finding is about (labels as the user named
    them, e.g. ``"PCU-200 → Operator, India (IN)"``); empty when it is about the whole deal."""


class OpenQuestion(Frozen):
    """An "I don't know" answer that matters: a question for the adviser."""

    step_id: str
    question: str
    blocks: Literal["jurisdiction", "authorization", "finding"]
    why: str
    who: str
    document: str
    rule_id: str | None = None
    """Set when a rule (not an "I don't know" answer) raised the question."""
    about: str = ""
    """The item, destination or group the question is about ("" for the deal)."""


class CoverageLine(Frozen):
    """One area of the coverage map (``rules/coverage.yaml``), as the report prints it."""

    regime: str
    title: str
    status: Literal["models", "flags", "not_covered"]
    sections: str
    note: str | None = None


class MatrixRow(Frozen):
    """One cell of a deal: an item with a destination (and a people group where the walk
    reached who sees US technical data), and what the engine concluded for it."""

    item: str
    destination: str
    group: str = ""
    jurisdiction: Jurisdiction
    us_authorization_needed: Authorization
    authorisations: list[str]
    """Codes of the authorisation, exemption and prohibition findings of this cell."""
    causes: list[str]
    """Codes of the other findings that decide the cell (jurisdiction, de minimis, ...)."""
    access: str = ""
    """For a people group: ``barred``, ``named``, ``exemption``, ``licence``, ``allowed``,
    ``open`` (see ``compliance_app.engine.deal_results.ACCESS``); "" for other cells."""
    complete: bool = True
    open_questions: int = 0
    calculation: str = ""
    """The de minimis calculation of this cell, if one was made."""


class Evaluation(Frozen):
    """The engine's answer for one set of answers.

    * ``path``: step ids visited, in order. When ``complete`` is false the last id is the
      ``pending_step`` that still needs an answer and the findings are provisional.
    * ``findings``: ordered by severity (critical first), then catalogue order.
    * ``jurisdiction`` and ``us_authorization_needed``: decision map, section 3.
    """

    ruleset_id: str
    ruleset_version: str
    regulations_as_of: str
    countries_as_of: str = ""
    """Date of the country data (126.1, Country Groups) the result used, ISO format."""
    evaluated_on: str = ""
    """The day dated country data was evaluated on (e.g. the 126.1(r) Cyprus suspension), ISO."""
    complete: bool
    pending_step: str | None
    path: list[str]
    trail: list[TrailEntry]
    findings: list[FindingResult]
    open_questions: list[OpenQuestion]
    jurisdiction: Jurisdiction
    us_authorization_needed: Authorization
    unused_answers: list[str]
    """Answered steps that are no longer on the path: kept, but not used."""
    fired_rules: list[str] = []
    """Ids of every rule whose condition held, in rule-base order (also those with no finding)."""
    calculations: list[str] = []
    """Plain-language calculations the result rests on (e.g. the de minimis percentage)."""
    coverage: list[CoverageLine] = []
    """What the rule base models, flags or does not cover (empty: no coverage map)."""
    matrix: list[MatrixRow] = []
    """A deal's result per cell (empty for a single case)."""
    driver: str = ""
    """The cell that decides ``us_authorization_needed`` (its label), for a deal."""
    worksheets: list[dict] = []
    """Per item and destination, the de minimis worksheet from the bill of materials
    (``compliance_app.engine.bom.Worksheet`` as a dict)."""

    def codes(self) -> list[str]:
        return [f.code for f in self.findings]
