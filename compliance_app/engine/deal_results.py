"""The result of a deal: every cell evaluated, then merged into one :class:`Evaluation`.

* Findings are merged by code; each says what it is about (``FindingResult.about``): the labels
  of the cells it fired for, cut to the lists its rule is about (a rule ``about: [item]`` names
  the item, not each of its destinations). The summary findings the engine adds itself
  (open questions, verify, not subject, no authorisation) name the whole cell.
* The matrix (``Evaluation.matrix``) has one row per cell: jurisdiction, authorisation, the
  authorisation findings and the other findings that cause them, and for a people group what
  access to US technical data needs (:data:`ACCESS`).
* The overall jurisdiction and authorisation come from the cells: the strongest authorisation
  of any cell (``Evaluation.driver`` names that cell), an undetermined cell keeps the
  jurisdiction undetermined, ITAR in one cell and EAR in another make it mixed.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from compliance_app.engine import dated
from compliance_app.engine.bom_link import worksheet_for
from compliance_app.engine.deal import (
    JOIN,
    CellWalk,
    deal_walk,
    destination_label,
    entries,
    personal,
    qualify,
    split,
)
from compliance_app.engine.evaluation import EFFECT_RANK, SEVERITY_RANK, evaluate, merge_next_steps
from compliance_app.engine.results import (
    Evaluation,
    FindingResult,
    Firing,
    MatrixRow,
    OpenQuestion,
    TrailEntry,
)
from compliance_app.engine.values import display
from compliance_app.rulebase.models import LIST_TYPES, Ruleset

AUTH_PREFIXES = ("AUTH_", "EXEMPTION_", "PROSCRIBED_", "EMBARGO_", "BROKERING_126_1")
AUTH_CODES = {
    "ENTITY_LIST_LICENSE_REQUIRED",
    "MILITARY_END_USE_744_21",
    "EAR_POLICY_OF_DENIAL",
    "DEEMED_REEXPORT_LICENSE_REQUIRED",
    "STAFF_NAMED_IN_AUTHORISATION",
    "STAFF_126_1_NATIONALITY",
    "RUSSIA_BELARUS_SANCTIONS_746_8",
}
SUMMARY = {
    "OPEN_QUESTION_ADVISER",
    "VERIFY_CURRENT_RULE",
    "KEEP_RECORDS",
    "ICP_RECOMMENDED",
    "CHECK_EU_CONTROLS",
}
ACCESS = {
    "barred": ("STAFF_126_1_NATIONALITY",),
    "named": ("STAFF_NAMED_IN_AUTHORISATION",),
    "licence": ("DEEMED_REEXPORT_LICENSE_REQUIRED",),
    "exemption": ("EXEMPTION_124_16", "EXEMPTION_126_18"),
    "allowed": ("DEEMED_REEXPORT_734_20_OK",),
}
"""Access of a people group to US technical data, strongest first, and the findings that say
it (126.18(d) is still coded EXEMPTION_124_16); ``open`` when the cell has open questions or is
not complete, ``no_finding`` otherwise."""


PARTIAL = {
    "NOT_SUBJECT_US_EXPORT_CONTROLS": (
        "Nothing in the items and destinations this finding is about is subject to the ITAR or "
        "the EAR; the other parts of the deal have results of their own."
    ),
    "NO_US_AUTH_NEEDED": (
        "No rule found that a US authorisation is needed for the items and destinations this "
        "finding is about; the other parts of the deal have results of their own."
    ),
}
"""What a summary finding says when it holds for only some of a deal's cells."""


def _derived(code: str, merged: dict, cells: int) -> str | None:
    """The text of a summary finding merged from several cells."""
    texts = merged.get("derived") or []
    if code in PARTIAL and len(merged["about"]) < cells:
        return PARTIAL[code]
    rules = [r for t in texts for r in _VERIFY_RULES.findall(t)]
    if code == "VERIFY_CURRENT_RULE" and rules:
        ids = ", ".join(dict.fromkeys(x.strip() for r in rules for x in r.split(",")))
        return (
            f"Rules {ids} rest on text that was not fully confirmed (secondary or unconfirmed "
            "citation)."
        )
    return texts[0] if texts else None


_VERIFY_RULES = re.compile(r"^Rules (.+?) rest on text")


def _is_auth(code: str) -> bool:
    return code.startswith(AUTH_PREFIXES) or code in AUTH_CODES


def _qualified(cw: CellWalk, ruleset: Ruleset, sid: str) -> str:
    q = cw.cell.qualifier(ruleset.steps[sid].scope) if sid in ruleset.steps else ""
    return qualify(sid, q)


