"""The adviser review section and the change log of a reviewed report (helper of ``report``).

The company's answers and findings are printed as they are, unchanged; a review only adds:

* a line on the first page saying who reviewed the assessment and whether it is signed off;
* the section "Adviser review": each finding's status (agreed, disputed, not reviewed) and
  comment, reviewed findings the assessment no longer has, warnings when the review may not fit
  (answers changed since, other rule base version), general comments, extra next steps and the
  sign-off;
* the section "Change log": the original assessment, then each review event, in order.

All review text is user input: it goes through the report's sanitizer like any answer.
"""

from __future__ import annotations

from typing import Any

from reportlab.platypus import CondPageBreak, Flowable, KeepTogether, Spacer

from compliance_app.dossier import review as review_mod
from compliance_app.dossier.review import Review

STATUS = {
    "agreed": ("AGREED", "#166534"),
    "disputed": ("DISPUTED", "#9b1c1c"),
    None: ("NOT REVIEWED", "#4b5563"),
}
EVENTS = {
    "assessment": "Original assessment",
    "review": "Review",
    "sign_off": "Sign-off",
    "note": "Note",
}


def sign_off_text(review: Review) -> str:
    """One plain sentence: who reviewed, and whether and when it was signed off."""
    who = review.reviewer_name.strip() or "an adviser"
    org = f" ({review.organisation.strip()})" if review.organisation.strip() else ""
    if review.signed_on:
        return f"Reviewed and signed off by {who}{org} on {review.signed_on.isoformat()}."
    return f"Review by {who}{org} in progress: not signed off."


def cover_field(b: Any, review: Review) -> Flowable:
    """The first-page line about the review (``b`` is the report's builder).

    When the review no longer fits the assessment (answers or rule base changed since, findings
    not reviewed), the line says so at once: a sign-off must never appear to cover a result the
    adviser did not see.
    """
    text = sign_off_text(review)
    warnings = review_mod.check(review, b.answers, b.ev)
    if warnings:
        text += (
            " Caution: the review may not cover this result as printed "
            f"({len(warnings)} point(s); see the Adviser review section)."
        )
    return b.field("Adviser review", text)


def section(b: Any, review: Review) -> list[Flowable]:
    """The "Adviser review" and "Change log" sections (``b`` is the report's builder)."""
    out: list[Flowable] = [CondPageBreak(150), b.p("Adviser review", "h1")]
    out.append(
        b.p(
            "An export-control adviser reviewed this assessment. The company's answers and the "
            "findings above are printed unchanged; this section gives the adviser's view of "
            "each finding.",
            "small",
        )
    )
    out.append(b.p(f"<b>{b.t(sign_off_text(review))}</b>"))
    for warning in review_mod.check(review, b.answers, b.ev):
        out.append(b.p(b.t(warning), "warn"))
    out.append(b.p("Findings", "h2"))
    if not b.ev.findings:
        out.append(b.p("The assessment has no findings."))
    for f in b.ev.findings:
        fr = review.of(f.code)
        label, color = STATUS[fr.status if fr else None]
        block: list[Flowable] = [
            b.p(
                f'<font color="{color}"><b>[{label}]</b></font> {b.t(f.code)} — {b.t(f.title)}',
                "label",
            )
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
            label, color = STATUS[fr.status]
            out.append(
                b.p(f'<font color="{color}"><b>[{label}]</b></font> {b.t(fr.code)}', "label")
            )
            if fr.comment.strip():
                out.extend(b.long_text(fr.comment, "answer"))
    out.append(b.p("General comments", "h2"))
    if review.general_comments.strip():
        out.extend(b.long_text(review.general_comments, "body"))
    else:
        out.append(b.p("<i>(none)</i>"))
    if review.extra_next_steps:
        out.append(b.p("Additional next steps from the adviser", "h2"))
        out.extend(b.p(b.t(s), "check", bulletText="\u2610") for s in review.extra_next_steps)
    out.append(b.p("Sign-off", "h2"))
    out.append(b.field("Reviewer", review.reviewer_name))
    out.append(b.field("Organisation", review.organisation))
    out.append(b.field("Signed off on", review.signed_on.isoformat() if review.signed_on else ""))
    out.extend(change_log(b, review))
    return out


def change_log(b: Any, review: Review) -> list[Flowable]:
    """The change log: the original assessment first, then each review event."""
    out: list[Flowable] = [Spacer(1, 6), b.p("Change log", "h1")]
    entries = list(review.log)
    if not any(e.event == "assessment" for e in entries):
        entries.insert(
            0,
            review_mod.LogEntry(
                by=b.answers.company.name,
                event="assessment",
                text=f"Self-assessment (report {b.rid}).",
            ),
        )
    entries.sort(key=lambda e: e.event != "assessment")  # stable: the assessment comes first
    for i, e in enumerate(entries, start=1):
        when = e.on.isoformat() if e.on else "date not recorded"
        by = f" — {b.t(e.by)}" if e.by.strip() else ""
        out.append(b.p(f"{i}. {EVENTS[e.event]} · {b.t(when)}{by}", "label"))
        if e.text.strip():
            out.extend(b.long_text(e.text, "answer"))
    return out
