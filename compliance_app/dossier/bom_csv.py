"""Reading a bill of materials (BOM) from a CSV file written by other people's software.

Columns (header names in any case, accents ignored; French aliases accepted): ``part``
(``pièce``, ``reference``), ``origin`` (``origine``), ``classification`` (``ECCN``), ``value``
(``valeur``), ``currency`` (``devise``), ``licence_to`` (``licence_vers``, ``license_to``),
``note``. Other columns are ignored and named in a problem.

Accepted quirks: Excel "CSV UTF-8" (byte-order mark), Excel on a French or German Windows
(cp1252, ``;`` delimiter, decimal comma ``16 000,50`` or ``16.000,50``), LibreOffice (``,`` or
``;``, quoted fields with line breaks), UTF-16 text with a byte-order mark (Excel "Unicode
text", tab-delimited), SAP/ERP exports (title lines before the header, the header repeated on
every page, blank lines, trailing empty columns, a total row).

Nothing is dropped silently and nothing is guessed: a bad field becomes unknown and a problem
names the CSV line and what to do. :class:`BomError` only when the file cannot be read at all.
See ``docs/bom.md``.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata

from pydantic import ValidationError

from compliance_app.engine.bom_lines import BomLine, country_problem, parse_licence_to

MAX_BYTES = 2 * 1024 * 1024
MAX_LINES = 5000
_HEADER_SEARCH = 30
"""Rows read to find the header (ERP exports start with title lines)."""

COLUMNS = ("part", "origin", "classification", "value", "currency", "licence_to", "note")
ALIASES: dict[str, str] = {
    "part": "part",
    "piece": "part",
    "reference": "part",
    "part_number": "part",
    "origin": "origin",
    "origine": "origin",
    "country_of_origin": "origin",
    "classification": "classification",
    "eccn": "classification",
    "value": "value",
    "valeur": "value",
    "currency": "currency",
    "devise": "currency",
    "licence_to": "licence_to",
    "license_to": "licence_to",
    "licence_vers": "licence_to",
    "note": "note",
}
_UNKNOWN_WORDS = {"", "?", "unknown", "idk", "n/a", "na", "inconnu", "inconnue", "unbekannt"}
_PAGE = re.compile(r"^(page|seite|p\.|blatt)\s*\d+(\s*(/|of|von|sur|de)\s*\d+)?$", re.IGNORECASE)
_TOTAL = re.compile(r"^(total|sum|summe|somme|gesamt|grand total)\b", re.IGNORECASE)


class BomError(ValueError):
    """The file cannot be read as a BOM at all (too big, binary, no recognisable header)."""


def _key(name: str) -> str:
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    return re.sub(r"[\s_\-.]+", "_", plain.strip().lower()).strip("_")


def _decode(data: bytes) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    if b"\x00" in data:
        raise BomError("The file is not a text file (it contains binary data); save it as CSV.")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def _find_header(text: str) -> tuple[str, int, dict[int, str], list[str]]:
    """(delimiter, index of the header row, column index -> field, names of ignored columns)."""
    best: tuple[int, str, int, dict[int, str], list[str]] | None = None
    for delim in (";", ",", "\t", "|"):
        rows = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
        try:
            for i, row in enumerate(rows):
                if i >= _HEADER_SEARCH:
                    break
                fields = {j: ALIASES[_key(c)] for j, c in enumerate(row) if _key(c) in ALIASES}
                if len(set(fields.values())) >= 2 and "part" in fields.values():
                    extra = [c.strip() for j, c in enumerate(row) if j not in fields and c.strip()]
                    if best is None or len(fields) > best[0]:
                        best = (len(fields), delim, i, fields, extra)
                    break
        except csv.Error:
            continue
    if best is None:
        raise BomError(
            "No recognisable header: one of the first lines must name the columns part, origin, "
            "classification, value, currency (see the template)."
        )
    return best[1], best[2], best[3], best[4]


def _number(raw: str) -> tuple[float | None, str]:
    """Parse a value written by a spreadsheet; returns ``(value, style)``.

    ``style`` is ``comma`` or ``dot`` (the decimal separator the text proves), ``ambiguous``
    (``16,000`` or ``16.000``: one separator followed by three digits), ``plain`` (no
    separator) or ``bad``.
    """
    s = re.sub(r"[\s\u00a0\u202f'’]", "", raw)
    s = re.sub(r"^(?:EUR|USD|GBP|€|\$|£)|(?:EUR|USD|GBP|€|\$|£)$", "", s, flags=re.IGNORECASE)
    if re.fullmatch(r"\d+", s):
        return float(s), "plain"
    if re.fullmatch(r"\d+(?:\.\d+)?[eE][+-]?\d+", s):
        return float(s), "dot"
    m = re.fullmatch(r"(\d{1,3}(?:([.,])\d{3})+|\d+)(?:([.,])(\d+))?", s)
    if not m:
        return None, "bad"
    whole, thousands, dec, frac = m.groups()
    if dec and thousands and dec == thousands:
        return None, "bad"
    if thousands and not dec and whole.count(thousands) == 1:
        return None, "ambiguous"
    if dec:
        return float(whole.replace(thousands or "?", "") + "." + frac), (
            "comma" if dec == "," else "dot"
        )
    return float(whole.replace(thousands or "?", "")), "comma" if thousands == "." else "dot"


def _decimal_value(raw: str, style: str | None) -> float | None:
    """The value of an ambiguous ``16,000`` / ``16.000`` once the file's decimal style is known."""
    sep = "," if "," in raw else "."
    s = re.sub(r"[^\d.,]", "", raw)
    if style is None:
        return None
    if (style == "comma") == (sep == ","):
        return float(s.replace(sep, "."))
    return float(s.replace(sep, ""))


