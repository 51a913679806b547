"""The de minimis worksheets of a deal (helper of :mod:`.sections`; issue 10).

``Evaluation.worksheets`` holds, per item with a bill of materials and per destination, the
worksheet of :mod:`compliance_app.engine.bom` as a dict::

    {item, destination, destination_label, currency, total_value, counted_value, unknown_lines,
     level, percent, status, explanation, section,
     lines: [{number, part, classification, kind, value_in_currency, counts, reason}]}

(values in ``currency``; ``level`` and ``percent`` in per cent; ``counts`` ``yes``/``no``/
``unknown``; ``status`` as :data:`compliance_app.engine.deminimis.Status`). Each becomes a table
of its lines, the sum, the percentage against the level, the regulation section and the status
in plain words. The dicts are read defensively (a key may be missing or of another type): a
worksheet whose status is ``unknown`` or not known, or that has unknown lines and no result
that they cannot change, is printed as *indeterminate* with the unknown lines listed — never
as a pass. All values are data and go through the builder's sanitizer (``b.t``).
"""

from __future__ import annotations

import math
from typing import Any

from reportlab.platypus import CondPageBreak, Flowable

from compliance_app.engine.values import country_name
from compliance_app.report.tables import grid

KIND_TEXT = {
    "itar": "ITAR (USML) part",
    "ear_9x515_ax": "EAR 9x515 (.a to .x) or 600 series",
    "ear_9x515_y": "EAR 9x515.y or 600 series .y",
    "ear_other_ccl": "EAR, other CCL entry",
    "ear99": "EAR99",
    "idk": "Not known",
    "not_us": "Not US-origin",
}
COUNTS_TEXT = {"yes": "Counted", "no": "Not counted", "unknown": "Unknown"}
STATUS_TEXT = {
    "exceeded": (
        "Above the de minimis level: the counted US content exceeds the level, so the product "
        "is subject to the EAR for this destination."
    ),
    "below": (
        "At or below the de minimis level on the figures given: the counted US content alone "
        "does not make the product subject to the EAR for this destination."
    ),
    "zero_rule": (
        "No de minimis for this destination: any content of the kind named below makes the "
        "product subject to the EAR, whatever its value."
    ),
    "not_applicable": (
        "Not applicable: no line of the bill of materials is US content that counts towards "
        "de minimis."
    ),
}
INDETERMINATE = (
    "Indeterminate: the result cannot be decided until the unknown lines are completed. This "
    "is not a pass: do not rely on de minimis for this destination until then."
)


def _number(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value) if math.isfinite(value) else None


def _money(value: object, currency: str) -> str:
    n = _number(value)
    return "not known" if n is None else f"{n:,.2f} {currency}".strip()


def _title(ws: dict) -> str:
    dest = ws.get("destination_label")
    if not dest:
        code = str(ws.get("destination") or "")
        dest = f"{country_name(code)} ({code})" if code else "destination not given"
    item = ws.get("item")
    return f"{item} → {dest}" if item else str(dest)


def indeterminate(ws: dict) -> bool:
    """True when the worksheet decides nothing: status unknown (or missing), or unknown lines
    with a status they could change (anything but ``exceeded`` and ``zero_rule``)."""
    status = ws.get("status")
    unknown = _number(ws.get("unknown_lines")) or 0
    lines = ws.get("lines") if isinstance(ws.get("lines"), list) else []
    unknown = max(
        unknown,
        sum(1 for x in lines if isinstance(x, dict) and x.get("counts") not in ("yes", "no")),
    )
    if status not in STATUS_TEXT:
        return True
    return bool(unknown) and status not in ("exceeded", "zero_rule")


