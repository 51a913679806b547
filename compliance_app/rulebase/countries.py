"""Country data of the rule base (``rules/countries.yaml``): dated country groups.

Re-exported by :mod:`.models`. A group lists ISO 3166-1 alpha-2 codes with the citation, the date
of the text read and, where membership changes on known dates (e.g. the 126.1(r)(2) Cyprus
suspension), dated entries (:class:`DatedEntry`).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import Field, model_validator

from compliance_app.rulebase.types import Confidence, Strict

CountryCode = Annotated[str, Field(pattern=r"^[A-Z]{2}$")]


class DatedEntry(Strict):
    """A period in which a member of a country group is outside it (dated data).

    Example: 22 CFR 126.1(r)(2) suspends "the policy of denial and the status of Cyprus as a
    proscribed destination" for one US fiscal year at a time. On a day inside ``from``..``until``
    (both included) the country is not a member of the group; on a day outside every period
    listed for it, the rule base does not know its status (the suspension may have been renewed
    or not), and the country is *unsettled*: a condition ``{country: STEP, unsettled_in: GROUP}``
    holds, ``in_group`` does not (see :meth:`CountryGroup.members_on`).
    """

    country: CountryCode
    status: Literal["suspended"] = "suspended"
    from_: dt.date = Field(alias="from")
    until: dt.date
    source: str = Field(min_length=3)
    """The paragraph and the rule that set the period, e.g. ``126.1(r)(2), 90 FR ... ``."""
    confidence: Confidence
    read_in: str | None = None
    text_date: str | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _ordered(self) -> DatedEntry:
        if self.until < self.from_:
            raise ValueError(f"'until' ({self.until}) is before 'from' ({self.from_})")
        return self


class CountryGroup(Strict):
    id: Annotated[str, Field(pattern=r"^[A-Za-z0-9_]+$")]
    title: str
    citation: str
    as_of: dt.date
    checked: dt.date
    confidence: Confidence
    countries: list[CountryCode]
    read_in: str | None = None
    """Where the membership was read (URL, or ``owner/repo path@commit``)."""
    text_date: str | None = None
    """Date of the text the membership was read in."""
    last_change: str | None = None
    """The Federal Register rule of the group's last change, e.g. ``91 FR 1234 (3 Feb 2026)``."""
    sources: dict[CountryCode, str] = Field(default_factory=dict)
    """Per member: the paragraph that lists it and where that was read (or why it is secondary)."""
    dated: list[DatedEntry] = Field(default_factory=list)
    """Periods in which a member is outside the group (see :class:`DatedEntry`)."""
    note: str | None = None

    @model_validator(mode="after")
    def _members_known(self) -> CountryGroup:
        strays = sorted(({e.country for e in self.dated} | set(self.sources)) - set(self.countries))
        if strays:
            raise ValueError(f"'dated' or 'sources' name non-members: {', '.join(strays)}")
        return self

    def members_on(self, day: dt.date) -> frozenset[str]:
        """The members on ``day``: ``countries`` without those that have dated entries.

        A country with dated entries is either suspended (inside a period) or unsettled
        (outside every period) on any day; neither counts as a member.
        """
        return frozenset(self.countries) - {e.country for e in self.dated}

    def unsettled_on(self, day: dt.date) -> frozenset[str]:
        """Countries with dated entries whose status on ``day`` is unknown to the rule base:
        ``day`` lies outside every period listed for them (for example after the end of the
        last suspension that was read)."""
        dated = {e.country for e in self.dated}
        inside = {e.country for e in self.dated if e.from_ <= day <= e.until}
        return frozenset(dated - inside)


class CountryData(Strict):
    source: str
    as_of: dt.date
    last_reviewed: dt.date
    groups: list[CountryGroup]
