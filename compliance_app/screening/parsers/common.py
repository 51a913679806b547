"""Helpers shared by the list readers: text decoding, CSV rows, dates, countries, safe XML."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from functools import lru_cache
from xml.etree.ElementTree import Element  # nosec B405: type only, parsed with defusedxml

import pycountry
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from compliance_app.screening.model import ListFormatError

csv.field_size_limit(10_000_000)


def decode(data: bytes) -> str:
    """UTF-8 (byte-order mark optional) or UTF-16 with a byte-order mark; else refused."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ListFormatError("The file says it is UTF-16 but is not.") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListFormatError(
            f"The file is not UTF-8 text (byte {exc.start} cannot be read); download it again "
            "from the official address."
        ) from exc


def csv_rows(text: str, delimiter: str = ",") -> Iterator[list[str]]:
    """Rows of a CSV text, each cell stripped; blank lines and stray BOMs skipped."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            cells = [c.replace("\ufeff", "").strip() for c in row]
            if any(cells):
                yield cells
    except csv.Error as exc:
        raise ListFormatError(f"The CSV file cannot be read: {exc}") from exc


def header_rows(rows: Iterator[list[str]], is_header) -> Iterator[tuple[dict[str, int], list[str]]]:
    """``(column index by name, row)`` for each data row after the first header row.

    Rows before the header (a "Report Date" line) are skipped; a header repeated further down
    (files pasted together) is skipped too. ``is_header(row)`` recognises the header.
    """
    columns: dict[str, int] | None = None
    for row in rows:
        if is_header(row):
            columns = {name: i for i, name in enumerate(row)}
            continue
        if columns is not None:
            yield columns, row


def cell(columns: dict[str, int], row: list[str], name: str) -> str:
    i = columns.get(name)
    return row[i].strip() if i is not None and i < len(row) else ""


_MONTHS = {m: i for i, m in enumerate("jan feb mar apr may jun jul aug sep oct nov dec".split(), 1)}


def parse_date(text: str | None) -> dt.date | None:
    """``2026-11-28``, ``2026-11-28T10:00:00+01:00``, ``28/11/2026``, ``28-Nov-2026``; else None."""
    text = (text or "").strip()
    if not text:
        return None
    m = re.match(r"(\d{4})-(\d{2})-(\d{2})", text)
    if m:
        y, mo, d = map(int, m.groups())
    else:
        m = re.match(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", text)
        if m:
            d, mo, y = map(int, m.groups())
        else:
            m = re.match(r"(\d{1,2})[- ]([A-Za-z]{3})[a-z]*[- ,]+(\d{4})", text)
            if not m or m.group(2).lower() not in _MONTHS:
                return None
            d, mo, y = int(m.group(1)), _MONTHS[m.group(2).lower()], int(m.group(3))
    try:
        return dt.date(y, mo, d)
    except ValueError:
        return None


_COUNTRY_ALIASES = {
    "russia": "RU",
    "turkey": "TR",
    "korea, north": "KP",
    "north korea": "KP",
    "democratic people's republic of korea": "KP",
    "korea, south": "KR",
    "south korea": "KR",
    "uae": "AE",
    "iran": "IR",
    "syria": "SY",
    "congo (democratic republic)": "CD",
    "democratic republic of the congo": "CD",
    "congo, democratic republic of the": "CD",
    "burma": "MM",
    "ivory coast": "CI",
    "palestinian territories": "PS",
    "west bank": "PS",
    "gaza": "PS",
    "kosovo": "XK",
    "united kingdom": "GB",
    "uk": "GB",
    "usa": "US",
    "united states": "US",
}


@lru_cache(maxsize=4096)
def country_code(text: str | None) -> str:
    """ISO 3166-1 alpha-2 code of a country code or name, or "" when unknown."""
    text = " ".join((text or "").split()).strip(" .,")
    if not text or text.upper() in ("UNKNOWN", "00", "-"):
        return ""
    if len(text) == 2 and text.isalpha():
        return text.upper()
    alias = _COUNTRY_ALIASES.get(text.lower())
    if alias:
        return alias
    try:
        return pycountry.countries.lookup(text).alpha_2
    except LookupError:
        return ""


def local(tag: str) -> str:
    """``{namespace}name`` -> ``name``."""
    return tag.rsplit("}", 1)[-1]


def xml_elements(data: bytes, wanted: set[str]) -> Iterator[tuple[str, Element]]:
    """``(tag, element)`` for the root (tag ``"#root"``) and each complete element whose local
    name is in ``wanted``, read as a stream without DTDs or entities (defusedxml).

    Elements are cleared once handed out, so large files use little memory.
    """
    try:
        depth = 0
        for event, elem in iterparse(io.BytesIO(data), ("start", "end"), forbid_dtd=True):
            if event == "start":
                if depth == 0:
                    yield "#root", elem
                depth += 1
                continue
            depth -= 1
            name = local(elem.tag)
            if name in wanted:
                yield name, elem
                elem.clear()
    except DefusedXmlException as exc:
        raise ListFormatError(
            "The XML file declares a DTD or entities, which the official lists never do."
        ) from exc
    except SyntaxError as exc:  # xml.etree.ElementTree.ParseError
        raise ListFormatError(f"The XML file cannot be read: {exc}") from exc


def child_text(elem: Element, name: str) -> str:
    """Text of the first direct child with local name ``name`` ("" when none)."""
    for child in elem:
        if local(child.tag) == name:
            return " ".join((child.text or "").split())
    return ""


def children(elem: Element, name: str) -> list[Element]:
    return [child for child in elem if local(child.tag) == name]


def descendants(elem: Element, name: str) -> list[Element]:
    return [e for e in elem.iter() if local(e.tag) == name]


def split_multi(text: str, sep: str = ";") -> list[str]:
    return [p.strip() for p in text.split(sep) if p.strip()]
