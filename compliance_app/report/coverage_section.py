"""The report's coverage page: what the rule base models, flags or does not cover (issue 9).

Printed in every report after the findings, from ``Evaluation.coverage`` (``rules/coverage.yaml``),
so that the tool's silence about an area never reads as "no issue there".
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import CondPageBreak, Flowable

STATUS = {
    "models": "MODELS",
    "flags": "FLAGS",
    "not_covered": "NOT COVERED",
}
INTRO = (
    "<b>Models</b>: the tool asks, decides and says what follows. "
    "<b>Flags</b>: it recognises the case and sends it to the adviser without deciding. "
    "<b>Not covered</b>: the tool does not look at it, so the absence of a finding there is "
    "not a clearance: ask the adviser."
)


def section(b: Any) -> list[Flowable]:
    """The coverage section (``b`` is the report's builder); nothing without a coverage map."""
    lines = b.ev.coverage
    if not lines:
        return []
    out: list[Flowable] = [CondPageBreak(120), b.p("What this assessment covers", "h1")]
    out.append(b.p(INTRO, "small"))
    for regime in dict.fromkeys(line.regime for line in lines):
        out.append(b.p(b.t(regime), "h2"))
        for line in (x for x in lines if x.regime == regime):
            text = f"<b>{STATUS[line.status]}</b> — {b.t(line.title)} ({b.t(line.sections)})"
            if line.note:
                text += f". {b.t(line.note)}"
            out.append(b.p(text, "check", bulletText="•"))
    return out
