"""The entries of a deal's lists: items, destinations and people groups (issue 10).

They are the answers of the three list steps (``rules/ruleset.yaml``, ``deal:``): the answer of
the items step is a list of :class:`Item`, and so on. Entries are strict (unknown keys
rejected) and every name is data, never markup. Ids are stable: ``item1``, ``dest2``,
``group3``; a removed entry's id is never given to a new one, so answers keyed by it never move
to another entry.

Shapes (as stored in drafts and answers files, plain dicts)::

    item:        {id: item1, name: PCU-200, kind: own_product, description: "", bom: [...],
                  rates: {USD: 0.86}}
    destination: {id: dest1, name: Prime SA, country: FR, role: customer, items: [item1]}
    group:       {id: group1, name: Indian engineers, citizenships: [IN], residences: [LU],
                  employment: employees, people: 6}
"""

from __future__ import annotations

from typing import Annotated, Literal

import pycountry
from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from compliance_app.engine.bom_lines import BomLine

UNKNOWN = "idk"
ItemKind = Literal["own_product", "us_item", "us_data", "service"]
Role = Literal["customer", "end_user", "consignee", "intermediary"]
Employment = Literal["employees", "contractors", "mixed", "idk"]

KIND_LABELS = {
    "own_product": "A product you make",
    "us_item": "A US item you buy, resell or build in",
    "us_data": "US technical data or software you receive",
    "service": "A service (engineering, training, integration)",
}
ROLE_LABELS = {
    "customer": "Customer (buyer)",
    "end_user": "End user",
    "consignee": "Consignee (receives the goods)",
    "intermediary": "Intermediary (agent, distributor, freight forwarder)",
}
EMPLOYMENT_LABELS = {
    "employees": "Regular employees",
    "contractors": "Contractors or seconded staff",
    "mixed": "Both",
    "idk": "I don't know",
}

Name = Annotated[str, Field(min_length=1, max_length=120)]


class Entry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    @field_validator("name", check_fields=False)
    @classmethod
    def _name(cls, value: str) -> str:
        if not value.strip():
            raise ValueError("enter a name")
        return value


def _country(code: object) -> str:
    if not (isinstance(code, str) and len(code) == 2 and code.isascii()):
        raise ValueError(f"not a country code: {code!r}")
    if pycountry.countries.get(alpha_2=code.upper()) is None:
        raise ValueError(f"not a country code: {code!r}")
    return code.upper()


def _countries(value: list[str], *, allow_unknown: bool) -> list[str]:
    if value == [UNKNOWN] and allow_unknown:
        return value
    if UNKNOWN in value:
        raise ValueError('"I don\'t know" cannot be combined with countries')
    return sorted({_country(c) for c in value})


class Item(Entry):
    """One item of the deal. ``bom``: the bill of materials of an own product (lines as
    :class:`compliance_app.engine.bom.BomLine` dicts); ``rates``: value of one unit of a
    foreign currency of the bill in EUR."""

    id: Annotated[str, Field(pattern=r"^item[1-9][0-9]{0,3}$")]
    name: Name
    kind: ItemKind
    description: str = Field("", max_length=2000)
    bom: list[BomLine] = Field(default_factory=list, max_length=5000)
    rates: dict[Annotated[str, Field(pattern=r"^[A-Z]{3}$")], Annotated[float, Field(gt=0)]] = (
        Field(default_factory=dict)
    )


class Destination(Entry):
    """A destination: a party in a country that receives some of the items."""

    id: Annotated[str, Field(pattern=r"^dest[1-9][0-9]{0,3}$")]
    name: Name
    country: str
    role: Role = "customer"
    items: list[str] = Field(default_factory=list)

    @field_validator("country")
    @classmethod
    def _code(cls, value: str) -> str:
        return _country(value)


class Group(Entry):
    """People who would see US technical data, with the same citizenships and residences.

    ``citizenships``: every citizenship held or ever held (ISO alpha-2), or ``["idk"]``;
    ``residences``: countries of permanent residence today (may be empty) or ``["idk"]``.
    """

    id: Annotated[str, Field(pattern=r"^group[1-9][0-9]{0,3}$")]
    name: Name
    citizenships: list[str] = Field(min_length=1)
    residences: list[str] = Field(default_factory=list)
    employment: Employment = "employees"
    people: int | None = Field(None, ge=1, le=100000)

    @field_validator("citizenships")
    @classmethod
    def _cit(cls, value: list[str]) -> list[str]:
        return _countries(value, allow_unknown=True)

    @field_validator("residences")
    @classmethod
    def _res(cls, value: list[str]) -> list[str]:
        return _countries(value, allow_unknown=True)


MODEL_OF = {"item_list": Item, "destination_list": Destination, "group_list": Group}


class EntryList(BaseModel):
    """A list of entries with unique ids (the answer of one list step)."""

    model_config = ConfigDict(extra="forbid")
    entries: list[Item] | list[Destination] | list[Group]

    @model_validator(mode="after")
    def _unique(self) -> EntryList:
        ids = [e.id for e in self.entries]
        if len(set(ids)) != len(ids):
            raise ValueError("two entries have the same id")
        return self


def new_id(prefix: str, existing: list[dict]) -> str:
    """The next free id (``item3`` after ``item1``, ``item2``); ids of removed entries are
    not reused while later ones exist."""
    numbers = [
        int(str(e["id"])[len(prefix) :])
        for e in existing
        if str(e.get("id", "")).startswith(prefix) and str(e["id"])[len(prefix) :].isdigit()
    ]
    return f"{prefix}{max(numbers, default=0) + 1}"