def _cell_scope(cw: CellWalk) -> list[str]:
    dims = ["item", "destination"] if cw.cell.item else []
    return dims + (["group"] if cw.cell.group else [])


def evaluate_deal(
    ruleset: Ruleset, answers: Mapping[str, object], lang: str = "en", on: dt.date | None = None
) -> Evaluation:
    """Evaluate a deal's answers (qualified ids, see :mod:`compliance_app.engine.deal`).

    Returns one :class:`Evaluation` whose path, trail and open questions use qualified ids
    and say what they are about, whose findings name the cells they are about, and whose
    ``matrix`` has a row per cell. Never raises for odd answers (as ``evaluate``).
    """
    day = dated.evaluation_day(ruleset, on)
    dw = deal_walk(ruleset, answers, day)
    results = [(cw, evaluate(ruleset, cw.answers, lang, day)) for cw in dw.cells]
    rules = {r.id: r for r in ruleset.rules}
    order = ruleset.order

    merged: dict[str, dict] = {}
    for cw, ev in results:
        whole = cw.cell.label(_cell_scope(cw))
        for f in ev.findings:
            m = merged.setdefault(
                f.code,
                {"f": f, "firings": {}, "about": [], "steps": [], "countries": [], "groups": []},
            )
            m["steps"] += [s for s in f.next_steps if s not in m["steps"]]
            if f.derived and f.derived not in m.setdefault("derived", []):
                m["derived"].append(f.derived)
            m["countries"] += [c for c in f.countries if c not in m["countries"]]
            m["groups"] += [g for g in f.groups if g not in m["groups"]]
            if not f.fired_by:
                if whole and whole not in m["about"]:
                    m["about"].append(whole)
                continue
            for x in f.fired_by:
                about = cw.cell.label(rules[x.rule_id].about) if x.rule_id in rules else whole
                key = (x.rule_id, about)
                if key not in m["firings"]:
                    m["firings"][key] = x.model_copy(
                        update={
                            "about": about,
                            "steps": [_qualified(cw, ruleset, s) for s in x.steps],
                        }
                    )
                if about and about not in m["about"]:
                    m["about"].append(about)
    catalogue = list(ruleset.findings)
    findings = []
    for code in sorted(
        merged,
        key=lambda c: (
            SEVERITY_RANK.index(merged[c]["f"].severity),
            catalogue.index(c) if c in catalogue else 0,
        ),
    ):
        m = merged[code]
        f: FindingResult = m["f"]
        firings: list[Firing] = list(m["firings"].values())
        deal_wide = any(not x.about for x in firings)
        findings.append(
            f.model_copy(
                update={
                    "fired_by": firings,
                    "next_steps": merge_next_steps(m["steps"], []),
                    "countries": m["countries"],
                    "groups": m["groups"],
                    "about": [] if deal_wide else m["about"],
                    "derived": _derived(code, m, len(results)) if not firings else None,
                    "citations": list(
                        {c.id: c for x in [f, *firings] for c in x.citations}.values()
                    ),
                }
            )
        )

    questions: dict[tuple, OpenQuestion] = {}
    trail: dict[str, TrailEntry] = {}
    keys: dict[str, tuple] = {}
    for cw, ev in results:
        for q in ev.open_questions:
            qid = _qualified(cw, ruleset, q.step_id)
            scope = rules[q.rule_id].about if q.rule_id in rules else ruleset.steps[q.step_id].scope
            questions.setdefault(
                (qid, q.rule_id),
                q.model_copy(
                    update={
                        "step_id": qid,
                        "about": cw.cell.label(scope),
                        "question": personal(q.question, cw.cell.names(scope)),
                    }
                ),
            )
        for t in ev.trail:
            qid = _qualified(cw, ruleset, t.step_id)
            scope = ruleset.steps[t.step_id].scope
            if qid not in trail:
                trail[qid] = t.model_copy(
                    update={
                        "step_id": qid,
                        "about": cw.cell.label(scope),
                        "question": personal(t.question, cw.cell.names(scope)),
                    }
                )
                keys[qid] = (order[t.step_id], cw.cell.sort_key(scope))
    for qid, t in trail.items():  # a list step's answer is the whole list, not the cell's entry
        step = ruleset.steps[split(qid)[0]]
        if step.type in LIST_TYPES:
            full = entries(ruleset, answers, step.id) or []
            trail[qid] = t.model_copy(
                update={"answer": full, "answer_text": display(step, full, lang)}
            )
    matrix = [_row(cw, ev) for cw, ev in results]
    driver = ""
    auth = "no"
    for value in EFFECT_RANK:
        hit = [r for r in matrix if r.us_authorization_needed == value]
        if hit:
            auth = value
            driver = _driver(hit[0], findings)
            break
    complete = dw.pending is None
    if not complete and auth == "no":
        auth = "undetermined"
    worksheets = _worksheets(ruleset, results)
    first = results[0][1]
    fired = {r for _cw, ev in results for r in ev.fired_rules}
    calcs = [f"{_row_label(r)}: {r.calculation}" for r in matrix if r.calculation]
    return Evaluation(
        ruleset_id=first.ruleset_id,
        ruleset_version=first.ruleset_version,
        regulations_as_of=first.regulations_as_of,
        countries_as_of=first.countries_as_of,
        evaluated_on=first.evaluated_on,
        complete=complete,
        pending_step=dw.pending,
        path=dw.path,
        trail=[trail[q] for q in sorted(trail, key=keys.__getitem__)],
        findings=findings,
        open_questions=sorted(questions.values(), key=lambda q: keys.get(q.step_id, (0,))),
        jurisdiction=_jurisdiction([r.jurisdiction for r in matrix]),
        us_authorization_needed=auth,  # type: ignore[arg-type]
        unused_answers=[k for k in answers if split(k)[0] in ruleset.steps and k not in trail],
        fired_rules=[r.id for r in ruleset.rules if r.id in fired],
        calculations=calcs,
        coverage=first.coverage,
        matrix=matrix if results[0][0].cell.item else [],
        driver=driver if len(matrix) > 1 else "",
        worksheets=worksheets,
    )


