"""An adviser's review of one assessment: a status for each finding, an answer for each open
question, comments, and a scoped, timed sign-off.

A review is its own small, versioned document (``format: itar-ear-review``), kept apart from
the answers file, whose format does not change. It travels inside the PDF report as the
attachment ``review.yaml`` (see :mod:`compliance_app.dossier.transport` and ``docs/review.md``)::

    format: itar-ear-review
    format_version: 2
    answers_sha256: 3f9a...            # the answers the review is made on (see same_answers)
    report_id: R-3f9a0c1b2d4e
    ruleset: {id: itar-ear-selfassessment, version: 1.1.0}
    assessed_at: '2026-11-28T10:12:00Z'
    reviewer_name: Dr. A. Adviser
    organisation: Luxinnovation
    capacity: Export-control lawyer, admitted in Luxembourg
    scope_statement: "Reviewed on the answers given; no documents seen; for the company only."
    reviewed: {format: itar-ear-answers, ...}   # frozen: the answers file as reviewed
    reviewed_findings: [{code: AUTH_TAA, title: ..., severity: high}]   # frozen
    finding_reviews:
    - {code: AUTH_TAA, status: agreed, comment: ""}
    - {code: DEEMED_EXPORT, status: disputed, comment: "Staff are all EU nationals."}
    question_answers: [{step: m3_eccn, question: ..., answer: "EAR99, per supplier letter"}]
    general_comments: "..."
    extra_next_steps: ["Ask the US supplier for the CJ determination."]
    sign_off: {signed_at: '2026-11-30T14:05:00+01:00', report_id: ..., answers_sha256: ...,
               ruleset: ..., findings: [{code, title, severity, status}], ...}   # null if not
    log:
    - {at: '2026-11-28T10:12:00Z', by: LU-Alpha S.A., event: assessment, text: "..."}
    - {at: '2026-11-30T13:50:00+01:00', by: Dr. A. Adviser, event: review, text: "..."}

Statuses: ``agreed``, ``qualified`` (agreed with a qualification, comment required),
``noted`` and ``disputed`` (comment required). A finding without a ``FindingReview`` has not
been reviewed. Format 1 reviews (dates without times, two statuses) are read and migrated with a
visible note (:mod:`compliance_app.dossier.review_migrate`). The model is strict (unknown keys
are refused); a new field is added with a default, so that older documents still load.
A review is untrusted input when it is read back: :func:`parse` applies the same size cap and
safe YAML reading as answers files. The workflow (start, sign off, re-review) is in
:mod:`compliance_app.dossier.review_flow`.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Annotated, Literal

import yaml
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError

from compliance_app.dossier import answers as answers_mod
from compliance_app.dossier import review_migrate
from compliance_app.dossier.answers import AnswersError, AnswersFile, RulesetRef

FORMAT = "itar-ear-review"
FORMAT_VERSION = 2
MAX_BYTES = 2_500_000
"""Largest review document accepted, in bytes (checked before parsing). A review holds a
frozen copy of the answers file (at most 1 MB) besides its own text."""
MAX_NODES = 60_000
"""Most YAML/JSON values in a review, counted while reading
(:mod:`compliance_app.dossier.untrusted`): its own text (500 finding reviews, 200 next steps,
2,000 log entries) and the frozen copy of the answers file (at most 5,000 values)."""

ShortText = Annotated[str, Field(max_length=300)]
LongText = Annotated[str, Field(max_length=20_000)]
Code = Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9_]*$", max_length=64)]
StepId = Annotated[
    str, Field(pattern=r"^[A-Za-z0-9_]+(@[A-Za-z0-9_]+(\+[A-Za-z0-9_]+)*)?$", max_length=64)
]
"""A step id, or a deal's qualified id (``m5_us_value@item1+dest2``, see
:mod:`compliance_app.engine.deal`)."""
Status = Literal["agreed", "qualified", "noted", "disputed"]
STATUSES: tuple[str, ...] = ("agreed", "qualified", "noted", "disputed")
NEEDS_COMMENT = frozenset({"qualified", "disputed"})
"""Statuses that must carry a comment (the qualification, or why the adviser disagrees)."""
Event = Literal[
    "assessment", "company_edit", "review", "re_review", "sign_off", "note", "migration"
]
Sha256 = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class ReviewError(AnswersError):
    """A review document or a review step was refused. ``str(error)`` is for the user."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class FindingReview(_Strict):
    """The adviser's view of one finding (by code)."""

    code: Code
    status: Status
    comment: LongText = ""


