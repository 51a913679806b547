"""The pure engine: rule base + answers in; path, findings and overall result out.

No I/O, no Streamlit. :func:`evaluate` is the one entry point. How the overall result is derived
follows the decision map, section 3 (see ``docs/rule-format.md`` for the exact steps).
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping

from compliance_app.engine import countries, dated
from compliance_app.engine.facts import Facts as _Facts
from compliance_app.engine.results import (
    Authorization,
    CoverageLine,
    Evaluation,
    FindingResult,
    Firing,
    Jurisdiction,
    OpenQuestion,
    TrailEntry,
)
from compliance_app.engine.values import AnswerError, AnswerValue, display, is_unknown, normalize
from compliance_app.rulebase.models import END, UNKNOWN, Citation, Condition, Rule, Ruleset, Step

EFFECT_RANK = ["yes", "likely", "undetermined", "depends", "no"]
"""Authorisation values, strongest first (decision map 3.2)."""
SEVERITY_RANK = ["critical", "high", "medium", "low", "info"]

OPEN_QUESTION = "OPEN_QUESTION_ADVISER"
VERIFY = "VERIFY_CURRENT_RULE"
NOT_SUBJECT = "NOT_SUBJECT_US_EXPORT_CONTROLS"
NO_AUTH = "NO_US_AUTH_NEEDED"
NLR = "AUTH_NLR"


def walk(
    ruleset: Ruleset, answers: Mapping[str, object], on: dt.date | None = None
) -> tuple[list[str], dict, str | None]:
    """Follow the steps from the start (country groups as on ``on``, see ``dated``).

    A step whose ``ask_if`` does not hold is passed over. After a step, the first of its ``next``
    branches whose condition holds decides where to go; without ``next`` the walk goes on to the
    following step in module order.

    Returns ``(path, visible_answers, pending_step)``. ``pending_step`` is the first step on the
    path without a valid answer (None when the path reached END). An invalid stored answer
    counts as no answer, so the user is asked again.
    """
    steps = ruleset.steps
    path: list[str] = []
    visible: dict[str, AnswerValue] = {}
    facts = _Facts(ruleset, visible, dated.evaluation_day(ruleset, on))
    current = ruleset.meta.start
    for _ in range(2 * len(steps) + 1):  # the loader rejects cycles; this is a safety net
        if current == END:
            return path, visible, None
        step = steps[current]
        if step.ask_if is not None and not facts.holds(step.ask_if):
            current = _after(ruleset, step, facts)
            continue
        path.append(current)
        try:
            value = normalize(step, answers[current]) if current in answers else None
        except AnswerError:
            value = None
        if value is None:
            return path, visible, current
        visible[current] = value
        facts._de_minimis = None
        current = _after(ruleset, step, facts)
    raise RuntimeError("the step graph does not end")  # pragma: no cover


def _after(ruleset: Ruleset, step: Step, facts: _Facts) -> str:
    for branch in step.next:
        if branch.if_ is None or facts.holds(branch.if_):
            return branch.goto
    return ruleset.following[step.id]


def reads(ruleset: Ruleset, cond: Condition) -> set[str]:
    """Step ids whose answers ``cond`` reads, through named conditions and the de minimis fact."""
    out = cond.step_refs(ruleset.conditions)
    if _uses_fact(ruleset, cond):
        cfg = ruleset.meta.de_minimis
        out |= {cfg.content_step, cfg.destination_step, cfg.us_value_step, cfg.total_value_step}
    return out


def _rule_reads(ruleset: Ruleset, rule: Rule) -> frozenset[str]:
    """``reads(ruleset, rule.when)``, computed once per rule id and rule base."""
    memo = ruleset.reads_memo
    found = memo.get(rule.id)
    if found is None:
        found = memo[rule.id] = frozenset(reads(ruleset, rule.when))
    return found


def _uses_fact(ruleset: Ruleset, cond: Condition) -> bool:
    if cond.uses_fact():
        return True
    return any(
        _uses_fact(ruleset, ruleset.conditions[n].when)
        for n in cond.named_refs()
        if n in ruleset.conditions
    )


def _why_steps(facts: _Facts, rule: Rule, path: list[str]) -> list[str]:
    """The steps whose answers made ``rule`` fire, in path order; when only negations made it
    fire, every step its condition read."""
    decisive = facts.why(rule.when)
    if not decisive:
        decisive = set(_rule_reads(facts.ruleset, rule))
    return [s for s in path if s in decisive]


def _cites(ruleset: Ruleset, ids: list[str]) -> list[Citation]:
    return [ruleset.citations[c] for c in ids if c in ruleset.citations]


def _uncertain(citations: list[Citation]) -> bool:
    return any(c.confidence != "confirmed" for c in citations)


def evaluate(
    ruleset: Ruleset, answers: Mapping[str, object], lang: str = "en", on: dt.date | None = None
) -> Evaluation:
    """Evaluate ``answers`` (step id -> value, see ``compliance_app.engine.values``) on ``ruleset``.

    ``on`` is the evaluation day for dated country data (default: ``dated.evaluation_day``);
    it is recorded in ``Evaluation.evaluated_on``. Answers to steps no longer on the path are
    kept but not used (``unused_answers``). Never raises for odd answers: an invalid value is
    treated as not answered.
    """
    steps = ruleset.steps
    day = dated.evaluation_day(ruleset, on)
    path, visible, pending = walk(ruleset, answers, day)
    facts = _Facts(ruleset, visible, day)

    fired: list[Rule] = [r for r in ruleset.rules if facts.holds(r.when)]
    module_of = ruleset.module_of_step
    rule_module = ruleset.module_of_rule

    by_code: dict[str, list[Firing]] = {}
    derived: dict[str, str] = {}
    tags: set[str] = set()
    effects: list[str] = []
    verify_reasons: list[str] = []
    for rule in fired:
        rule_cites = _cites(ruleset, rule.citations)
        about, groups = countries.about(ruleset, visible, rule.when, facts.holds, day)
        firing = Firing(
            rule_id=rule.id,
            rule_title=rule.title.get(lang),
            module_id=rule_module[rule.id],
            steps=_why_steps(facts, rule, path),
            next_step=rule.next_step.get(lang) if rule.next_step else None,
            citations=rule_cites,
            countries=about,
            groups=groups,
        )
        for code in rule.findings:
            by_code.setdefault(code, []).append(firing)
        if rule.jurisdiction != "none":
            tags.add(rule.jurisdiction)
        if rule.effect != "none":
            effects.append(rule.effect)
        finding_cites = [
            c for code in rule.findings for c in _cites(ruleset, ruleset.findings[code].citations)
        ]
        advisory_only = rule.effect == "none" and all(
            ruleset.findings[c].advisory for c in rule.findings
        )  # e.g. "set up a compliance programme": its sources do not change any result
        if not advisory_only and (_uncertain(rule_cites) or _uncertain(finding_cites)):
            verify_reasons.append(rule.id)

    open_questions: list[OpenQuestion] = []
    blocks_jurisdiction = False
    for sid in path:
        step = steps[sid]
        if sid in visible and is_unknown(visible[sid]) and step.unknown:
            u = step.unknown
            open_questions.append(
                OpenQuestion(
                    step_id=sid,
                    question=step.question.get(lang),
                    blocks=u.blocks,
                    why=u.why.get(lang),
                    who=u.who.get(lang),
                    document=u.document.get(lang),
                )
            )
            if u.blocks in ("jurisdiction", "authorization"):
                effects.append(u.effect)
            blocks_jurisdiction |= u.blocks == "jurisdiction"
    for rule in fired:  # rules that send a point to the adviser, without an "I don't know"
        if OPEN_QUESTION in rule.findings:
            open_questions.append(
                OpenQuestion(
                    step_id=next(
                        (s for s in reversed(path) if s in _rule_reads(ruleset, rule)), path[0]
                    ),
                    question=rule.title.get(lang),
                    blocks="jurisdiction"
                    if rule.jurisdiction == "undetermined"
                    else "authorization"
                    if rule.effect in ("yes", "likely", "undetermined", "depends")
                    else "finding",
                    why=rule.next_step.get(lang) if rule.next_step else rule.title.get(lang),
                    who="Your export-control adviser",
                    document="See the next steps of the finding (rule " + rule.id + ")",
                    rule_id=rule.id,
                )
            )
    if open_questions:
        derived[OPEN_QUESTION] = (
            'One or more decisive answers were "I don\'t know": see the open questions.'
        )
        by_code.setdefault(OPEN_QUESTION, [])
    if verify_reasons:
        by_code.setdefault(VERIFY, [])
        derived[VERIFY] = (
            "Rules " + ", ".join(verify_reasons) + " rest on text that was not fully confirmed "
            "(secondary or unconfirmed citation)."
        )

    complete = pending is None
    blocks_jurisdiction |= "undetermined" in tags
    jurisdiction = _jurisdiction(tags, blocks_jurisdiction or not complete)
    authorization = _authorization(effects)
    if not complete and authorization == "no":
        authorization = "undetermined"  # an unfinished assessment never says "no"
    if jurisdiction == "not_subject":
        by_code.setdefault(NOT_SUBJECT, [])
        derived.setdefault(NOT_SUBJECT, "Nothing in the case is subject to the ITAR or the EAR.")
    if authorization == "no" and NLR not in by_code:
        by_code.setdefault(NO_AUTH, [])
        derived.setdefault(NO_AUTH, "No rule found that a US authorisation is needed.")

    catalogue_order = list(ruleset.findings)
    findings = []
    for code in sorted(
        (c for c in by_code if c in ruleset.findings),
        key=lambda c: (SEVERITY_RANK.index(ruleset.findings[c].severity), catalogue_order.index(c)),
    ):
        f = ruleset.findings[code]
        firings = by_code[code]
        steps_text = [x.next_step for x in firings if x.next_step]
        findings.append(
            FindingResult(
                code=code,
                title=f.title.get(lang),
                severity=f.severity,
                advisory=f.advisory,
                explanation=f.explanation.get(lang),
                next_steps=merge_next_steps(steps_text, [s.get(lang) for s in f.next_steps]),
                citations=_dedupe_cites(
                    _cites(ruleset, f.citations) + [c for x in firings for c in x.citations]
                ),
                fired_by=firings,
                derived=derived.get(code) if not firings else None,
                countries=_dedupe([c for x in firings for c in x.countries]),
                groups=_dedupe([g for x in firings for g in x.groups]),
            )
        )

    trail = [
        TrailEntry(
            step_id=sid,
            module_id=module_of[sid],
            question=steps[sid].question.get(lang),
            answer=visible.get(sid),
            answer_text=display(steps[sid], visible.get(sid), lang),
            unknown=sid in visible and is_unknown(visible[sid]),
            citations=_cites(ruleset, steps[sid].citations),
        )
        for sid in path
    ]
    dm = facts.de_minimis
    return Evaluation(
        ruleset_id=ruleset.meta.id,
        ruleset_version=ruleset.meta.version,
        regulations_as_of=ruleset.meta.regulations_as_of.isoformat(),
        countries_as_of=ruleset.countries.as_of.isoformat(),
        evaluated_on=day.isoformat(),
        complete=complete,
        pending_step=pending,
        path=path,
        trail=trail,
        findings=findings,
        open_questions=open_questions,
        jurisdiction=jurisdiction,
        us_authorization_needed=authorization,
        unused_answers=[s for s in answers if s in steps and s not in path],
        fired_rules=[r.id for r in fired],
        calculations=[dm.explanation] if dm.status != "not_applicable" else [],
        coverage=_coverage(ruleset, lang),
    )


def _coverage(ruleset: Ruleset, lang: str) -> list[CoverageLine]:
    areas = ruleset.coverage.areas if ruleset.coverage else []
    return [
        CoverageLine(
            regime=a.regime,
            title=a.title.get(lang),
            status=a.status,
            sections=a.sections,
            note=a.note.get(lang) if a.note else None,
        )
        for a in areas
    ]


def _jurisdiction(tags: set[str], blocked: bool) -> Jurisdiction:
    if "ITAR" in tags and tags & {"EAR", "EAR99"}:
        return "mixed"
    if "ITAR" in tags:
        return "ITAR"
    if "EAR" in tags:
        return "EAR"
    if "EAR99" in tags:
        return "EAR99"
    return "undetermined" if blocked else "not_subject"


def _authorization(effects: list[str]) -> Authorization:
    for value in EFFECT_RANK:
        if value in effects:
            return value  # type: ignore[return-value]
    return "no"


def _dedupe(items: list[str]) -> list[str]:
    return list(dict.fromkeys(items))


_FILLER = frozenset(
    "a an and any as at be before by do for from if in is it its of on or the this that to "
    "with your you".split()
)


def _words(text: str) -> frozenset[str]:
    return frozenset(w for w in re.findall(r"\w+", text.lower()) if w not in _FILLER)


def merge_next_steps(rule_steps: list[str], catalogue_steps: list[str]) -> list[str]:
    """One list of next steps for a finding, without the same step twice in other words.

    The steps of the rules that fired come first (they fit the case); a catalogue step of the
    finding is left out when a rule step already says it: at least 60 % of its words (leaving
    out filler words) are in that rule step. Exact repeats are dropped everywhere.
    """
    kept = _dedupe(rule_steps)
    said = [_words(s) for s in kept]
    for step in _dedupe(catalogue_steps):
        words = _words(step)
        if step in kept or any(words and len(words & w) >= 0.6 * len(words) for w in said):
            continue
        kept.append(step)
    return kept


def _dedupe_cites(items: list[Citation]) -> list[Citation]:
    return list({c.id: c for c in items}.values())


def step_of(ruleset: Ruleset, step_id: str) -> Step:
    """The step with ``step_id``; raises KeyError."""
    return ruleset.steps[step_id]


__all__ = ["evaluate", "walk", "EFFECT_RANK", "UNKNOWN"]
