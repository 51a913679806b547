"""Which list a file is, from its content (never from its name alone)."""

from __future__ import annotations

import re

from compliance_app.screening.model import ListFormatError, ParsedList
from compliance_app.screening.parsers.common import decode
from compliance_app.screening.parsers.csl import parse_csl_csv, parse_csl_json
from compliance_app.screening.parsers.eu import parse_eu_csv, parse_eu_xml
from compliance_app.screening.parsers.uk import parse_uk_csv, parse_uk_xml
from compliance_app.screening.parsers.un import parse_un_xml

MAX_BYTES = 500_000_000
"""Largest list file accepted (the US JSON file is about 35 MB, the UK CSV about 50 MB)."""
_ROOT = re.compile(r"<\s*(?:[A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s>/]")
_SKIP = re.compile(r"<\?.*?\?>|<!--.*?-->", re.S)


def _head(data: bytes) -> str:
    """The first characters of the file as text (a character cut at the end is dropped)."""
    if len(data) <= 20000:
        text = decode(data)
    else:
        enc = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else "utf-8-sig"
        text = data[:20000].decode(enc, "ignore")
    return text.lstrip("\ufeff \t\r\n")


def parse_file(data: bytes) -> ParsedList:
    """Read any supported list file. Raises ListFormatError with a reason for the user."""
    if len(data) > MAX_BYTES:
        raise ListFormatError(f"The file is {len(data):,} bytes; the limit is {MAX_BYTES:,}.")
    if not data.strip():
        raise ListFormatError("The file is empty.")
    head = _head(data)
    if head.startswith("<"):
        m = _ROOT.search(_SKIP.sub("", head))
        root = m.group(1) if m else None
        parser = {
            "export": parse_eu_xml,
            "CONSOLIDATED_LIST": parse_un_xml,
            "Designations": parse_uk_xml,
        }.get(root or "")
        if parser is None:
            raise ListFormatError(
                f"This XML file (root element {root!r}) is not one of the supported lists: EU "
                "financial sanctions, UN Security Council consolidated list, UK Sanctions List."
            )
        return parser(data)
    if head.startswith(("{", "[")):
        return parse_csl_json(data)
    first = head.split("\n", 1)[0]
    if first.replace('"', "").startswith("_id,"):
        return parse_csl_csv(data)
    if "Entity_LogicalId" in first:
        return parse_eu_csv(data)
    if "Name 6" in head[:4000]:
        return parse_uk_csv(data)
    raise ListFormatError(
        "This file is not one of the supported lists (US Consolidated Screening List CSV or "
        "JSON, EU financial sanctions XML or CSV, UK Sanctions List CSV or XML, UN Security "
        "Council consolidated list XML)."
    )
