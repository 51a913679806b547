"""The review workflow: start a review, mark findings and open questions, sign off with a scope,
and check whether a review still fits an assessment.

The document itself is :mod:`compliance_app.dossier.review`; re-review after the company changed
its answers is :mod:`compliance_app.dossier.review_diff`.

Times are timezone-aware (``datetime`` with ``tzinfo``); a naive time is refused with
``ValueError``. A sign-off is refused (:class:`~compliance_app.dossier.review.ReviewError`,
message for the adviser) when it is dated in the future (more than :data:`CLOCK_SKEW` ahead of
``now``), before the assessment or before an earlier step of the review, when a finding has no
status, when a "qualified" or "disputed" finding has no comment, when an open question has no
answer, or when the reviewer's name is empty.
"""

from __future__ import annotations

import datetime as dt

from compliance_app.dossier.answers import AnswersFile, RulesetRef
from compliance_app.dossier.review import (
    NEEDS_COMMENT,
    CoveredFinding,
    FindingReview,
    FrozenFinding,
    LogEntry,
    QuestionAnswer,
    Review,
    ReviewError,
    SignOff,
    answers_digest,
    same_answers,
)
from compliance_app.engine.results import Evaluation

CLOCK_SKEW = dt.timedelta(minutes=5)
"""How far ahead of the server's clock a sign-off time may be (clocks differ a little)."""

STATUS_WORDS = {
    "agreed": "agreed",
    "qualified": "agreed with qualification",
    "noted": "noted",
    "disputed": "disputed",
}
NOT_VALID = "Review not valid for these answers"


def _aware(moment: dt.datetime | None, what: str) -> dt.datetime | None:
    if moment is not None and moment.tzinfo is None:
        raise ValueError(f"{what} must be timezone-aware")
    return moment


def now_utc() -> dt.datetime:
    """The current time in UTC, to the second."""
    return dt.datetime.now(dt.UTC).replace(microsecond=0)


def frozen_findings(evaluation: Evaluation) -> list[FrozenFinding]:
    """The findings of ``evaluation`` as the review keeps them (code, title, severity)."""
    return [
        FrozenFinding(code=f.code, title=f.title, severity=str(f.severity))
        for f in evaluation.findings
    ]


def stamped(answers: AnswersFile, evaluation: Evaluation) -> AnswersFile:
    """The answers as stamped with the rule base the review is made on (see same_answers)."""
    ref = RulesetRef(id=evaluation.ruleset_id, version=evaluation.ruleset_version)
    return answers.model_copy(update={"ruleset": ref})


