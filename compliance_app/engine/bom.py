"""Per-destination de minimis worksheet from a bill of materials (BOM).

For one destination, each line of the BOM is counted or not as controlled US content under
15 CFR 734.4 with the method of Supplement No. 2 to Part 734, and the status is decided by
:func:`compliance_app.engine.deminimis.calculate` (the function whose statuses the rules read),
so that the worksheet and the engine never disagree:

1. the no-de-minimis cases of 734.4(a)(6) first (9x515 / "600 series" .a-.x content to
   Country Group D:5; .y content to E:1, E:2, Belarus, China, Russia): ``zero_rule``;
2. a line counts when it is US-origin content on the CCL that would need a licence to the
   destination if shipped on its own (the user's ``licence_to`` statement, see
   :func:`licence_needed`; Supp. No. 2, (a)(1)); ITAR parts never count (see-through,
   22 CFR 120.11(c)); non-US parts never count; EAR99 parts count only where Part 746 may
   require a licence (group ``EAR99_DE_MINIMIS_CHECK``), and there the adviser decides;
3. a line that could count but whose classification, origin, value, exchange rate or licence
   need is not known is ``unknown``;
4. status: the known counted value alone above the level -> ``exceeded`` (unknown lines can only
   add); else any unknown line -> ``unknown`` (never ``below``); else the percentage against the
   level (10 % for E:1/E:2, 734.4(c); 25 % elsewhere, 734.4(d)).

Where the rule base has read 15 CFR 734.4 only in secondary sources, the explanation says
"verify". Imports: rulebase, engine.deminimis, engine.bom_lines, pydantic, stdlib.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Literal

from pydantic import BaseModel, ConfigDict

from compliance_app.engine.bom_lines import (
    BomLine,
    content_kinds,
    licence_needed,
    line_kind,
    parse_licence_to,
)
from compliance_app.engine.deminimis import COUNTED, Status, calculate
from compliance_app.rulebase.models import UNKNOWN, Ruleset

__all__ = [
    "BomLine",
    "Worksheet",
    "WorksheetLine",
    "content_kinds",
    "licence_needed",
    "line_kind",
    "parse_licence_to",
    "projected",
    "worksheet",
]

Counts = Literal["yes", "no", "unknown"]


class WorksheetLine(BaseModel):
    """One BOM line on the worksheet of one destination.

    ``number`` is 1-based in BOM order; ``value_in_currency`` is the line's value converted to
    the worksheet currency (None when the value or the exchange rate is not known); ``counts``
    says whether it is counted as controlled US content; ``reason`` is one plain sentence.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    number: int
    part: str
    classification: str
    kind: str
    value_in_currency: float | None
    counts: Counts
    reason: str


