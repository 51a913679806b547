"""The EU consolidated list of persons, groups and entities subject to EU financial sanctions
(the "Financial Sanctions Files", FSF, format 1.1, published by the European Commission).

XML (``xmlFullSanctionsList_1_1``): root ``<export generationDate="2026-11-27T17:53:14.211+01:00"
globalFileId="..." xmlns="http://eu.europa.ec/fpi/fsd/export">``, one ``<sanctionEntity
euReferenceNumber="EU.27.28" unitedNationId="" designationDate="" logicalId="13">`` per listed
party, with ``<regulation programme="IRQ" publicationDate=... >``, ``<subjectType
code="person|enterprise" classificationCode="P|E">``, one ``<nameAlias wholeName=...
firstName=... lastName=... nameLanguage="RU" strong="true|false">`` per name (a weak alias has
``strong="false"``; names in other scripts have a ``nameLanguage``), ``<citizenship
countryIso2Code=...>``, ``<address countryIso2Code=...>``, ``<birthdate
countryIso2Code=...>``.

CSV (``csvFullSanctionsList_1_1``): UTF-8 with a byte-order mark, separated by semicolons, one
header row (``fileGenerationDate;Entity_LogicalId;Entity_EU_ReferenceNumber;...;
Entity_SubjectType;Entity_SubjectType_ClassificationCode;...;Entity_Regulation_Programme;...;
NameAlias_LastName;NameAlias_FirstName;NameAlias_MiddleName;NameAlias_WholeName;
NameAlias_NameLanguage;...;Address_CountryIso2Code;...;Citizenship_CountryIso2Code;...``).
One party takes several rows (one per name, address, birth date, ...), grouped by
``Entity_LogicalId``; ``fileGenerationDate`` (``dd/mm/yyyy``) is repeated on each row.
"""

from __future__ import annotations

from compliance_app.screening.model import Entry, ListFormatError, ParsedList
from compliance_app.screening.parsers.common import (
    cell,
    children,
    country_code,
    csv_rows,
    decode,
    header_rows,
    parse_date,
    xml_elements,
)

LIST_ID = "eu_fsf"
_KINDS = {"person": "person", "enterprise": "entity", "p": "person", "e": "entity"}


def _kind(code: str) -> str:
    return _KINDS.get(code.strip().lower(), "unknown")


def _name_kind(strong: str, language: str, text: str, remark: str = "") -> str:
    low = remark.lower()
    if strong.strip().lower() == "false" or "low quality" in low or "weak" in low:
        return "weak_alias"
    if language and not text.isascii():
        return "original_script"
    return "alias"


def parse_eu_xml(data: bytes) -> ParsedList:
    published = None
    entries: list[Entry] = []
    for tag, el in xml_elements(data, {"sanctionEntity"}):
        if tag == "#root":
            if el.tag.rsplit("}", 1)[-1] != "export":
                raise ListFormatError("This is not the EU financial sanctions XML file.")
            published = parse_date(el.get("generationDate"))
            continue
        ref = el.get("euReferenceNumber") or el.get("logicalId") or ""
        e = Entry(ref=ref)
        for st in children(el, "subjectType"):
            e.kind = _kind(st.get("code") or st.get("classificationCode") or "")
        for i, alias in enumerate(children(el, "nameAlias")):
            whole = alias.get("wholeName") or " ".join(
                p for p in (alias.get(k) for k in ("firstName", "middleName", "lastName")) if p
            )
            kind = (
                "primary"
                if i == 0
                else _name_kind(alias.get("strong", ""), alias.get("nameLanguage", ""), whole)
            )
            e.add_name(whole, kind)
        for reg in children(el, "regulation"):
            e.add_programme(reg.get("programme"))
            if not e.listed_on:
                e.listed_on = reg.get("publicationDate") or ""
        for part in ("citizenship", "address", "birthdate"):
            for node in children(el, part):
                e.add_country(country_code(node.get("countryIso2Code")))
        if e.names:
            entries.append(e)
    return ParsedList(LIST_ID, "xml", published, entries)


def _is_header(row: list[str]) -> bool:
    return "Entity_LogicalId" in row and "NameAlias_WholeName" in row


def parse_eu_csv(data: bytes) -> ParsedList:
    text = decode(data)
    first = text.lstrip().split("\n", 1)[0]
    if "Entity_LogicalId" not in first or ";" not in first:
        raise ListFormatError(
            "This is not the EU financial sanctions CSV file (its first line should be a "
            'header with "Entity_LogicalId", separated by semicolons).'
        )
    published = None
    by_id: dict[str, Entry] = {}
    for columns, row in header_rows(csv_rows(text, ";"), _is_header):
        logical = cell(columns, row, "Entity_LogicalId")
        if not logical:
            continue
        published = published or parse_date(cell(columns, row, "fileGenerationDate"))
        e = by_id.get(logical)
        if e is None:
            ref = cell(columns, row, "Entity_EU_ReferenceNumber") or logical
            e = by_id[logical] = Entry(ref=ref)
            e.kind = _kind(
                cell(columns, row, "Entity_SubjectType_ClassificationCode")
                or cell(columns, row, "Entity_SubjectType")
            )
            e.listed_on = cell(columns, row, "Entity_Regulation_PublicationDate")
        whole = cell(columns, row, "NameAlias_WholeName") or " ".join(
            p
            for p in (
                cell(columns, row, "NameAlias_FirstName"),
                cell(columns, row, "NameAlias_MiddleName"),
                cell(columns, row, "NameAlias_LastName"),
            )
            if p
        )
        if whole:
            kind = (
                "primary"
                if not e.names
                else _name_kind(
                    "",
                    cell(columns, row, "NameAlias_NameLanguage"),
                    whole,
                    cell(columns, row, "NameAlias_Remark"),
                )
            )
            e.add_name(whole, kind)
        e.add_programme(cell(columns, row, "Entity_Regulation_Programme"))
        for col in (
            "Address_CountryIso2Code",
            "Citizenship_CountryIso2Code",
            "BirthDate_CountryIso2Code",
        ):
            e.add_country(country_code(cell(columns, row, col)))
    entries = [e for e in by_id.values() if e.names]
    return ParsedList(LIST_ID, "csv", published, entries)
