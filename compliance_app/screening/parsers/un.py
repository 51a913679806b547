"""The United Nations Security Council consolidated list
(``https://scsanctions.un.org/resources/xml/en/consolidated.xml``).

XML: root ``<CONSOLIDATED_LIST dateGenerated="2026-11-27T16:00:05.453Z">`` with
``<INDIVIDUALS><INDIVIDUAL>`` and ``<ENTITIES><ENTITY>``. An individual has ``<DATAID>``,
``<FIRST_NAME>``, ``<SECOND_NAME>``, ``<THIRD_NAME>``, ``<FOURTH_NAME>``, ``<UN_LIST_TYPE>``
(the sanctions committee, e.g. "Al-Qaida", "DPRK"), ``<REFERENCE_NUMBER>`` (e.g. ``QDi.001``),
``<LISTED_ON>``, ``<NAME_ORIGINAL_SCRIPT>``, ``<NATIONALITY><VALUE>``, aliases
``<INDIVIDUAL_ALIAS><QUALITY>Good|Low|a.k.a.|f.k.a.</QUALITY><ALIAS_NAME>`` and addresses
``<INDIVIDUAL_ADDRESS><COUNTRY>``. An entity has its name in ``<FIRST_NAME>``, aliases in
``<ENTITY_ALIAS>`` and addresses in ``<ENTITY_ADDRESS>``. "Low" quality aliases are weak
aliases; "f.k.a." are former names.
"""

from __future__ import annotations

from compliance_app.screening.model import Entry, ListFormatError, ParsedList
from compliance_app.screening.parsers.common import (
    child_text,
    children,
    country_code,
    descendants,
    parse_date,
    xml_elements,
)

LIST_ID = "un_sc"


def _alias_kind(quality: str) -> str:
    q = quality.strip().lower()
    if q in ("low", "weak"):
        return "weak_alias"
    if q.startswith("f.k.a") or q == "fka":
        return "former"
    return "alias"


def parse_un_xml(data: bytes) -> ParsedList:
    published = None
    entries: list[Entry] = []
    for tag, el in xml_elements(data, {"INDIVIDUAL", "ENTITY"}):
        if tag == "#root":
            if el.tag != "CONSOLIDATED_LIST":
                raise ListFormatError("This is not the UN Security Council consolidated list XML.")
            published = parse_date(el.get("dateGenerated"))
            continue
        person = tag == "INDIVIDUAL"
        e = Entry(
            ref=child_text(el, "REFERENCE_NUMBER") or child_text(el, "DATAID"),
            kind="person" if person else "entity",
        )
        parts = [child_text(el, n) for n in ("FIRST_NAME", "SECOND_NAME", "THIRD_NAME")]
        parts.append(child_text(el, "FOURTH_NAME"))
        e.add_name(" ".join(p for p in parts if p), "primary")
        e.add_name(child_text(el, "NAME_ORIGINAL_SCRIPT"), "original_script")
        for alias in children(el, "INDIVIDUAL_ALIAS" if person else "ENTITY_ALIAS"):
            e.add_name(child_text(alias, "ALIAS_NAME"), _alias_kind(child_text(alias, "QUALITY")))
        e.add_programme(child_text(el, "UN_LIST_TYPE"))
        d = parse_date(child_text(el, "LISTED_ON"))
        e.listed_on = d.isoformat() if d else ""
        for nat in children(el, "NATIONALITY"):
            for value in children(nat, "VALUE"):
                e.add_country(country_code(value.text))
        for addr in children(el, "INDIVIDUAL_ADDRESS" if person else "ENTITY_ADDRESS"):
            for c in descendants(addr, "COUNTRY"):
                e.add_country(country_code(c.text))
        if e.names:
            entries.append(e)
    return ParsedList(LIST_ID, "xml", published, entries)