def read_bom_csv(data: bytes) -> tuple[list[BomLine], list[str]]:
    """Read a BOM CSV file.

    Returns ``(lines, problems)``: every data row becomes a :class:`BomLine` (a bad field
    becomes unknown: value None, origin/classification ``unknown``, licence_to empty), and each
    problem is one sentence naming the CSV line number (1-based, physical line where the row
    starts) and what to do.

    Raises:
        BomError: over 2 MB, binary, no recognisable header, or more than 5,000 BOM lines.
    """
    if len(data) > MAX_BYTES:
        raise BomError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split the BOM.")
    if data.startswith(b"PK\x03\x04"):
        raise BomError("This is an Excel workbook (.xlsx), not CSV; save it as CSV UTF-8.")
    text = _decode(data)
    delim, header_row, fields, extra = _find_header(text)
    problems: list[str] = []
    if extra:
        problems.append(
            f"Columns ignored: {', '.join(extra)}. The value column must hold the value of all "
            "units of the part in one unit of your product."
        )
    missing = [c for c in COLUMNS[:5] if c not in fields.values()]
    if missing:
        problems.append(
            f"The file has no column {', '.join(missing)}: that information is taken as unknown "
            "on every line."
        )
    raw_rows: list[tuple[int, dict[str, str]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delim)
    start = 1
    try:
        for i, row in enumerate(reader):
            line_no, start = start, reader.line_num + 1
            if i <= header_row or not any(c.strip() for c in row):
                continue
            cells = {f: row[j].strip() for j, f in fields.items() if j < len(row)}
            if (
                sum(1 for j, f in fields.items() if j < len(row) and ALIASES.get(_key(row[j])) == f)
                >= 2
            ):
                continue  # the header repeated (a page break of an ERP export)
            if _TOTAL.match(cells.get("part", "")) and not (
                cells.get("origin") or cells.get("classification")
            ):
                problems.append(
                    f"Line {line_no}: the row '{cells['part']}' was read as a total and skipped; "
                    "if it is a part, give its origin and classification."
                )
                continue
            if _PAGE.match(cells.get("part", "")) and not any(
                v for f, v in cells.items() if f != "part"
            ):
                problems.append(
                    f"Line {line_no}: the row '{cells['part']}' was read as a page line and "
                    "skipped; if it is a part, give its origin and classification."
                )
                continue
            raw_rows.append((line_no, cells))
            if len(raw_rows) > MAX_LINES:
                raise BomError(f"The BOM has more than {MAX_LINES:,} lines; split it.")
    except csv.Error as exc:
        raise BomError(f"The CSV cannot be read near line {start}: {exc}.") from exc
    styles = {_number(c.get("value", ""))[1] for _n, c in raw_rows}
    proven = styles & {"comma", "dot"}
    style = next(iter(proven)) if len(proven) == 1 else None
    lines = [_line(n, cells, style, problems) for n, cells in raw_rows]
    return lines, problems


def _line(n: int, cells: dict[str, str], style: str | None, problems: list[str]) -> BomLine:  # noqa: C901
    part = cells.get("part", "")
    if not part:
        problems.append(f"Line {n}: the part is empty; give its part number or name.")
        part = f"(no part name, line {n})"
    if len(part) > 200:
        problems.append(f"Line {n}: the part name was cut to 200 characters.")
        part = part[:200]
    origin = cells.get("origin", "").strip().upper()
    if origin.lower() in _UNKNOWN_WORDS:
        origin = "unknown"
    elif origin in ("U.S.", "U.S.A.", "USA"):
        origin = "US"
    elif (why := country_problem(origin)) is not None:
        problems.append(f"Line {n}: origin {why} It is taken as unknown.")
        origin = "unknown"
    classification = cells.get("classification", "")
    if classification.lower() in _UNKNOWN_WORDS:
        classification = "unknown"
    classification = classification[:200]
    raw = cells.get("value", "")
    value: float | None = None
    if raw.lower() not in _UNKNOWN_WORDS:
        value, kind = _number(raw)
        if raw.lstrip().startswith("-"):
            value = None
            problems.append(
                f"Line {n}: value '{raw}' is negative; enter the value of the part (zero or "
                "more), or leave it empty if unknown."
            )
        elif kind == "bad":
            problems.append(
                f"Line {n}: value '{raw}' is not a number; enter it like 16000.50 or leave it "
                "empty if unknown."
            )
        elif kind == "ambiguous":
            value = _decimal_value(raw, style)
            if value is None:
                problems.append(
                    f"Line {n}: value '{raw}' could be read two ways (thousands or decimals); "
                    "write it without a thousands separator, like 16000 or 16.5. It is taken "
                    "as unknown."
                )
    currency = cells.get("currency", "").strip().upper()
    if not re.fullmatch(r"[A-Z]{3}", currency):
        if currency and (value is not None or raw):
            problems.append(
                f"Line {n}: currency '{currency}' is not a three-letter ISO 4217 code (like EUR "
                "or USD); the value is taken as unknown."
            )
        elif value is not None:
            problems.append(
                f"Line {n}: the value has no currency; give it as a three-letter ISO 4217 code "
                "like EUR or USD. The value is taken as unknown."
            )
        currency, value = "XXX", None
    licence = cells.get("licence_to", "")
    try:
        parse_licence_to(licence)
    except ValueError as exc:
        problems.append(f"Line {n}: {exc} It is taken as not known.")
        licence = ""
    try:
        return BomLine(
            part=part,
            origin=origin,
            classification=classification,
            value=value,
            currency=currency,
            licence_to=licence,
            note=cells.get("note", "")[:2000],
        )
    except ValidationError as exc:  # not expected: every field was checked above
        problems.append(f"Line {n}: {exc.errors()[0]['msg']}; the line is kept as unknown.")
        return BomLine(
            part=part, origin="unknown", classification="unknown", value=None, currency="XXX"
        )


def template_csv() -> bytes:
    """The downloadable BOM template: UTF-8 with a byte-order mark (Excel reads the accents),
    comma-delimited, the header and two example lines."""
    rows = [
        list(COLUMNS),
        [
            "FPGA XQR-1000 (US supplier)",
            "US",
            "9A515.e.1",
            "16000.00",
            "EUR",
            "all except AU CA GB",
            "Supplier classification statement of 2026-03-02",
        ],
        ["Structure panel", "FR", "", "50000.00", "EUR", "", "Made in France: not US content"],
    ]
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return b"\xef\xbb\xbf" + out.getvalue().encode("utf-8")
