"""An adviser's review of one assessment: agree or dispute each finding, comment, sign off.

A review is its own small, versioned document (``format: itar-ear-review``), kept apart from
the answers file, whose format does not change. It travels inside the PDF report as a second
attachment, ``review.yaml`` (see :mod:`compliance_app.dossier.transport` and ``docs/review.md``)::

    format: itar-ear-review
    format_version: 1
    answers_sha256: 3f9a...      # SHA-256 of the answers file bytes the review was made on
    report_id: R-3f9a0c1b2d4e
    ruleset: {id: itar-ear-selfassessment, version: 1.0.0}
    reviewer_name: Dr. A. Adviser
    organisation: Luxinnovation
    signed_on: 2026-11-30        # null until signed off
    finding_reviews:
    - {code: AUTH_TAA, status: agreed, comment: ""}
    - {code: DEEMED_EXPORT, status: disputed, comment: "Staff are all EU nationals."}
    general_comments: "..."
    extra_next_steps: ["Ask the US supplier for the CJ determination."]
    log:
    - {on: 2026-11-28, by: LU-Alpha S.A., event: assessment, text: "Assessment ... (report R-...)"}
    - {on: 2026-11-30, by: Dr. A. Adviser, event: review, text: "Reviewed 5 findings ..."}

A finding without a ``FindingReview`` has not been reviewed. A review is untrusted input when
it is read back: :func:`parse` applies the same size cap and safe YAML reading as answers files.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from compliance_app.dossier import answers as answers_mod
from compliance_app.dossier.answers import AnswersError, AnswersFile, RulesetRef
from compliance_app.engine.results import Evaluation

FORMAT = "itar-ear-review"
FORMAT_VERSION = 1
MAX_BYTES = 1_000_000
"""Largest review document accepted, in bytes (checked before parsing)."""
MAX_NODES = 20_000
"""Most YAML/JSON values in a review (500 finding reviews, 200 next steps and 1,000 log
entries fit), counted while reading (:mod:`compliance_app.dossier.untrusted`)."""

ShortText = Annotated[str, Field(max_length=300)]
LongText = Annotated[str, Field(max_length=20_000)]
Event = Literal["assessment", "review", "sign_off", "note"]


class ReviewError(AnswersError):
    """A review document was refused. ``str(error)`` is a message for the user."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindingReview(_Strict):
    """The adviser's view of one finding (by code)."""

    code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=64)]
    status: Literal["agreed", "disputed"]
    comment: LongText = ""


class LogEntry(_Strict):
    """One line of the change log: what happened, when and by whom."""

    on: dt.date | None = None
    by: ShortText = ""
    event: Event
    text: LongText = ""


class Review(_Strict):
    """An adviser's review of one assessment (one answers file)."""

    format: Literal["itar-ear-review"] = FORMAT
    format_version: Literal[1] = FORMAT_VERSION
    answers_sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")] | None = None
    """SHA-256 of the answers file bytes (:func:`answers_digest`) the review was made on."""
    report_id: ShortText = ""
    ruleset: RulesetRef | None = None
    """Rule base the reviewed findings came from."""
    reviewer_name: ShortText = ""
    organisation: ShortText = ""
    signed_on: dt.date | None = None
    finding_reviews: Annotated[list[FindingReview], Field(max_length=500)] = Field(
        default_factory=list
    )
    general_comments: LongText = ""
    extra_next_steps: Annotated[list[LongText], Field(max_length=200)] = Field(default_factory=list)
    log: Annotated[list[LogEntry], Field(max_length=1000)] = Field(default_factory=list)

    def of(self, code: str) -> FindingReview | None:
        """The review of finding ``code`` (the last one if listed twice), or None."""
        found = None
        for fr in self.finding_reviews:
            if fr.code == code:
                found = fr
        return found

    @property
    def signed(self) -> bool:
        return self.signed_on is not None


def answers_digest(answers: AnswersFile) -> str:
    """SHA-256 (hex) of the answers file as :func:`~compliance_app.dossier.answers.dump`
    writes it."""
    return hashlib.sha256(answers_mod.dump(answers)).hexdigest()