def _worksheets(ruleset: Ruleset, results: list) -> list[dict]:
    """Per item with a bill of materials and destination, the de minimis worksheet (once)."""
    out: dict[tuple, dict] = {}
    for cw, _ev in results:
        cell = cw.cell
        if not cell.item or not cell.item.get("bom"):
            continue
        key = (cell.item["id"], cell.destination["id"] if cell.destination else "home")
        country = cell.destination["country"] if cell.destination else cell.home_country
        if key in out:
            continue
        ws = worksheet_for(ruleset, cell.item, country, cw.answers)
        if ws is not None:
            out[key] = {
                **ws.model_dump(),
                "item": cell.item["name"],
                "destination_label": destination_label(cell.destination, cell.home_country),
            }
    return list(out.values())


def _driver(row: MatrixRow, findings: list[FindingResult]) -> str:
    """What decides the headline: the items, destinations or groups that the authorisation
    findings of the deciding cell are about (``"US prime ICD drawings"``, not the first group
    that happens to share the drawings' DSP-5); the cell itself when they say nothing more."""
    parts = {row.item, row.destination, row.group} - {""}
    about = {f.code: f.about for f in findings}
    out: list[str] = []
    for code in row.authorisations:
        if code.startswith("EXEMPTION_"):
            continue  # an exemption lightens the result, it does not decide it
        for label in about.get(code, []):
            if set(label.split(" → ")) <= parts and label not in out:
                out.append(label)
    return "; ".join(out) or _row_label(row)


def _row_label(row: MatrixRow) -> str:
    return " → ".join(x for x in (row.item, row.destination, row.group) if x)


def _row(cw: CellWalk, ev: Evaluation) -> MatrixRow:
    codes = ev.codes()
    access = ""
    if cw.cell.group:
        access = next((k for k, cs in ACCESS.items() if set(cs) & set(codes)), "")
        if not access:
            access = "open" if (ev.open_questions or not ev.complete) else "no_finding"
    return MatrixRow(
        item=cw.cell.item["name"] if cw.cell.item else "",
        destination=destination_label(cw.cell.destination, cw.cell.home_country)
        if cw.cell.item
        else "",
        group=cw.cell.group["name"] if cw.cell.group else "",
        jurisdiction=ev.jurisdiction,
        us_authorization_needed=ev.us_authorization_needed,
        authorisations=[c for c in codes if _is_auth(c)],
        causes=[c for c in codes if not _is_auth(c) and c not in SUMMARY],
        access=access,
        complete=ev.complete,
        open_questions=len(ev.open_questions),
        calculation=ev.calculations[0] if ev.calculations else "",
    )


def _jurisdiction(values: list[str]) -> str:  # type: ignore[return]
    found = set(values) - {"not_subject"}
    if "undetermined" in found:
        return "undetermined"
    if "mixed" in found or ("ITAR" in found and found & {"EAR", "EAR99"}):
        return "mixed"
    for j in ("ITAR", "EAR", "EAR99"):
        if j in found:
            return j
    return "not_subject"


__all__ = ["evaluate_deal", "ACCESS", "JOIN"]
