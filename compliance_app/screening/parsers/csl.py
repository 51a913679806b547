"""The US Consolidated Screening List (International Trade Administration, trade.gov).

One file merges the Commerce lists (Entity List, Denied Persons List, Unverified List, Military
End-User List), the State Department's (ITAR debarred, nonproliferation sanctions) and the
Treasury's (SDN, SSI, FSE, NS-MBS, CMIC, PLC, CAPTA). Published at
``https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.csv`` and
``.../consolidated.json``.

CSV: one header row ``_id,source,entity_number,type,programs,name,title,addresses,
federal_register_notice,start_date,end_date,standard_order,license_requirement,license_policy,
call_sign,vessel_type,gross_tonnage,gross_registered_tonnage,vessel_flag,vessel_owner,remarks,
source_list_url,alt_names,citizenships,dates_of_birth,nationalities,places_of_birth,
source_information_url,ids``; several values in one cell are separated by ``;`` (alt_names,
programs, addresses, nationalities); an address ends with its country. The CSV states no
publication date.

JSON: ``{"results": [...], "sources_used": [{"source", "source_last_updated", ...}], ...}`` (or
a bare list of results), each result with the same fields, ``alt_names`` and ``programs`` as
lists and ``addresses`` as objects ``{address, city, state, postal_code, country}``. The
publication date is the latest ``source_last_updated``.
"""

from __future__ import annotations

import json

from compliance_app.screening.model import Entry, ListFormatError, ParsedList
from compliance_app.screening.parsers.common import (
    cell,
    country_code,
    csv_rows,
    decode,
    header_rows,
    parse_date,
    split_multi,
)

LIST_ID = "us_csl"
_KINDS = {"individual": "person", "entity": "entity", "vessel": "vessel", "aircraft": "aircraft"}
_LICENCE = "Licence requirement: "


def _is_header(row: list[str]) -> bool:
    return len(row) > 5 and row[0] == "_id" and "name" in row and "source" in row


def _entry(
    ref: str,
    source: str,
    kind: str,
    name: str,
    alt_names: list[str],
    programmes: list[str],
    countries: list[str],
    licence: str,
    start: str,
) -> Entry | None:
    if not name:
        return None
    e = Entry(ref=ref, kind=_KINDS.get(kind.lower(), "unknown"), sub_list=source)
    e.add_name(name, "primary")
    for alt in alt_names:
        e.add_name(alt, "alias")
    for p in programmes:
        e.add_programme(p)
    if licence and not programmes:
        e.add_programme(_LICENCE + licence[:200])
    for c in countries:
        e.add_country(country_code(c))
    d = parse_date(start)
    e.listed_on = d.isoformat() if d else start
    return e


def parse_csl_csv(data: bytes) -> ParsedList:
    text = decode(data)
    _check_header(text)
    entries: list[Entry] = []
    for columns, row in header_rows(csv_rows(text), _is_header):
        addresses = split_multi(cell(columns, row, "addresses"))
        countries = [a.rsplit(",", 1)[-1] for a in addresses]
        countries += split_multi(cell(columns, row, "nationalities"), ",")
        countries += split_multi(cell(columns, row, "citizenships"), ",")
        e = _entry(
            cell(columns, row, "_id") or cell(columns, row, "entity_number"),
            cell(columns, row, "source"),
            cell(columns, row, "type"),
            cell(columns, row, "name"),
            split_multi(cell(columns, row, "alt_names")),
            split_multi(cell(columns, row, "programs")),
            countries,
            cell(columns, row, "license_requirement"),
            cell(columns, row, "start_date"),
        )
        if e is not None:
            entries.append(e)
    return ParsedList(LIST_ID, "csv", None, entries)


def _check_header(text: str) -> None:
    first = text.lstrip().split("\n", 1)[0][:80]
    if not first.replace('"', "").startswith("_id,"):
        raise ListFormatError(
            "This is not the Consolidated Screening List CSV (its first line should start with "
            '"_id,source,entity_number").'
        )


def _as_list(value: object) -> list[str]:
    if isinstance(value, list):
        return [str(v).strip() for v in value if isinstance(v, str | int) and str(v).strip()]
    if isinstance(value, str):
        return split_multi(value)
    return []


def parse_csl_json(data: bytes) -> ParsedList:
    try:
        doc = json.loads(decode(data))
    except json.JSONDecodeError as exc:
        msg = f"The JSON file cannot be read: {exc.msg} (line {exc.lineno})."
        raise ListFormatError(msg) from exc
    results = doc.get("results") if isinstance(doc, dict) else doc
    if not isinstance(results, list):
        raise ListFormatError(
            'This is not the Consolidated Screening List JSON (no "results" list).'
        )
    published = None
    if isinstance(doc, dict):
        dates = [
            parse_date(str(s.get("source_last_updated") or ""))
            for s in doc.get("sources_used") or []
            if isinstance(s, dict)
        ]
        published = max((d for d in dates if d), default=None)
    entries: list[Entry] = []
    for r in results:
        if not isinstance(r, dict):
            continue
        countries = [
            str(a.get("country") or "") for a in r.get("addresses") or [] if isinstance(a, dict)
        ]
        countries += _as_list(r.get("nationalities")) + _as_list(r.get("citizenships"))
        e = _entry(
            str(r.get("id") or r.get("_id") or r.get("entity_number") or ""),
            str(r.get("source") or ""),
            str(r.get("type") or ""),
            " ".join(str(r.get("name") or "").split()),
            _as_list(r.get("alt_names")),
            _as_list(r.get("programs")),
            countries,
            str(r.get("license_requirement") or ""),
            str(r.get("start_date") or ""),
        )
        if e is not None:
            entries.append(e)
    return ParsedList(LIST_ID, "json", published, entries)
