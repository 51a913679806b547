"""What a parser hands to the store: the entries of one list, with their names and dates.

Every official list is reduced to the same small shape (:class:`Entry`): the list's own id of
the entry, what it is (person, entity, vessel, aircraft), every name it is listed under with the
kind of name (primary, alias, weak alias, former name, name in the original script), the
countries it is linked to (ISO 3166-1 alpha-2), its programmes (sanctions regimes, or the
licence requirement of an export-control list) and, for a merged list such as the US
Consolidated Screening List, the list it comes from.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

KNOWN_LISTS: dict[str, str] = {
    "us_csl": "US Consolidated Screening List (trade.gov)",
    "eu_fsf": "EU consolidated list of financial sanctions",
    "uk_sl": "UK Sanctions List",
    "un_sc": "UN Security Council consolidated list",
}
"""List id -> label. Every screening searches all four; one that is missing or out of date is
named in the result (never a silent "no match")."""

NAME_KINDS = ("primary", "alias", "weak_alias", "former", "original_script")
ENTRY_KINDS = ("person", "entity", "vessel", "aircraft", "unknown")


class ListFormatError(ValueError):
    """A list file could not be read. ``str(error)`` says why, for the user."""


@dataclass(frozen=True)
class Name:
    text: str
    kind: str = "primary"
    """One of :data:`NAME_KINDS`."""


@dataclass
class Entry:
    """One listed party."""

    ref: str
    """The list's own id of the entry (EU reference number, UN reference, UK unique id, ...)."""
    kind: str = "unknown"
    names: list[Name] = field(default_factory=list)
    countries: list[str] = field(default_factory=list)
    """ISO 3166-1 alpha-2 codes: addresses, nationalities, citizenships."""
    programmes: list[str] = field(default_factory=list)
    sub_list: str = ""
    """For a merged list: the list the entry comes from (e.g. "Entity List (EL) - Bureau of
    Industry and Security")."""
    listed_on: str = ""
    """Date of listing as the file gives it (ISO when it can be read), or empty."""

    @property
    def primary(self) -> str:
        for n in self.names:
            if n.kind == "primary":
                return n.text
        return self.names[0].text if self.names else self.ref

    def add_name(self, text: str | None, kind: str) -> None:
        """Add a name once (the same text keeps its first, strongest kind)."""
        text = " ".join((text or "").split())
        if text and all(n.text != text for n in self.names):
            self.names.append(Name(text, kind))

    def add_country(self, code: str | None) -> None:
        if code and code not in self.countries:
            self.countries.append(code)

    def add_programme(self, programme: str | None) -> None:
        programme = " ".join((programme or "").split())
        if programme and programme not in self.programmes:
            self.programmes.append(programme)


@dataclass
class ParsedList:
    """One list file, read."""

    list_id: str
    """One of :data:`KNOWN_LISTS`."""
    source_format: str
    """``csv``, ``json`` or ``xml``."""
    published: dt.date | None
    """The publication or generation date the file states, or None when it states none."""
    entries: list[Entry]
    warnings: list[str] = field(default_factory=list)

    @property
    def label(self) -> str:
        return KNOWN_LISTS[self.list_id]
