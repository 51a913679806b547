"""The adviser review in the report: inline statuses, the review section and the change log
(helper of ``report``).

The company's answers and findings are printed as they are; a review adds:

* on the first page, the review status: signed off (and whether this PDF carries the
  adviser's digital signature), in progress, or "Review not valid for these answers" when
  the answers changed since the review; and the count of each status;
* under each finding's title, the adviser's status and comment (:func:`inline`), under each
  open question the adviser's answer (:func:`question_inline`), so that nobody reads the
  tool's finding without the adviser's view of it;
* the section "Adviser review": statuses, answers to open questions, warnings when the review
  may not fit, general comments, extra next steps and the sign-off block with its scope
  (report id, answers fingerprint, rule base, date and time with timezone, the findings
  covered with their status, the professional capacity and the scope/limitations/reliance
  statement);
* the section "Change log": every event with its time, the assessment first.

All review text is user input: it goes through the report's sanitizer like any answer.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from compliance_app.dossier import review_flow as flow
from compliance_app.dossier.review import LogEntry, Review

STATUS = {
    "agreed": ("AGREED", "#166534"),
    "qualified": ("AGREED WITH QUALIFICATION", "#92400e"),
    "noted": ("NOTED", "#1e40af"),
    "disputed": ("DISPUTED", "#9b1c1c"),
    None: ("NOT REVIEWED", "#4b5563"),
}
EVENTS = {
    "assessment": "Original assessment",
    "company_edit": "Company edit",
    "review": "Review",
    "re_review": "Re-review",
    "sign_off": "Sign-off",
    "note": "Note",
    "migration": "Migration",
}
NOT_SIGNED = (
    "NOT DIGITALLY SIGNED: this PDF carries no digital signature of the adviser, so the name "
    "above is as typed and not verified. Only a PDF signed by the adviser (PAdES) is signed."
)
SIGNED = (
    "Electronically signed: the adviser's digital signature (PAdES) is part of this PDF. Check "
    "it in a PDF viewer or with 'python -m compliance_app verify FILE'. A copy whose signature "
    "is missing or not valid is not signed."
)


def when(moment: dt.datetime | None) -> str:
    """``2026-11-30 14:05 UTC+01:00`` (``UTC`` for UTC), or "time not recorded"."""
    if moment is None:
        return "time not recorded"
    offset = moment.utcoffset() or dt.timedelta(0)
    if not offset:
        return moment.strftime("%Y-%m-%d %H:%M UTC")
    sign = "+" if offset > dt.timedelta(0) else "-"
    minutes = abs(int(offset.total_seconds())) // 60
    return moment.strftime("%Y-%m-%d %H:%M") + f" UTC{sign}{minutes // 60:02d}:{minutes % 60:02d}"


def _who(review: Review) -> str:
    who = review.reviewer_name.strip() or "an adviser"
    extra = [x.strip() for x in (review.capacity, review.organisation) if x.strip()]
    return who + (f" ({', '.join(extra)})" if extra else "")


def status_text(review: Review, answers: Any, for_signature: bool = False) -> str:
    """One plain sentence (or two): the state of the review for these answers."""
    if not flow.valid_for(review, answers):
        return (
            f"{flow.NOT_VALID}: the answers were changed after the review by {_who(review)}. "
            "The review does not cover the result printed here; ask the adviser to review it "
            "again."
        )
    if review.sign_off is None:
        return f"Review by {_who(review)} in progress: not signed off."
    head = f"Reviewed and signed off by {_who(review)} on {when(review.signed_at)}."
    return head + " " + (SIGNED if for_signature else NOT_SIGNED)


def counts(review: Review, codes: list[str]) -> str:
    """``"2 agreed, 1 disputed, 1 not reviewed"`` for the findings ``codes``."""
    tally: dict[str, int] = {}
    for code in codes:
        fr = review.of(code)
        word = flow.STATUS_WORDS[fr.status] if fr else "not reviewed"
        tally[word] = tally.get(word, 0) + 1
    return ", ".join(f"{n} {w}" for w, n in tally.items()) or "no findings"


def cover_field(b: Any, review: Review) -> Flowable:
    """The first-page lines about the review (``b`` is the report's builder)."""
    text = status_text(review, b.answers, b.for_signature)
    text += f" Adviser's view of the findings: {counts(review, b.ev.codes())}."
    warnings = flow.check(review, b.answers, b.ev)
    if warnings and flow.valid_for(review, b.answers):
        text += (
            " Caution: the review may not cover this result as printed "
            f"({len(warnings)} point(s); see the Adviser review section)."
        )
    return b.field("Adviser review", text)


def _badge(status: str | None) -> str:
    label, color = STATUS[status]
    return f'<font color="{color}"><b>[{label}]</b></font>'


def inline(b: Any, review: Review, code: str) -> list[Flowable]:
    """The adviser's status and comment, printed under the finding's title."""
    fr = review.of(code)
    earlier = "" if flow.valid_for(review, b.answers) else " (on earlier answers)"
    text = f"<b>Adviser{earlier}:</b> {_badge(fr.status if fr else None)}"
    if fr and fr.comment.strip():
        text += " " + b.t(fr.comment)
    return [b.p(text, "label")]


def question_inline(b: Any, review: Review, step: str) -> list[Flowable]:
    """The adviser's answer to an open question, under the question."""
    qa = review.answer_to(step)
    if qa is None or not qa.answer.strip():
        return [b.p("<b>Adviser's answer:</b> <i>(not answered)</i>")]
    return [b.p("<b>Adviser's answer:</b> " + b.t(qa.answer))]


def section(b: Any, review: Review) -> list[Flowable]:
    """The "Adviser review" and "Change log" sections (``b`` is the report's builder)."""
    out: list[Flowable] = [CondPageBreak(150), b.p("Adviser review", "h1")]
    out.append(
        b.p(
            "An export-control adviser reviewed this assessment. The company's answers and the "
            "tool's findings are printed unchanged above, each with the adviser's view; this "
            "section gives the whole review and what the sign-off covers.",
            "small",
        )
    )
    out.append(b.p(f"<b>{b.t(status_text(review, b.answers, b.for_signature))}</b>"))
    for warning in flow.check(review, b.answers, b.ev):
        out.append(b.p(b.t(warning), "warn"))
    out.append(b.p("Findings", "h2"))
    if not b.ev.findings:
        out.append(b.p("The assessment has no findings."))
    for f in b.ev.findings:
        fr = review.of(f.code)
        block: list[Flowable] = [
            b.p(f"{_badge(fr.status if fr else None)} {b.t(f.code)} — {b.t(f.title)}", "label")
        ]
        if fr and fr.comment.strip():
            block.extend(b.long_text(fr.comment, "answer"))
        out.append(KeepTogether(block[:2]))
        out.extend(block[2:])
    codes = set(b.ev.codes())
    gone = [fr for fr in review.finding_reviews if fr.code not in codes]
    if gone:
        out.append(b.p("Reviewed findings this assessment no longer has", "h2"))
        for fr in gone:
            out.append(b.p(f"{_badge(fr.status)} {b.t(fr.code)}", "label"))
            if fr.comment.strip():
                out.extend(b.long_text(fr.comment, "answer"))
    if review.question_answers:
        out.append(b.p("Open questions answered by the adviser", "h2"))
        for qa in review.question_answers:
            out.append(b.p(b.t(qa.question or qa.step), "label"))
            out.extend(b.long_text(qa.answer or "(not answered)", "answer"))
    out.append(b.p("General comments", "h2"))
    if review.general_comments.strip():
        out.extend(b.long_text(review.general_comments, "body"))
    else:
        out.append(b.p("<i>(none)</i>"))
    if review.extra_next_steps:
        out.append(b.p("Additional next steps from the adviser", "h2"))
        out.extend(b.p(b.t(s), "check", bulletText="\u2610") for s in review.extra_next_steps)
    out.extend(sign_off_block(b, review))
    out.extend(change_log(b, review))
    return out


def sign_off_block(b: Any, review: Review) -> list[Flowable]:
    """The sign-off and its scope: what exactly the adviser signed."""
    out: list[Flowable] = [CondPageBreak(120), b.p("Sign-off", "h2")]
    so = review.sign_off
    out.append(b.field("Reviewer", review.reviewer_name))
    out.append(b.field("Professional capacity", review.capacity))
    out.append(b.field("Organisation", review.organisation))
    if so is None:
        out.append(b.field("Signed off", "not signed off"))
        return out
    out.append(b.field("Signed off at", when(so.signed_at)))
    out.append(b.field("Report id", so.report_id))
    out.append(b.field("Answers fingerprint (SHA-256)", so.answers_sha256 or "not recorded"))
    ref = so.ruleset
    out.append(b.field("Rule base", f"{ref.id} version {ref.version}" if ref else "not recorded"))
    out.append(b.field("Assessment made at", when(so.assessed_at)))
    out.append(b.p("Findings covered by this sign-off", "label"))
    for c in so.findings:
        out.append(
            b.p(f"{_badge(c.status)} {b.t(c.code)} — {b.t(c.title)}", "check", bulletText="•")
        )
    if not so.findings:
        out.append(b.p("<i>(none)</i>"))
    out.append(b.field("Open questions answered", str(so.open_questions_answered)))
    out.append(b.p("Scope, limitations and reliance", "label"))
    out.extend(b.long_text(so.scope_statement or "(not stated)", "answer"))
    out.append(b.p(b.t(SIGNED if b.for_signature else NOT_SIGNED), "warn"))
    return out


def change_log(b: Any, review: Review) -> list[Flowable]:
    """The change log: the original assessment first, then every event with its time."""
    out: list[Flowable] = [Spacer(1, 6), b.p("Change log", "h1")]
    entries = list(review.log)
    if not any(e.event == "assessment" for e in entries):
        entries.insert(
            0,
            LogEntry(
                by=b.answers.company.name,
                event="assessment",
                text=f"Self-assessment (report {b.rid}).",
            ),
        )
    entries.sort(key=lambda e: e.event != "assessment")  # stable: the assessment comes first
    for i, e in enumerate(entries, start=1):
        by = f" — {b.t(e.by)}" if e.by.strip() else ""
        out.append(b.p(f"{i}. {EVENTS[e.event]} · {b.t(when(e.at))}{by}", "label"))
        if e.text.strip():
            out.extend(b.long_text(e.text, "answer"))
    return out
