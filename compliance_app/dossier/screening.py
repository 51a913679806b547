"""The screening record of an assessment: which parties were screened, against which lists of
which date, with what result. An optional section ``screening`` of the answers file (format
version 1; files without it load as before), written by :mod:`compliance_app.screening` and
printed by the report as the search log::

    screening:
      parties:
      - name: Huawei Technologies Deutschland GmbH   # as the user typed it
        country: DE                                  # ISO 3166-1 alpha-2, or ""
        role: end_user                               # see ROLES
        normalised: huawei technologies deutschland
        screened_at: 2026-11-30T09:12:00Z
        threshold: 85.0
        outcome: possible_match      # possible_match | no_match | stale_lists | not_screened
        lists:                       # every list searched or missing, with its date and hash
        - {id: us_csl, label: ..., state: ok, published: 2026-11-29, imported: ..., sha256: ...,
           entries: 28000}
        hits:
        - {list: us_csl, sub_list: Entity List (EL) - ..., entry: "...", entry_name: ...,
           matched_name: ..., score: 92.5, explanation: ..., programmes: [...], countries: [CN]}

Outcomes: ``possible_match`` (at least one hit, whatever the state of the lists);
``no_match`` (no hit, and every list present and current); ``stale_lists`` (no hit, every list
present but at least one older than the allowed age); ``not_screened`` (no hit, and at least one
list missing, empty or unreadable). Only ``no_match`` means "no match".
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

ROLES: dict[str, str] = {
    "customer": "Customer (buyer)",
    "end_user": "End user",
    "consignee": "Consignee",
    "intermediary": "Intermediary (agent, distributor, freight forwarder)",
    "us_partner": "US partner",
    "other": "Other party",
}
OUTCOMES: dict[str, str] = {
    "possible_match": "Possible match: check the hits",
    "no_match": "No match on any list",
    "stale_lists": "Not a clearance: screened against out-of-date lists only",
    "not_screened": "Not screened against every list",
}
LIST_STATES = ("ok", "stale", "missing", "empty", "unreadable")

Short = Annotated[str, Field(max_length=300)]
Long = Annotated[str, Field(max_length=4000)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ListRecord(_Strict):
    """One list as it stood when a party was screened."""

    id: Annotated[str, Field(max_length=32)]
    label: Short = ""
    state: Literal["ok", "stale", "missing", "empty", "unreadable"]
    published: dt.date | None = None
    imported: dt.datetime | None = None
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    entries: int | None = None
    note: Long = ""


class HitRecord(_Strict):
    """One listed entry that matched the party's name."""

    list: Annotated[str, Field(max_length=32)]
    sub_list: Short = ""
    entry: Short
    entry_name: Long
    matched_name: Long
    score: float
    explanation: Long = ""
    programmes: Annotated[list[Short], Field(max_length=50)] = Field(default_factory=list)
    countries: Annotated[list[Annotated[str, Field(max_length=2)]], Field(max_length=50)] = Field(
        default_factory=list
    )


class PartyRecord(_Strict):
    """One party of the deal and the result of screening it."""

    name: Short
    country: Annotated[str, Field(max_length=2)] = ""
    role: Literal["customer", "end_user", "consignee", "intermediary", "us_partner", "other"]
    normalised: Long = ""
    screened_at: dt.datetime
    threshold: float
    outcome: Literal["possible_match", "no_match", "stale_lists", "not_screened"]
    lists: Annotated[list[ListRecord], Field(max_length=20)] = Field(default_factory=list)
    hits: Annotated[list[HitRecord], Field(max_length=100)] = Field(default_factory=list)

    def lists_not_current(self) -> list[ListRecord]:
        return [r for r in self.lists if r.state != "ok"]


class ScreeningRecord(_Strict):
    """Every party screened in this assessment."""

    parties: Annotated[list[PartyRecord], Field(max_length=200)] = Field(default_factory=list)


def hit_id(hit: HitRecord) -> str:
    """How a review names one hit of a party: ``<list id>/<entry id>``."""
    return f"{hit.list}/{hit.entry}"


def changed_lists(party: PartyRecord, current: list[ListRecord]) -> list[str]:
    """Sentences naming each list that changed since ``party`` was screened (another file
    hash, date or state), or that was not there then. Empty when nothing changed."""
    then = {r.id: r for r in party.lists}
    out = []
    for now in current:
        old = then.get(now.id)
        if old is None:
            out.append(f"{now.label or now.id}: not searched when this party was screened.")
        elif (old.sha256, old.state) != (now.sha256, now.state):
            was = old.published.isoformat() if old.published else old.state
            new = now.published.isoformat() if now.published else now.state
            out.append(
                f"{now.label or now.id}: changed since the screening (was {was}, now {new})."
            )
    return out
