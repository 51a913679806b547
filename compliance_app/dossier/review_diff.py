"""What changed since a review was made, the company's edits in the change log, and re-review.

* :func:`answers_diff` — the answers changed between two answers files (question, old -> new),
  company details included, with the answers written as the report writes them.
* :func:`findings_diff` — the findings that appeared, disappeared or changed (title or
  severity) since the findings frozen in the review.
* :func:`log_company_edits` — a ``company_edit`` log entry (with its time) for each answer the
  company changed after the review was made.
* :func:`rereview` — the review bound to the current answers and findings, for the adviser to
  review again: the statuses of findings that are unchanged are kept, those of findings that
  appeared or changed are cleared, the old sign-off moves to the log, and a ``re_review`` entry
  lists what changed. A sign-off of the result is then bound to the current answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from compliance_app.dossier.answers import AnswersFile, migrate_file
from compliance_app.dossier.review import LogEntry, Review, answers_digest
from compliance_app.dossier.review_flow import frozen_findings, stamped
from compliance_app.engine.deal import split
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.engine.results import Evaluation
from compliance_app.rulebase.models import Ruleset

COMPANY_FIELDS = {
    "name": "Company name",
    "country": "Company country",
    "contact": "Contact person",
    "assessment_title": "Assessment title",
}
NOT_ANSWERED = "(not answered)"


@dataclass(frozen=True)
class AnswerChange:
    step: str
    question: str
    old: str
    new: str

    def line(self) -> str:
        return f"{self.question}: {self.old} -> {self.new}"


@dataclass(frozen=True)
class FindingsDiff:
    appeared: list[str] = field(default_factory=list)
    disappeared: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    """One line each: ``"Title (CODE)"``, for a change with what changed."""

    @property
    def empty(self) -> bool:
        return not (self.appeared or self.disappeared or self.changed)


def _question(question: str, about: str) -> str:
    return f"{question} ({about})" if about else question


def _as_text(value: object) -> str:
    if isinstance(value, list):
        return ", ".join(str(v.get("name", v)) if isinstance(v, dict) else str(v) for v in value)
    return str(value)


def _texts(ruleset: Ruleset, answers: AnswersFile) -> dict[str, tuple[str, str]]:
    """Qualified step id -> (question with what it is about, answer as text), for the answers
    on the deal's path and the others."""
    ev = evaluate_deal(ruleset, answers.answers)
    out = {
        e.step_id: (_question(e.question, e.about), e.answer_text)
        for e in ev.trail
        if e.answer is not None
    }
    for qid, value in answers.answers.items():
        if qid not in out:
            sid, qualifier = split(qid)
            q = ruleset.steps[sid].question.en if sid in ruleset.steps else sid
            out[qid] = (_question(q, qualifier), _as_text(value))
    return out


def answers_diff(ruleset: Ruleset, old: AnswersFile, new: AnswersFile) -> list[AnswerChange]:
    """The answers (and company details) that differ between ``old`` and ``new``, in the
    order of the questions of ``new`` (then those only ``old`` had). Answers of one case
    (format 1, a review made before issue 10) are compared as the deal they migrate to."""
    old, new = migrate_file(old, ruleset), migrate_file(new, ruleset)
    out: list[AnswerChange] = []
    for f, label in COMPANY_FIELDS.items():
        a, b = getattr(old.company, f), getattr(new.company, f)
        if a != b:
            out.append(AnswerChange(f"company.{f}", label, a or "(empty)", b or "(empty)"))
    before, after = _texts(ruleset, old), _texts(ruleset, new)
    for step in [*after, *(s for s in before if s not in after)]:
        if old.answers.get(step) == new.answers.get(step):
            continue
        question = (after.get(step) or before[step])[0]
        out.append(
            AnswerChange(
                step,
                question,
                before[step][1] if step in before else NOT_ANSWERED,
                after[step][1] if step in after else NOT_ANSWERED,
            )
        )
    return out


def findings_diff(review: Review, evaluation: Evaluation) -> FindingsDiff:
    """The findings of ``evaluation`` against those frozen in ``review``."""
    before = {f.code: f for f in review.reviewed_findings}
    now = {f.code: f for f in frozen_findings(evaluation)}
    diff = FindingsDiff()
    for code, f in now.items():
        old = before.get(code)
        if old is None:
            diff.appeared.append(f"{f.title} ({code})")
        elif (old.title, old.severity) != (f.title, f.severity):
            what = []
            if old.severity != f.severity:
                what.append(f"severity {old.severity} -> {f.severity}")
            if old.title != f.title:
                what.append(f"title was \u201c{old.title}\u201d")
            diff.changed.append(f"{f.title} ({code}): " + "; ".join(what))
    diff.disappeared.extend(f"{f.title} ({c})" for c, f in before.items() if c not in now)
    return diff


def log_company_edits(
    review: Review,
    ruleset: Ruleset,
    before: AnswersFile,
    after: AnswersFile,
    at: dt.datetime,
) -> Review:
    """A copy of ``review`` with one ``company_edit`` entry per answer changed from ``before``
    to ``after`` (none when nothing changed), each at ``at``, by the company."""
    changes = answers_diff(ruleset, before, after)
    if not changes:
        return review
    who = after.company.name.strip() or "the company"
    entries = [
        LogEntry(at=at, by=who, event="company_edit", text="Answer changed: " + c.line())
        for c in changes
    ]
    return review.model_copy(update={"log": [*review.log, *entries]})


def rereview(
    review: Review,
    ruleset: Ruleset,
    answers: AnswersFile,
    evaluation: Evaluation,
    *,
    report_id: str,
    at: dt.datetime,
    by: str = "",
) -> Review:
    """The review bound to ``answers`` and ``evaluation`` (see the module doc)."""
    diff = findings_diff(review, evaluation)
    changes = answers_diff(ruleset, review.reviewed, answers) if review.reviewed else []
    keep = {
        f.code
        for f in review.reviewed_findings
        if f in frozen_findings(evaluation) and review.reviewed is not None
    }
    kept = [fr for fr in review.finding_reviews if fr.code in keep]
    lines = [f"Answers changed: {c.line()}" for c in changes]
    if review.reviewed is None:
        lines.append("The answers as first reviewed were not kept (older review format).")
    lines += [f"Finding appeared: {x}" for x in diff.appeared]
    lines += [f"Finding disappeared: {x}" for x in diff.disappeared]
    lines += [f"Finding changed: {x}" for x in diff.changed]
    if review.sign_off is not None:
        so = review.sign_off
        lines.append(
            f"The earlier sign-off of {so.signed_at.isoformat(timespec='minutes')} by "
            f"{so.reviewer_name} covered other answers and no longer applies."
        )
    entry = LogEntry(
        at=at,
        by=by,
        event="re_review",
        text=f"Re-review of report {report_id or '(no id)'}.\n" + "\n".join(lines),
    )
    bound = stamped(answers, evaluation)
    return review.model_copy(
        update={
            "answers_sha256": answers_digest(bound),
            "report_id": report_id or review.report_id,
            "ruleset": bound.ruleset,
            "reviewed": bound,
            "reviewed_findings": frozen_findings(evaluation),
            "finding_reviews": kept,
            "sign_off": None,
            "log": [*review.log, entry],
        }
    )