class HitDismissal(_Strict):
    """A screening hit the adviser judged a false positive (the company cannot clear a hit).

    ``party`` is the party's name as typed, ``hit`` is ``<list id>/<entry id>`` (see
    :func:`compliance_app.dossier.screening.hit_id`); the reason is required.
    """

    party: ShortText
    hit: ShortText
    reason: Annotated[str, Field(min_length=1, max_length=20_000)]
    by: ShortText = ""
    on: dt.date | None = None


class FrozenFinding(_Strict):
    """A finding as it stood when the review was made (or signed)."""

    code: Code
    title: LongText = ""
    severity: Annotated[str, Field(max_length=32)] = ""


class CoveredFinding(FrozenFinding):
    """A finding covered by a sign-off, with the status the adviser gave it."""

    status: Status


class QuestionAnswer(_Strict):
    """The adviser's answer to one open question (an "I don't know" of the company)."""

    step: StepId
    question: LongText = ""
    answer: LongText = ""


class LogEntry(_Strict):
    """One line of the change log: what happened, when (with timezone) and by whom."""

    at: AwareDatetime | None = None
    by: ShortText = ""
    event: Event
    text: LongText = ""


class SignOff(_Strict):
    """What the adviser signed: who, in which capacity, when, and exactly which result."""

    signed_at: AwareDatetime
    reviewer_name: ShortText
    organisation: ShortText = ""
    capacity: ShortText = ""
    report_id: ShortText = ""
    answers_sha256: Sha256 | None = None
    ruleset: RulesetRef | None = None
    assessed_at: AwareDatetime | None = None
    findings: Annotated[list[CoveredFinding], Field(max_length=500)] = Field(default_factory=list)
    open_questions_answered: Annotated[int, Field(ge=0)] = 0
    scope_statement: LongText = ""


class Review(_Strict):
    """An adviser's review of one assessment (one answers file)."""

    format: Literal["itar-ear-review"] = FORMAT
    format_version: Literal[2] = FORMAT_VERSION
    answers_sha256: Sha256 | None = None
    """SHA-256 of the answers file (:func:`answers_digest`) the review is made on."""
    report_id: ShortText = ""
    ruleset: RulesetRef | None = None
    """Rule base the reviewed findings came from."""
    assessed_at: AwareDatetime | None = None
    """When the assessment was made (the report's ``generated_at``), if known."""
    reviewer_name: ShortText = ""
    organisation: ShortText = ""
    capacity: ShortText = ""
    """The adviser's professional capacity (e.g. "Export-control lawyer, Luxembourg bar")."""
    scope_statement: LongText = ""
    """Scope, limitations and who may rely on the review."""
    reviewed: AnswersFile | None = None
    """Frozen: the answers file the review is made on (its digest is ``answers_sha256``)."""
    reviewed_findings: Annotated[list[FrozenFinding], Field(max_length=500)] = Field(
        default_factory=list
    )
    """Frozen: the findings of the assessment when the review was made."""
    finding_reviews: Annotated[list[FindingReview], Field(max_length=500)] = Field(
        default_factory=list
    )
    question_answers: Annotated[list[QuestionAnswer], Field(max_length=500)] = Field(
        default_factory=list
    )
    general_comments: LongText = ""
    extra_next_steps: Annotated[list[LongText], Field(max_length=200)] = Field(default_factory=list)
    sign_off: SignOff | None = None
    log: Annotated[list[LogEntry], Field(max_length=2000)] = Field(default_factory=list)
    migrated_from: Literal[1] | None = None
    """Set when the review was read from an older format (see :attr:`migration_note`)."""
    dismissed_hits: Annotated[list[HitDismissal], Field(max_length=1000)] = Field(
        default_factory=list
    )
    """Screening hits dismissed as false positives, each with the adviser's reason (optional;
    reviews without it load as before)."""

    def dismissal(self, party: str, hit: str) -> HitDismissal | None:
        """The adviser's dismissal of ``hit`` (``list/entry``) for ``party``, or None."""
        return next(
            (d for d in reversed(self.dismissed_hits) if (d.party, d.hit) == (party, hit)), None
        )

    def of(self, code: str) -> FindingReview | None:
        """The review of finding ``code`` (the last one if listed twice), or None."""
        found = None
        for fr in self.finding_reviews:
            if fr.code == code:
                found = fr
        return found

    def answer_to(self, step: str) -> QuestionAnswer | None:
        """The adviser's answer to the open question of ``step``, or None."""
        found = None
        for qa in self.question_answers:
            if qa.step == step:
                found = qa
        return found

    @property
    def signed(self) -> bool:
        """True once the adviser signed off (recorded; a digital signature is separate)."""
        return self.sign_off is not None

    @property
    def signed_at(self) -> dt.datetime | None:
        return self.sign_off.signed_at if self.sign_off else None

    @property
    def signed_on(self) -> dt.date | None:
        """The date of the sign-off in its own timezone (format 1 had only this)."""
        return self.sign_off.signed_at.date() if self.sign_off else None

    @property
    def migration_note(self) -> str | None:
        """A sentence for the reader when the review was migrated from an older format."""
        if self.migrated_from is None:
            return None
        return review_migrate.NOTE


