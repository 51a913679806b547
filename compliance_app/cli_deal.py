"""What ``python -m compliance_app evaluate`` prints for a deal, and the answers it refuses.

:func:`evaluation_text` gives the lines of the text output: the overall result (and the cell
that decides it), the matrix (a line per item and destination, and people group where the walk
reached one: jurisdiction, authorisation, authorisation findings), the findings with what they
are about, and the open questions. :func:`refused` names every answer that does not fit its
question, qualified ids included. Imports: engine, rulebase.
"""

from __future__ import annotations

from collections.abc import Mapping

from compliance_app.engine.deal import split
from compliance_app.engine.results import Evaluation, MatrixRow
from compliance_app.engine.values import AnswerError, normalize
from compliance_app.rulebase.models import Ruleset


def refused(ruleset: Ruleset, answers: Mapping[str, object]) -> dict[str, str]:
    """Answer id (qualified) -> why its answer was refused, for every answer to a step of
    ``ruleset`` that does not fit it, in rule-base order (the evaluation counts such a step as
    not answered). Answers to steps the rule base does not have are not checked."""
    order = ruleset.order
    out: dict[str, str] = {}
    for qid in sorted(
        (k for k in answers if split(k)[0] in ruleset.steps), key=lambda k: order[split(k)[0]]
    ):
        if answers[qid] is None:
            continue
        try:
            normalize(ruleset.steps[split(qid)[0]], answers[qid])
        except AnswerError as exc:
            out[qid] = str(exc)
    return out


def _row(row: MatrixRow) -> str:
    where = " → ".join(x for x in (row.item, row.destination, row.group) if x)
    auth = ", ".join(row.authorisations) or "none"
    line = (
        f"- {where}: jurisdiction {row.jurisdiction}; US authorisation needed: "
        f"{row.us_authorization_needed}; authorisation findings: {auth}"
    )
    if row.access:
        line += f"; access to US technical data: {row.access}"
    if not row.complete:
        line += "; not complete"
    return line


def evaluation_text(ev: Evaluation) -> list[str]:
    """The lines ``evaluate`` prints for ``ev`` (see the module doc)."""
    lines = [f"Jurisdiction: {ev.jurisdiction}"]
    auth = f"US authorisation needed: {ev.us_authorization_needed}"
    lines.append(f"{auth} (decided by {ev.driver})" if ev.driver else auth)
    if not ev.complete:
        lines.append(f"Incomplete: next question is {ev.pending_step}")
    if ev.matrix:
        lines.append("Per item and destination:")
        lines.extend(_row(r) for r in ev.matrix)
    if ev.findings:
        lines.append("Findings:")
    for f in ev.findings:
        rules = ", ".join(x.rule_id for x in f.fired_by) or "engine"
        about = f" About: {'; '.join(f.about)}." if f.about else ""
        lines.append(f"- [{f.severity}] {f.code}: {f.title} ({rules}).{about}")
    for q in ev.open_questions:
        about = f" ({q.about})" if q.about else ""
        lines.append(f"? {q.step_id}{about}: {q.question}")
    return lines
