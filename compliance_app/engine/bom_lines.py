"""One line of a bill of materials (BOM) and what kind of content it is.

A line is one part of the company's own product: where it was made (``origin``), how its maker
classified it (``classification``, as written), what it is worth in one unit of the product
(``value`` in ``currency``), and whether it would need a US licence to a destination if shipped
on its own (``licence_to``, the user's statement: Commerce Country Chart, Supp. No. 1 to Part 738,
and Part 746). :func:`line_kind` maps a line onto the option values of step
``m4_content_kinds`` (``rules/modules/m4_itar.yaml``); :mod:`compliance_app.engine.bom` builds
the per-destination de minimis worksheet from the lines.

Pure: standard library and pydantic only (plus the ``UNKNOWN`` constant of the rule base).
"""

from __future__ import annotations

import math
import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from compliance_app.rulebase.models import UNKNOWN

Kind = Literal["itar", "ear_9x515_ax", "ear_9x515_y", "ear_other_ccl", "ear99", "idk", "not_us"]
KIND_ORDER: tuple[str, ...] = (
    "itar",
    "ear_9x515_ax",
    "ear_9x515_y",
    "ear_other_ccl",
    "ear99",
    UNKNOWN,
)
"""Option order of step ``m4_content_kinds`` (and ``idk``, its "I don't know" value)."""

ISO_COUNTRIES = frozenset(
    """AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
    BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO
    DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU
    GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW
    KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU
    MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW
    PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF
    TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT
    ZA ZM ZW""".split()
)
"""ISO 3166-1 alpha-2 codes (officially assigned), and XK (Kosovo, in common use)."""

_LOOKALIKES = {"UK": "GB", "EL": "GR", "USA": "US"}
"""Codes people write that ISO 3166 spells otherwise."""

_ROMAN = "XXI|XX|XIX|XVIII|XVII|XVI|XV|XIV|XIII|XII|XI|X|IX|VIII|VII|VI|V|IV|III|II|I"
_USML = re.compile(
    rf"^(?:USML[\s:.-]*)?(?:CAT(?:EGORY)?[\s.:-]*)?({_ROMAN})(?:[\s.]*\(.*|\.[A-Z0-9].*)?$"
)
_ECCN = re.compile(r"^(?:ECCN[\s:.-]*)?(\d)([A-E])(\d{3})(.*)$")
_Y_PARAGRAPH = re.compile(r"^[\s.]*Y(?:[\s.(\d]|$)")


def country_problem(code: str) -> str | None:
    """Why ``code`` is not an ISO 3166 alpha-2 country code (upper case), or None when it is."""
    if code in ISO_COUNTRIES:
        return None
    better = _LOOKALIKES.get(code.upper())
    if better:
        return f"'{code}' is not an ISO 3166 country code; write {better} instead."
    if code.upper() in ISO_COUNTRIES:
        return f"'{code}' must be written in capitals: {code.upper()}."
    return f"'{code}' is not a two-letter ISO 3166 country code (for example FR, DE, US, IN)."


def parse_licence_to(text: str) -> tuple[str, frozenset[str]]:
    """Parse the ``licence_to`` grammar into ``(mode, countries)``.

    Grammar (keywords in any case; countries separated by spaces or commas):
    ``""`` -> ``("unknown", {})``; ``none`` -> ``("none", {})``; ``all`` -> ``("all", {})``;
    ``all except FR DE`` -> ``("except", {FR, DE})``; ``IN CN`` -> ``("only", {IN, CN})``.

    Raises:
        ValueError: with a sentence naming the bad country code or the expected forms.
    """
    words = [w for w in re.split(r"[\s,;]+", text.strip()) if w]
    if not words:
        return "unknown", frozenset()
    head = [w.lower() for w in words[:2]]
    if head == ["none"] and len(words) == 1:
        return "none", frozenset()
    if head == ["all"] and len(words) == 1:
        return "all", frozenset()
    mode, codes = "only", [w.upper() for w in words]
    if head == ["all", "except"]:
        mode, codes = "except", codes[2:]
        if not codes:
            raise ValueError(
                "'all except' must be followed by country codes, like 'all except FR'."
            )
    for code in codes:
        problem = country_problem(code)
        if problem:
            raise ValueError(
                f"licence_to {problem} Write 'none', 'all', 'all except FR DE' or a list like "
                "'IN CN', or leave it empty if you do not know."
            )
    return mode, frozenset(codes)