class Worksheet(BaseModel):
    """The de minimis worksheet of one product for one destination.

    Values are in ``currency``; ``level`` and ``percent`` are percentages (0-100), ``level`` 0
    for the zero rule and None when not decided; ``status`` is a :data:`deminimis.Status`;
    ``section`` is the regulation paragraph the status rests on.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    destination: str
    currency: str
    total_value: float | None
    lines: list[WorksheetLine]
    counted_value: float
    unknown_lines: int
    level: float | None
    percent: float | None
    status: Status
    explanation: str
    section: str


def _verify(ruleset: Ruleset) -> str:
    c = ruleset.citations.get("15cfr734.4")
    if c is not None and c.confidence == "confirmed":
        return ""
    return (
        " The rule base has read 15 CFR 734.4 (its levels and no-de-minimis cases) only in "
        "secondary sources: verify the current text with your adviser."
    )


def _convert(line: BomLine, currency: str, rates: Mapping[str, float]) -> float | None:
    if line.value is None:
        return None
    if line.currency == currency:
        return float(line.value)
    rate = rates.get(line.currency)
    return None if rate is None else float(line.value) * rate


def _level(ruleset: Ruleset, destination: str) -> float | None:
    """The de minimis level for CCL content at ``destination``, as ``calculate`` decides it."""
    return calculate(ruleset, ["ear_other_ccl"], destination, None, None).level


def _zero_rule_kinds(ruleset: Ruleset, kinds: list[str], destination: str) -> set[str]:
    """The kinds that alone put the destination under a no-de-minimis case of 734.4(a)(6)."""
    return {
        k
        for k in kinds
        if k in ("ear_9x515_ax", "ear_9x515_y")
        and calculate(ruleset, [k], destination, None, None).status == "zero_rule"
    }


def _line(  # noqa: PLR0911 (one return per case of the method)
    ruleset: Ruleset,
    line: BomLine,
    destination: str,
    value: float | None,
    currency: str,
    zero: set[str],
) -> tuple[Counts, str]:
    """Whether one line counts for ``destination``, and the sentence that says why."""
    kind = line_kind(line)
    cls = line.classification
    if kind == "not_us":
        return "no", (
            f"Made in {line.origin}, not US-origin content: not counted (only US-origin "
            "content counts, 15 CFR 734.4)."
        )
    if kind == UNKNOWN and line.origin == "unknown":
        return "unknown", (
            "The origin of this part is not known: if it is US-origin it may count, so ask the "
            "supplier where it was made."
        )
    if kind == UNKNOWN:
        return "unknown", (
            f"US-origin part whose classification '{cls}' is not known or not recognised: it "
            "may count, so ask the US supplier for its written classification (USML category, "
            "ECCN or EAR99)."
        )
    if kind == "itar":
        xv = (
            " The notes to USML Category XV on parts built into a 9A515 item are handled by the "
            "questions on your product, not here."
            if "XV" in cls.upper()
            else ""
        )
        return "no", (
            f"ITAR part ({cls}): not counted, because the ITAR has no de minimis rule; the ITAR "
            f"rules follow this part into your product (see-through, 22 CFR 120.11(c)).{xv}"
        )
    if kind in zero:
        para = "(a)(6)(i)" if kind == "ear_9x515_ax" else "(a)(6)(ii)"
        return "yes", (
            f"9x515 or 600-series part ({cls}) and destination {destination}: no de minimis "
            f"level applies, so any amount of it makes your product subject to the EAR "
            f"(15 CFR 734.4{para})."
        )
    if kind == "ear99":
        if calculate(ruleset, ["ear99"], destination, None, None).status == "unknown":
            return "unknown", (
                f"EAR99 part and destination {destination}: EAR99 content counts where Part 746 "
                "requires a licence for it at the destination (Supp. No. 2 to Part 734, (a)(1)); "
                "the adviser decides."
            )
        return "no", (
            f"EAR99 part: not counted for {destination}, because EAR99 content counts only where "
            "Part 746 requires a licence for it (Supp. No. 2 to Part 734, (a)(1))."
        )
    need = licence_needed(line, destination)
    if need == "no":
        return "no", (
            f"US-origin part {cls} would need no US licence to {destination} if shipped on its "
            "own (your licence_to statement): not counted (Supp. No. 2 to Part 734, (a)(1))."
        )
    if need == "unknown":
        return "unknown", (
            f"US-origin part {cls}: whether it would need a US licence to {destination} is not "
            "known; check the Commerce Country Chart and Part 746 and fill in licence_to."
        )
    if line.value is None:
        return "unknown", (
            f"US-origin part {cls} needs a licence to {destination}, so it counts, but its value "
            "is not known."
        )
    if value is None:
        return "unknown", (
            f"US-origin part {cls} needs a licence to {destination}, so it counts, but there is "
            f"no exchange rate from {line.currency} to {currency}."
        )
    return "yes", (
        f"US-origin part {cls} would need a US licence to {destination}: counted as controlled "
        "US content (Supp. No. 2 to Part 734, (a)(1))."
    )


def _section(status: Status, level: float | None, zero: set[str]) -> str:
    if status == "zero_rule":
        return "15 CFR 734.4(a)(6)(i)" if "ear_9x515_ax" in zero else "15 CFR 734.4(a)(6)(ii)"
    if level == 10.0:
        return "15 CFR 734.4(c)"
    if level == 25.0:
        return "15 CFR 734.4(d)"
    if status == "below":  # nothing counted (EAR99 only): Part 746 decides, not a level
        return "15 CFR Part 734, Supp. No. 2, (a)(1)"
    return "15 CFR 734.4; Supp. No. 2 to Part 734"


def worksheet(
    ruleset: Ruleset,
    lines: list[BomLine],
    destination: str,
    total_value: float | None,
    rates: Mapping[str, float],
    currency: str = "EUR",
) -> Worksheet:
    """The de minimis worksheet of the product for one destination.

    Args:
        lines: the BOM.
        destination: ISO 3166 alpha-2 code, upper case.
        total_value: value of one unit of the product in ``currency`` (None when not known).
        rates: value of one unit of a foreign currency in ``currency`` (``{"USD": 0.86}``);
            a line in a currency without a rate has an unknown value.
        currency: ISO 4217 code of the product's value.

    Raises:
        ValueError: a destination that is not two capitals, or a rate that is not a positive
            finite number.
    """
    if len(destination) != 2 or not destination.isalpha() or not destination.isupper():
        raise ValueError(f"The destination '{destination}' must be a two-letter ISO code.")
    for code, rate in rates.items():
        if not (isinstance(rate, int | float) and math.isfinite(rate) and rate > 0):
            raise ValueError(f"The exchange rate for {code} must be a number above zero.")
    kinds = content_kinds(lines)
    zero = _zero_rule_kinds(ruleset, kinds, destination)
    rows: list[WorksheetLine] = []
    for n, line in enumerate(lines, start=1):
        value = _convert(line, currency, rates)
        counts, reason = _line(ruleset, line, destination, value, currency, zero)
        rows.append(
            WorksheetLine(
                number=n,
                part=line.part,
                classification=line.classification,
                kind=line_kind(line),
                value_in_currency=value,
                counts=counts,
                reason=reason,
            )
        )
    counted = sum(r.value_in_currency or 0.0 for r in rows if r.counts == "yes")
    unknown = sum(1 for r in rows if r.counts == "unknown")
    total = float(total_value) if total_value is not None else None
    itar = any(r.kind == "itar" for r in rows)

    def done(status: Status, explanation: str, level: float | None, percent=None) -> Worksheet:
        if itar and status != "zero_rule":
            explanation += (
                " ITAR parts are not counted: the ITAR rules follow them into the product "
                "(see-through, 22 CFR 120.11(c))."
            )
        if status != "not_applicable":
            explanation += _verify(ruleset)
        return Worksheet(
            destination=destination,
            currency=currency,
            total_value=total,
            lines=rows,
            counted_value=counted,
            unknown_lines=unknown,
            level=level,
            percent=percent,
            status=status,
            explanation=explanation.strip(),
            section=_section(status, level, zero),
        )

    base = calculate(ruleset, kinds, destination, None, total, currency)
    if base.status in ("zero_rule", "not_applicable", "below"):  # no value needed
        return done(base.status, base.explanation, base.level, base.percent)
    level = _level(ruleset, destination)
    if total is None or total <= 0:
        return done(
            "unknown",
            "The value of your product is not known or is zero, so the percentage cannot be "
            "calculated; enter the value of one unit of the product.",
            level,
        )
    yes_kinds = sorted({r.kind for r in rows if r.counts == "yes"} & set(COUNTED))
    if yes_kinds:
        known = calculate(ruleset, yes_kinds, destination, counted, total, currency)
        if known.status == "exceeded":
            more = (
                f" {unknown} more line(s) are not known; they can only add to the counted "
                "content, so the result stands."
                if unknown
                else ""
            )
            return done("exceeded", known.explanation + more, known.level, known.percent)
        if known.status == "unknown":
            return done("unknown", known.explanation, known.level)
    if unknown:
        return done(
            "unknown",
            f"The counted US content known so far is {counted:,.2f} {currency} of "
            f"{total:,.2f} {currency} ({counted / total * 100:.1f} %), but {unknown} line(s) "
            f"are not known, so the result is indeterminate: complete those lines before "
            "relying on de minimis.",
            level,
        )
    final = calculate(ruleset, kinds, destination, counted, total, currency)
    return done(final.status, final.explanation, final.level, final.percent)


def projected(
    ruleset: Ruleset,
    lines: list[BomLine],
    destination: str,
    total_value: float | None,
    rates: Mapping[str, float],
    currency: str = "EUR",
) -> tuple[list[str], float | str]:
    """What the engine should see for this item and destination.

    Returns ``(content kinds for step m4_content_kinds, value for step m5_us_value)``: the
    counted value in ``currency``, or ``"idk"`` when some line is not known, except when the
    known counted value is already above the level (``exceeded``): then that value.
    """
    ws = worksheet(ruleset, lines, destination, total_value, rates, currency)
    if ws.unknown_lines == 0 or ws.status == "exceeded":
        return content_kinds(lines), ws.counted_value
    return content_kinds(lines), UNKNOWN