def section(b: Any) -> list[Flowable]:
    """The "De minimis worksheets" section; nothing when the evaluation has none."""
    sheets = [ws for ws in b.ev.worksheets if isinstance(ws, dict)]
    if not sheets:
        return []
    out: list[Flowable] = [CondPageBreak(150), b.p("De minimis worksheets", "h1")]
    out.append(
        b.p(
            "For each product with a bill of materials and each destination: which lines count "
            "as controlled US content (15 CFR 734.4, method of Supplement No. 2 to Part 734), "
            "their sum and its share of the product's value against the de minimis level."
        )
    )
    seen: set[str] = set()
    for ws in sheets:
        item = str(ws.get("item") or "")
        out.extend(worksheet(b, ws, full=item not in seen))
        seen.add(item)
    return out


def worksheet(b: Any, ws: dict, full: bool = True) -> list[Flowable]:
    """One worksheet: heading, table of lines, sum, percentage, level, section, status.

    ``full``: every line; otherwise (the product's later destinations) the lines that are not
    US-origin, which never count whatever the destination, are left out and their number said
    (the product's first worksheet lists them)."""
    currency = str(ws.get("currency") or "")
    lines = (
        [x for x in ws.get("lines") or [] if isinstance(x, dict)]
        if isinstance(ws.get("lines"), list)
        else []
    )
    out: list[Flowable] = [CondPageBreak(120), b.p(b.t(_title(ws)), "h2")]
    rows = []
    shown = lines
    if not full:
        shown = [x for x in lines if not (x.get("kind") == "not_us" and x.get("counts") == "no")]
        left_out = len(lines) - len(shown)
        if left_out:
            out.append(
                b.p(
                    b.t(
                        f"{left_out} line(s) of this bill of materials are not US-origin and "
                        "never count; they are listed in this product's first worksheet."
                    ),
                    "small",
                )
            )
    for x in shown:  # three cells a line: a worksheet table can have thousands of lines
        kind = str(x.get("kind") or "idk")
        classification = str(x.get("classification") or "no classification given")
        counts = COUNTS_TEXT.get(str(x.get("counts")), "Unknown")
        rows.append(
            [
                f"<b>{b.t(x.get('number', ''))}.</b> {b.t(x.get('part', ''))}<br/>"
                f"{b.t(classification)} · {b.t(KIND_TEXT.get(kind, kind))}",
                f"{b.t(_money(x.get('value_in_currency'), currency))}<br/><b>{counts}</b>",
                b.t(x.get("reason", "")),
            ]
        )
    if rows:
        header = ["Line: part, classification, kind", "Value, counts", "Reason"]
        out.append(grid(b, header, rows, [2.6, 1.1, 3.3]))
    else:
        out.append(b.p("The bill of materials has no lines."))
    percent = _number(ws.get("percent"))
    level = _number(ws.get("level"))
    figures = [
        ("Counted US content", _money(ws.get("counted_value"), currency)),
        ("Value of the product", _money(ws.get("total_value"), currency)),
        ("Share", "not calculated" if percent is None else f"{percent:.1f} %"),
        ("De minimis level", "not decided" if level is None else f"{level:g} %"),
        ("Section", ws.get("section") or "verify with your adviser"),
    ]
    out.append(b.p(" · ".join(f"<b>{k}:</b> {b.t(v)}" for k, v in figures), "field"))
    if indeterminate(ws):
        out.append(b.p(f"<b>Status:</b> {b.t(INDETERMINATE)}", "warn"))
        unknown = [x for x in lines if x.get("counts") not in ("yes", "no")]
        if unknown:
            out.append(b.p("Unknown lines", "label"))
            out.extend(
                b.p(
                    b.t(f"Line {x.get('number', '?')}: {x.get('part', '')}. {x.get('reason', '')}"),
                    "check",
                    bulletText="\u2610",
                )
                for x in unknown
            )
    else:
        out.append(b.p(f"<b>Status:</b> {b.t(STATUS_TEXT[str(ws['status'])])}"))
    if ws.get("explanation"):
        out.append(b.p(b.t(ws["explanation"]), "small"))
    return out