class BomLine(BaseModel):
    """One part of the product's bill of materials.

    Fields: ``part`` (part number or name, 1-200 characters); ``origin`` (ISO 3166 alpha-2 code
    of the country where the part was made, upper case, or ``unknown``); ``classification``
    (as the maker wrote it: a USML category such as ``XV(e)(1)``, an ECCN such as ``9A515.e.1``,
    ``EAR99`` or ``unknown``); ``value`` (fair market value of this part in one unit of the
    product, in ``currency``; None when not known, never 0 for unknown); ``currency`` (ISO 4217,
    three capitals); ``licence_to`` (see :func:`parse_licence_to`; stored in its normal form);
    ``note`` (free text).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    part: str = Field(min_length=1, max_length=200)
    origin: str
    classification: str = Field(min_length=1, max_length=200)
    value: Annotated[float, Field(ge=0)] | None
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    licence_to: str = ""
    note: str = Field(default="", max_length=2000)

    @field_validator("origin")
    @classmethod
    def _origin(cls, v: str) -> str:
        if v == "unknown":
            return v
        problem = country_problem(v)
        if problem:
            raise ValueError(f"origin {problem} Write 'unknown' if you do not know it.")
        return v

    @field_validator("value")
    @classmethod
    def _finite(cls, v: float | None) -> float | None:
        if v is not None and not math.isfinite(v):
            raise ValueError("value must be a finite number of zero or more.")
        return v

    @field_validator("licence_to")
    @classmethod
    def _licence(cls, v: str) -> str:
        mode, codes = parse_licence_to(v)
        listed = " ".join(sorted(codes))
        return {"unknown": "", "none": "none", "all": "all", "except": f"all except {listed}"}.get(
            mode, listed
        )


def licence_needed(line: BomLine, country: str | None) -> Literal["yes", "no", "unknown"]:
    """Would ``line``, shipped on its own, need a US licence to ``country``?

    Reads only the user's statement in ``line.licence_to`` (Country Chart and Part 746 are not
    applied here). ``"unknown"`` when the field is empty, or the country is not known and the
    answer depends on it.
    """
    mode, codes = parse_licence_to(line.licence_to)
    if mode in ("none", "all"):
        return "no" if mode == "none" else "yes"
    if mode == "unknown" or not country or country == UNKNOWN:
        return "unknown"
    inside = country in codes
    if mode == "except":
        return "no" if inside else "yes"
    return "yes" if inside else "no"


def line_kind(line: BomLine) -> Kind:
    """The content kind of a line: a value of step ``m4_content_kinds``, or ``not_us``.

    Origin other than ``US``/``unknown`` -> ``not_us``; unknown origin -> ``idk``; a USML
    category (roman numeral I-XXI, optional ``USML``/``Cat.`` prefix and paragraph) -> ``itar``;
    an ECCN (``^\\d[A-E]\\d{3}``): 9x515 and "600 series" (third character 6) -> ``ear_9x515_y``
    for paragraph .y, else ``ear_9x515_ax`` (a bare 9A515 is taken as .a-.x, the stricter
    case); other ECCNs (9A004 included) -> ``ear_other_ccl``; ``EAR99`` -> ``ear99``; anything
    else -> ``idk``.
    """
    if line.origin == "unknown":
        return "idk"
    if line.origin != "US":
        return "not_us"
    text = re.sub(r"\s+", " ", line.classification.strip().upper())
    if text.replace(" ", "") == "EAR99":
        return "ear99"
    if _USML.match(text):
        return "itar"
    m = _ECCN.match(text.replace(" ", ""))
    if not m:
        return "idk"
    category, _group, digits, rest = m.groups()
    if (category == "9" and digits == "515") or digits[0] == "6":
        return "ear_9x515_y" if _Y_PARAGRAPH.match(rest) else "ear_9x515_ax"
    return "ear_other_ccl"


def content_kinds(lines: list[BomLine]) -> list[str]:
    """The distinct kinds of the US-origin lines (``idk`` for unknown origin or classification),
    in the option order of step ``m4_content_kinds``; ``[]`` when no line is or may be US."""
    kinds = {line_kind(line) for line in lines}
    return [k for k in KIND_ORDER if k in kinds]