def answers_digest(answers: AnswersFile) -> str:
    """SHA-256 (hex) of the answers file as :func:`~compliance_app.dossier.answers.dump`
    writes it."""
    return hashlib.sha256(answers_mod.dump(answers)).hexdigest()


def dismiss_hit(
    review: Review, party: str, hit: str, reason: str, on: dt.date | dt.datetime | None = None
) -> Review:
    """A copy of ``review`` with a screening hit dismissed as a false positive, and a log line.

    Raises ReviewError when the reason is empty: a dismissal must say why.
    """
    if not reason.strip():
        raise ReviewError("Give the reason why this hit is a false positive.")
    day = on.date() if isinstance(on, dt.datetime) else on
    at = (
        on
        if isinstance(on, dt.datetime)
        else (dt.datetime.combine(on, dt.time(), tzinfo=dt.UTC) if on is not None else None)
    )
    entry = HitDismissal(party=party, hit=hit, reason=reason, by=review.reviewer_name, on=day)
    kept = [d for d in review.dismissed_hits if (d.party, d.hit) != (party, hit)]
    text = f"Screening hit {hit} for {party} dismissed as a false positive: {reason}"
    log = list(review.log)
    if not any(e.event == "note" and e.text == text for e in log):  # said once
        log.append(LogEntry(at=at, by=review.reviewer_name, event="note", text=text))
    return review.model_copy(update={"dismissed_hits": [*kept, entry], "log": log})


def same_answers(review: Review, answers: AnswersFile) -> bool:
    """True if ``answers`` are the answers the review was made on.

    The app stamps an answers file with the rule-base version it loads it with, so the same
    answers re-opened after a rule-base update carry another version: the digest is compared
    both as is and with the version the review names (a rule-base change is reported on its own).

    A review made on one case's answers (format 1, before issue 10) covers the deal they
    migrate to: its frozen copy (``reviewed``) is checked against its digest, migrated, and
    compared with ``answers``.
    """
    if review.answers_sha256 == answers_digest(answers):
        return True
    frozen = review.reviewed
    if frozen is not None and frozen.format_version == 1 and answers.format_version == 2:
        if review.answers_sha256 != answers_digest(frozen):
            return False
        migrated = answers_mod.migrate_file(frozen)
        restamped = answers.model_copy(update={"ruleset": frozen.ruleset})
        return answers_digest(migrated) == answers_digest(restamped)
    if review.ruleset is None:
        return False
    restamped = answers.model_copy(update={"ruleset": review.ruleset})
    return review.answers_sha256 == answers_digest(restamped)


def dump(review: Review) -> bytes:
    """YAML bytes (UTF-8, stable key order); ``parse(dump(r)) == r``. A review without dismissed
    screening hits is written as before that field existed."""
    data = review.model_dump(mode="json")
    if not data.get("dismissed_hits"):
        data.pop("dismissed_hits", None)
    text = yaml.safe_dump(
        data,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=100,
    )
    return text.encode("utf-8")


def parse(data: bytes) -> Review:
    """Read a review document (YAML or JSON). Raises :class:`ReviewError` with a reason.

    Read with the same safe reader as answers files (size cap, encodings, no tags or aliases).
    A format 1 document is migrated (:mod:`compliance_app.dossier.review_migrate`) and comes
    back with ``migrated_from = 1``.
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
    version = raw.get("format_version", FORMAT_VERSION)
    if version == 1:
        raw = review_migrate.from_v1(raw)
    elif version != FORMAT_VERSION:
        raise ReviewError(
            f"This review has format version {version!r}; this version of the tool reads "
            f"versions 1 and {FORMAT_VERSION}. Use a newer version of the tool."
        )
    try:
        return Review.model_validate(raw)
    except ValidationError as exc:
        raise ReviewError(
            f"The review is not in the expected shape: {answers_mod.shape_problems(exc)}"
        ) from exc
