"""The adviser's review form, without Streamlit: the review the adviser starts from (new, the
one in the PDF, or a re-review when the answers changed), the review as the form holds it,
the sign-off time, and the company's edits in the change log.

``compliance_app.ui.adviser`` draws the widgets and calls these functions; the tests call them
directly.
"""

from __future__ import annotations

import datetime as dt
import zoneinfo
from collections.abc import Mapping, Sequence

from compliance_app.dossier import review_diff
from compliance_app.dossier import review_flow as flow
from compliance_app.dossier.answers import AnswersFile
from compliance_app.dossier.review import Review, same_answers
from compliance_app.engine.results import Evaluation
from compliance_app.rulebase.models import Ruleset
from compliance_app.ui.forms import COMPANY_MAX, length_problem

STATUS_LABELS = {
    "": "Not reviewed",
    "agreed": "Agreed",
    "qualified": "Agreed with qualification",
    "noted": "Noted",
    "disputed": "Disputed",
}
SCOPE_DEFAULT = (
    "Reviewed on the answers and findings shown in this report only; no documents, "
    "classifications or licences were examined unless stated in the comments. The review is "
    "given to the company named in the report for its own use and may not be relied on by "
    "anyone else. It is valid only for these answers (fingerprint above) and this rule-base "
    "version."
)


def assessed_at(generated_at: str | None) -> dt.datetime | None:
    """The time of a report's ``generated_at`` (``"2026-11-29 10:12 UTC"``), if readable."""
    text = (generated_at or "").strip()
    for fmt in ("%Y-%m-%d %H:%M UTC", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, fmt).replace(tzinfo=dt.UTC)
        except ValueError:
            continue
    return None


def base_review(
    ruleset: Ruleset,
    af: AnswersFile,
    evaluation: Evaluation,
    earlier: Review | None,
    report_id: str = "",
    generated_at: str | None = None,
    now: dt.datetime | None = None,
) -> tuple[Review, bool]:
    """The review the adviser starts from, and whether it is a re-review.

    No review in the upload: a new one. A review of these answers: that one. A review of
    other answers (the company changed them since): :func:`review_diff.rereview`, bound to
    these answers, with what changed in its log.
    """
    when = assessed_at(generated_at)
    if earlier is None:
        return (
            flow.start_review(af, evaluation, report_id=report_id, assessed_at=when, now=now),
            False,
        )
    if same_answers(earlier, af) and earlier.migrated_from is None:
        return earlier, False
    again = review_diff.rereview(
        earlier,
        ruleset,
        af,
        evaluation,
        report_id=report_id,
        at=now or flow.now_utc(),
        by=earlier.reviewer_name,
    )
    if when is not None:
        again = again.model_copy(update={"assessed_at": when})
    return again, True


def steps_from_text(text: str) -> list[str]:
    """Extra next steps typed one per line (blank lines ignored)."""
    return [line.strip() for line in text.splitlines() if line.strip()]


def review_from_form(
    base: Review,
    codes: Sequence[str],
    statuses: Mapping[str, str],
    comments: Mapping[str, str],
    general: str,
    extra_steps: str,
    name: str,
    organisation: str,
    *,
    capacity: str = "",
    scope: str = "",
    questions: Mapping[str, tuple[str, str]] | None = None,
) -> Review:
    """The review as the adviser's form holds it (unsigned). A finding left "Not reviewed"
    is not recorded; findings of ``base`` the assessment no longer has are kept.
    ``questions``: step -> (question, the adviser's answer)."""
    r = base.model_copy(
        update={
            "finding_reviews": [fr for fr in base.finding_reviews if fr.code not in codes],
            "general_comments": general,
            "extra_next_steps": steps_from_text(extra_steps),
            "reviewer_name": name,
            "organisation": organisation,
            "capacity": capacity,
            "scope_statement": scope,
            "sign_off": None,
        }
    )
    for code in codes:
        status = statuses.get(code) or ""
        if status in STATUS_LABELS and status:
            r = flow.set_finding(r, code, status, comments.get(code) or "")
    for step, (question, answer) in (questions or {}).items():
        if answer.strip():
            r = flow.answer_question(r, step, question, answer)
    return r


def sign_off_problems(name: str, organisation: str, capacity: str = "") -> list[str]:
    """What is missing or too long in the signer's details."""
    out = []
    for value, label in ((name, "your name"), (organisation, "your organisation")):
        if not value.strip():
            out.append(f"Enter {label}.")
    for value in (name, organisation, capacity):
        problem = length_problem(value, COMPANY_MAX)
        if problem:
            out.append(problem)
    return out


def same_content(a: Review | None, b: Review | None) -> bool:
    """True when two reviews say the same (ignoring the sign-off and the log)."""
    if a is None or b is None:
        return False
    skip = {"sign_off", "log"}
    return a.model_dump(exclude=skip) == b.model_dump(exclude=skip)


def zone(name: str | None) -> dt.tzinfo:
    """The timezone named by the browser (IANA name), or UTC."""
    try:
        return zoneinfo.ZoneInfo(name) if name else dt.UTC
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return dt.UTC


def sign_off_time(day: dt.date, time: dt.time, tz: dt.tzinfo) -> dt.datetime:
    """The sign-off moment chosen in the form, in the adviser's timezone."""
    return dt.datetime.combine(day, time.replace(second=0, microsecond=0), tz)


def track_company_edits(
    review: Review,
    ruleset: Ruleset,
    before: AnswersFile | None,
    after: AnswersFile,
    at: dt.datetime,
) -> Review:
    """The review with a ``company_edit`` log entry for each answer changed since ``before``."""
    if before is None:
        return review
    return review_diff.log_company_edits(review, ruleset, before, after, at)
