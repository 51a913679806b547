"""The UK Sanctions List (Foreign, Commonwealth & Development Office; since 28 January 2026 the
one UK list, OFSI's Consolidated List having closed), and OFSI's former Consolidated List CSV.

CSV (``https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.csv``): a first line
``Report Date: 08-Oct-2026``, then the header ``Last Updated,Unique ID,OFSI Group ID,UN Reference
Number,Name 6,Name 1,Name 2,Name 3,Name 4,Name 5,Name type,Alias strength,Title,Name non-latin
script,Non-latin script type,Non-latin script language,Regime Name,Designation Type,...,Address
Country,...,Nationality(/ies),...``. One party takes one row per name and address, grouped by
``Unique ID``; ``Name 6`` is the surname or the whole name of an entity or ship; ``Name type`` is
"Primary Name", "Primary Name Variation" or "Alias"; ``Alias strength`` may say "Weak".

Former OFSI CSV (``ConList.csv``): a first line ``Last Updated,28/11/2025``, then ``Name 6,Name 1,
...,Name Non-Latin Script,...,Country,...,Group Type,Alias Type,Alias Quality,Regime,...,Group
ID``, grouped by ``Group ID``.

XML (``UK-Sanctions-List.xml``): ``<Designations><DateGenerated>`` then one ``<Designation>``
with ``<UniqueID>``, ``<Names><Name><Name1>..<Name6><NameType>``, ``<NonLatinNames>`` with
``<NameNonLatinScript>``, ``<RegimeName>``, ``<IndividualEntityShip>``, addresses with
``<AddressCountry>`` and ``<Nationality>``.
"""

from __future__ import annotations

from compliance_app.screening.model import Entry, ListFormatError, ParsedList
from compliance_app.screening.parsers.common import (
    cell,
    child_text,
    country_code,
    csv_rows,
    decode,
    descendants,
    header_rows,
    parse_date,
    split_multi,
    xml_elements,
)

LIST_ID = "uk_sl"
_KINDS = {"individual": "person", "entity": "entity", "ship": "vessel"}
_NAME_COLS = ("Name 1", "Name 2", "Name 3", "Name 4", "Name 5", "Name 6")


def _name_kind(name_type: str, strength: str) -> str:
    t = name_type.strip().lower()
    if "weak" in strength.lower() or "low" in strength.lower():
        return "weak_alias"
    if t.startswith("primary name variation"):
        return "alias"
    if t.startswith("primary"):
        return "primary"
    if "former" in t or "previous" in t:
        return "former"
    return "alias"


def _is_header(row: list[str]) -> bool:
    return "Name 6" in row and ("Unique ID" in row or "Group ID" in row)


def parse_uk_csv(data: bytes) -> ParsedList:
    text = decode(data)
    head = text.lstrip()[:4000]
    if "Name 6" not in head:
        raise ListFormatError(
            'This is not the UK Sanctions List CSV (no header with "Name 6" near the top).'
        )
    first = head.split("\n", 1)[0]
    published = parse_date(first.split(":", 1)[-1]) if first.startswith("Report Date") else None
    if published is None and first.startswith("Last Updated,"):  # former OFSI file
        published = parse_date(first.split(",", 1)[1])
    by_id: dict[str, Entry] = {}
    for columns, row in header_rows(csv_rows(text), _is_header):
        ref = cell(columns, row, "Unique ID") or cell(columns, row, "Group ID")
        if not ref:
            continue
        e = by_id.get(ref)
        if e is None:
            e = by_id[ref] = Entry(ref=ref)
            kind = cell(columns, row, "Designation Type") or cell(columns, row, "Group Type")
            e.kind = _KINDS.get(kind.lower(), "unknown")
            d = parse_date(cell(columns, row, "Date Designated") or cell(columns, row, "Listed On"))
            e.listed_on = d.isoformat() if d else ""
        name = " ".join(p for p in (cell(columns, row, c) for c in _NAME_COLS) if p)
        name_type = cell(columns, row, "Name type") or cell(columns, row, "Alias Type")
        strength = cell(columns, row, "Alias strength") or cell(columns, row, "Alias Quality")
        e.add_name(name, "primary" if not e.names else _name_kind(name_type, strength))
        script = cell(columns, row, "Name non-latin script") or cell(
            columns, row, "Name Non-Latin Script"
        )
        e.add_name(script, "original_script")
        e.add_programme(cell(columns, row, "Regime Name") or cell(columns, row, "Regime"))
        for col in ("Address Country", "Country", "Nationality(/ies)", "Nationality"):
            for c in split_multi(cell(columns, row, col), ","):
                e.add_country(country_code(c))
    entries = [e for e in by_id.values() if e.names]
    return ParsedList(LIST_ID, "csv", published, entries)


def parse_uk_xml(data: bytes) -> ParsedList:
    published = None
    entries: list[Entry] = []
    for tag, el in xml_elements(data, {"Designation", "DateGenerated"}):
        if tag == "#root":
            if el.tag.rsplit("}", 1)[-1] != "Designations":
                raise ListFormatError("This is not the UK Sanctions List XML file.")
            continue
        if tag == "DateGenerated":
            published = parse_date(el.text)
            continue
        e = Entry(ref=child_text(el, "UniqueID"))
        e.kind = _KINDS.get(child_text(el, "IndividualEntityShip").lower(), "unknown")
        d = parse_date(child_text(el, "DateDesignated"))
        e.listed_on = d.isoformat() if d else ""
        for name in descendants(el, "Name"):
            parts = [child_text(name, f"Name{i}") for i in range(1, 7)]
            text = " ".join(p for p in parts if p)
            kind = _name_kind(child_text(name, "NameType"), child_text(name, "AliasStrength"))
            e.add_name(text, "primary" if not e.names else kind)
        for script in descendants(el, "NameNonLatinScript"):
            e.add_name(script.text, "original_script")
        e.add_programme(child_text(el, "RegimeName"))
        for node in descendants(el, "AddressCountry") + descendants(el, "Nationality"):
            e.add_country(country_code(node.text))
        if e.ref and e.names:
            entries.append(e)
    return ParsedList(LIST_ID, "xml", published, entries)
