"""Base types of the rule base: strict model base, translatable text, ids and literals.

Used by :mod:`.conditions` and :mod:`.models`; re-exported by :mod:`.models`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

LANGS = ("en", "fr")
UNKNOWN = "idk"
"""Option value of the "I don't know" answer, the same on every question type."""

END = "END"
"""Pseudo step id: a branch that goes to END finishes the questioning."""

StepType = Literal[
    "yes_no",
    "yes_no_unknown",
    "one",
    "many",
    "country",
    "countries",
    "number",
    "text",
    "item_list",
    "destination_list",
    "group_list",
]
LIST_TYPES = ("item_list", "destination_list", "group_list")
"""Steps whose answer is a list the user builds: the deal's items, destinations, people groups."""
Scope = Literal["item", "destination", "group"]
"""A list of the deal a step is asked for, or a rule is about (one answer/finding per entry)."""
SCOPE_ORDER = ("item", "destination", "group")
Effect = Literal["yes", "likely", "undetermined", "depends", "no", "none"]
JurisdictionTag = Literal["ITAR", "EAR", "EAR99", "undetermined", "none"]
"""``undetermined``: the rule holds jurisdiction open (an open question) unless another rule
settles it with ITAR, EAR or EAR99."""
Severity = Literal["critical", "high", "medium", "low", "info"]
Confidence = Literal["confirmed", "secondary", "unconfirmed"]
Blocks = Literal["jurisdiction", "authorization", "finding"]
Status = Literal["draft", "active", "superseded"]

Identifier = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=64)]
FindingCode = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=64)]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Text(Strict):
    """A text in one or more languages; English is required, French optional.

    In YAML a plain string is shorthand for ``{en: "..."}``.
    """

    en: str = Field(min_length=1)
    fr: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_plain_string(cls, value: object) -> object:
        if isinstance(value, str):
            return {"en": value}
        if not isinstance(value, dict):
            kind = {list: "a list", bool: "a boolean", int: "a number", float: "a number"}
            got = kind.get(type(value), type(value).__name__)
            raise ValueError(f'expected a text (a string, or {{en: "...", fr: "..."}}), got {got}')
        return value

    def get(self, lang: str = "en") -> str:
        """Return the text in ``lang``, falling back to English."""
        return getattr(self, lang, None) or self.en