def start_review(
    answers: AnswersFile,
    evaluation: Evaluation,
    *,
    reviewer_name: str = "",
    organisation: str = "",
    report_id: str = "",
    assessed_on: dt.date | None = None,
    today: dt.date | None = None,
) -> Review:
    """A new, unsigned review of this assessment, its log starting with the assessment.

    No finding is marked yet (each is "not reviewed" until the adviser sets a status).
    """
    who = answers.company.name.strip() or "the company"
    rid = f" (report {report_id})" if report_id else ""
    log = [
        LogEntry(
            on=assessed_on,
            by=who,
            event="assessment",
            text=f"Self-assessment{rid} on rule base {evaluation.ruleset_id} "
            f"{evaluation.ruleset_version}: {len(evaluation.findings)} finding(s), "
            f"{len(evaluation.open_questions)} open question(s).",
        )
    ]
    if today is not None:
        log.append(LogEntry(on=today, by=reviewer_name, event="review", text="Review started."))
    ref = RulesetRef(id=evaluation.ruleset_id, version=evaluation.ruleset_version)
    return Review(
        # the answers as stamped with the rule base the review is made on (see same_answers)
        answers_sha256=answers_digest(answers.model_copy(update={"ruleset": ref})),
        report_id=report_id,
        ruleset=ref,
        reviewer_name=reviewer_name,
        organisation=organisation,
        log=log,
    )


def set_finding(review: Review, code: str, status: str, comment: str = "") -> Review:
    """A copy of ``review`` with finding ``code`` marked ``status`` (replacing any earlier)."""
    kept = [fr for fr in review.finding_reviews if fr.code != code]
    kept.append(FindingReview(code=code, status=status, comment=comment))  # type: ignore[arg-type]
    return review.model_copy(update={"finding_reviews": kept})


def sign_off(review: Review, on: dt.date) -> Review:
    """A signed copy of ``review``, with a log entry summarising the statuses.

    Raises ReviewError when ``on`` is earlier than a dated entry of the log (for example the
    assessment itself): a review cannot be signed before what it reviews.
    """
    earlier = [e.on for e in review.log if e.on is not None and e.on > on]
    if earlier:
        raise ReviewError(
            f"The sign-off date {on.isoformat()} is before the assessment or an earlier step of "
            f"the review ({max(earlier).isoformat()}). Choose a later date."
        )
    agreed = sum(1 for fr in review.finding_reviews if fr.status == "agreed")
    disputed = sum(1 for fr in review.finding_reviews if fr.status == "disputed")
    who = review.reviewer_name.strip() or "the adviser"
    org = f" ({review.organisation.strip()})" if review.organisation.strip() else ""
    entry = LogEntry(
        on=on,
        by=review.reviewer_name,
        event="sign_off",
        text=f"Signed off by {who}{org}: {agreed} finding(s) agreed, {disputed} disputed, "
        f"{len(review.extra_next_steps)} extra next step(s).",
    )
    return review.model_copy(update={"signed_on": on, "log": [*review.log, entry]})


def same_answers(review: Review, answers: AnswersFile) -> bool:
    """True if ``answers`` are the answers the review was made on.

    The app stamps an answers file with the rule-base version it loads it with, so the same
    answers re-opened after a rule-base update carry another version: the digest is compared
    both as is and with the version the review names (a rule-base change is reported on its own).
    """
    if review.answers_sha256 == answers_digest(answers):
        return True
    if review.ruleset is None:
        return False
    restamped = answers.model_copy(update={"ruleset": review.ruleset})
    return review.answers_sha256 == answers_digest(restamped)


def check(review: Review, answers: AnswersFile, evaluation: Evaluation) -> list[str]:
    """Plain-language warnings about a review that may not fit this assessment.

    * the answers changed since the review (different SHA-256);
    * the findings were produced by another rule base version;
    * reviewed findings that this assessment no longer has, and findings not reviewed.
    """
    out: list[str] = []
    if review.answers_sha256 and not same_answers(review, answers):
        out.append(
            "The answers were changed after this review was made: the review may not fit "
            "the findings shown."
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
    return out


def dump(review: Review) -> bytes:
    """YAML bytes (UTF-8, stable key order); ``parse(dump(r)) == r``."""
    text = yaml.safe_dump(
        review.model_dump(mode="json"),
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
    return text.encode("utf-8")


def parse(data: bytes) -> Review:
    """Read a review document (YAML or JSON). Raises :class:`ReviewError` with a reason.

    Read with the same safe reader as answers files (size cap, encodings, no tags or aliases).
    """
    if len(data) > MAX_BYTES:
        raise ReviewError(
            f"The review is {len(data):,} bytes; reviews are at most {MAX_BYTES:,} bytes."
        )
    try:
        raw = answers_mod.read_document(data, MAX_BYTES, MAX_NODES)
    except AnswersError as exc:
        raise ReviewError(f"The review cannot be read: {exc}") from exc
    if not isinstance(raw, dict) or raw.get("format") != FORMAT:
        raise ReviewError(f"This is not a review of this tool (expected 'format: {FORMAT}').")
    try:
        return Review.model_validate(raw)
    except ValidationError as exc:
        raise ReviewError(
            f"The review is not in the expected shape: {answers_mod.shape_problems(exc)}"
        ) from exc