def start_review(
    answers: AnswersFile,
    evaluation: Evaluation,
    *,
    reviewer_name: str = "",
    organisation: str = "",
    report_id: str = "",
    assessed_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Review:
    """A new, unsigned review of this assessment, bound to these answers and findings (frozen
    in the review), its log starting with the assessment (and "Review started" at ``now``).

    No finding is marked yet (each is "not reviewed" until the adviser sets a status).
    """
    _aware(assessed_at, "assessed_at")
    _aware(now, "now")
    who = answers.company.name.strip() or "the company"
    rid = f" (report {report_id})" if report_id else ""
    log = [
        LogEntry(
            at=assessed_at,
            by=who,
            event="assessment",
            text=f"Self-assessment{rid} on rule base {evaluation.ruleset_id} "
            f"{evaluation.ruleset_version}: {len(evaluation.findings)} finding(s), "
            f"{len(evaluation.open_questions)} open question(s).",
        )
    ]
    if now is not None:
        log.append(LogEntry(at=now, by=reviewer_name, event="review", text="Review started."))
    bound = stamped(answers, evaluation)
    return Review(
        answers_sha256=answers_digest(bound),
        report_id=report_id,
        ruleset=bound.ruleset,
        assessed_at=assessed_at,
        reviewer_name=reviewer_name,
        organisation=organisation,
        reviewed=bound,
        reviewed_findings=frozen_findings(evaluation),
        log=log,
    )


def set_finding(review: Review, code: str, status: str, comment: str = "") -> Review:
    """A copy of ``review`` with finding ``code`` marked ``status`` (replacing any earlier)."""
    kept = [fr for fr in review.finding_reviews if fr.code != code]
    kept.append(FindingReview(code=code, status=status, comment=comment))  # type: ignore[arg-type]
    return review.model_copy(update={"finding_reviews": kept})


def answer_question(review: Review, step: str, question: str, answer: str) -> Review:
    """A copy of ``review`` with the adviser's answer to the open question of ``step``."""
    kept = [qa for qa in review.question_answers if qa.step != step]
    kept.append(QuestionAnswer(step=step, question=question, answer=answer))
    return review.model_copy(update={"question_answers": kept})


def sign_off_problems(review: Review, evaluation: Evaluation) -> list[str]:
    """What must be done before this review can be signed off on ``evaluation``."""
    out: list[str] = []
    if not review.reviewer_name.strip():
        out.append("Enter your name.")
    missing = [f.code for f in evaluation.findings if review.of(f.code) is None]
    if missing:
        out.append("Give a status to every finding (not reviewed: " + ", ".join(missing) + ").")
    bare = [
        f.code
        for f in evaluation.findings
        if (fr := review.of(f.code)) and fr.status in NEEDS_COMMENT and not fr.comment.strip()
    ]
    if bare:
        out.append(
            "A finding agreed with qualification or disputed needs a comment saying why ("
            + ", ".join(bare)
            + ")."
        )
    open_steps = list(
        dict.fromkeys(
            q.step_id
            for q in evaluation.open_questions
            if not ((qa := review.answer_to(q.step_id)) and qa.answer.strip())
        )
    )
    if open_steps:
        out.append("Answer every open question (" + ", ".join(open_steps) + ").")
    return out


def sign_off(
    review: Review,
    evaluation: Evaluation,
    at: dt.datetime,
    *,
    now: dt.datetime | None = None,
) -> Review:
    """A signed copy of ``review``: its :class:`SignOff` records who, in which capacity, when,
    the report id, the answers fingerprint, the rule base and every finding with its status;
    the log gets a "sign_off" entry.

    ``at`` is the sign-off time chosen by the adviser (timezone-aware); ``now`` the clock
    (default: the current time). Raises :class:`ReviewError` (see the module doc) when the
    time is in the future or before the assessment, or when :func:`sign_off_problems` lists
    anything; ``ValueError`` when a time is naive.
    """
    _aware(at, "at")
    now = _aware(now, "now") or now_utc()
    if at > now + CLOCK_SKEW:
        raise ReviewError(
            f"The sign-off time {at.isoformat(timespec='minutes')} is in the future. A review "
            "is signed off when it is done: choose the current date and time or an earlier one."
        )
    # to the minute: the form gives minutes, and "Review started" may be in the same minute
    moments = [review.assessed_at, *(e.at for e in review.log)]
    earlier = [t for t in moments if t and t.replace(second=0, microsecond=0) > at]
    if earlier:
        raise ReviewError(
            f"The sign-off time {at.isoformat(timespec='minutes')} is before the assessment or "
            f"an earlier step of the review ({max(earlier).isoformat(timespec='minutes')}). "
            "Choose a later date and time."
        )
    problems = sign_off_problems(review, evaluation)
    if problems:
        raise ReviewError(" ".join(problems))
    covered = [
        CoveredFinding(
            code=f.code,
            title=f.title,
            severity=str(f.severity),
            status=review.of(f.code).status,  # type: ignore[union-attr]
        )
        for f in evaluation.findings
    ]
    record = SignOff(
        signed_at=at,
        reviewer_name=review.reviewer_name,
        organisation=review.organisation,
        capacity=review.capacity,
        report_id=review.report_id,
        answers_sha256=review.answers_sha256,
        ruleset=review.ruleset,
        assessed_at=review.assessed_at,
        findings=covered,
        open_questions_answered=len(evaluation.open_questions),
        scope_statement=review.scope_statement,
    )
    counts = {s: sum(1 for c in covered if c.status == s) for s in STATUS_WORDS}
    who = review.reviewer_name.strip()
    org = f" ({review.organisation.strip()})" if review.organisation.strip() else ""
    entry = LogEntry(
        at=at,
        by=review.reviewer_name,
        event="sign_off",
        text=f"Signed off by {who}{org} on report {review.report_id or '(no id)'}, answers "
        f"{(review.answers_sha256 or '')[:12]}, rule base "
        f"{review.ruleset.version if review.ruleset else '?'}: "
        + ", ".join(f"{counts[s]} {w}" for s, w in STATUS_WORDS.items())
        + f"; {len(evaluation.open_questions)} open question(s) answered, "
        f"{len(review.extra_next_steps)} extra next step(s).",
    )
    return review.model_copy(update={"sign_off": record, "log": [*review.log, entry]})


def covers(review: Review, answers: AnswersFile, evaluation: Evaluation) -> bool:
    """True when the review is signed off on exactly these answers and these findings."""
    so = review.sign_off
    if so is None or review.migrated_from is not None or so.answers_sha256 is None:
        return False
    if not same_answers(review, answers):
        return False
    if so.answers_sha256 != review.answers_sha256:
        return False
    return [c.code for c in so.findings] == evaluation.codes()


def check(review: Review, answers: AnswersFile, evaluation: Evaluation) -> list[str]:
    """Plain-language warnings about a review that may not fit this assessment.

    * the answers changed since the review (:data:`NOT_VALID` first);
    * the findings were produced by another rule base version;
    * reviewed findings that this assessment no longer has, and findings not reviewed;
    * the review was migrated from an older format.
    """
    out: list[str] = []
    if review.answers_sha256 and not same_answers(review, answers):
        out.append(
            f"{NOT_VALID}: the answers were changed after this review was made, so the "
            "review does not cover the findings shown. Ask the adviser to review them again."
        )
    ref = review.ruleset
    if ref and (ref.id, ref.version) != (evaluation.ruleset_id, evaluation.ruleset_version):
        out.append(
            f"The review was made on findings of rule base {ref.id} {ref.version}; they are "
            f"now produced by {evaluation.ruleset_id} {evaluation.ruleset_version}."
        )
    codes = evaluation.codes()
    gone = [fr.code for fr in review.finding_reviews if fr.code not in codes]
    if gone:
        out.append("Reviewed findings that this assessment no longer has: " + ", ".join(gone) + ".")
    reviewed = {fr.code for fr in review.finding_reviews}
    missing = [c for c in codes if c not in reviewed]
    if missing:
        out.append("Findings not reviewed: " + ", ".join(missing) + ".")
    if review.migration_note:
        out.append(review.migration_note)
    return out


def valid_for(review: Review, answers: AnswersFile) -> bool:
    """False when the answers changed since the review (the review is then not valid)."""
    return not review.answers_sha256 or same_answers(review, answers)
