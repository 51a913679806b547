"""The adviser's review as the company sees it: the banner (landing, answers and results
pages), each finding's status in its title and inline, the review section, the digital
signature verdict, and the company's own edits in the change log.

The banner says, in this order of precedence: "Review not valid for these answers" when the
answers changed since the review; "Reviewed and signed off ... digitally signed" only when the
uploaded PDF carried a valid signature and the review covers these answers; otherwise that
the sign-off is recorded but not digitally signed, or that the review is in progress.
"""

from __future__ import annotations

import streamlit as st

from compliance_app.dossier import review_flow as flow
from compliance_app.dossier.review import Review
from compliance_app.dossier.signing import SignatureCheck
from compliance_app.report.review_section import when
from compliance_app.rulebase.models import Ruleset
from compliance_app.ui import review_forms as rf
from compliance_app.ui import state as ui
from compliance_app.ui.session import ss

LABELS = {
    "agreed": "AGREED",
    "qualified": "AGREED WITH QUALIFICATION",
    "noted": "NOTED",
    "disputed": "DISPUTED",
}


def signature_box(check: SignatureCheck | None, what: str) -> None:
    """The verdict on a PDF's digital signature, with the certificate details."""
    if check is None:
        return
    if check.status == "not_signed":
        st.info(f"{what} is not signed: it carries no digital signature.")
        return
    show = st.success if check.signed and check.unchanged else st.error
    show(ui.md_escape(check.headline()))
    with st.expander("Signature and certificate details", expanded=not check.unchanged):
        for line in check.lines()[1:]:
            st.text(line)


def _who(review: Review) -> str:
    who = review.reviewer_name or "the adviser"
    return who + (f" ({review.organisation})" if review.organisation else "")


def banner(ruleset: Ruleset) -> None:
    """The state of the review for the current answers (nothing when there is no review)."""
    review: Review | None = ss.get("review")
    if review is None:
        return
    af = ui.answers_file(ruleset, ss.answers, ss.company, ss.get("screening"))
    who = ui.md_escape(_who(review))
    check: SignatureCheck | None = ss.get("review_signature")
    if not flow.valid_for(review, af):
        st.error(
            f"**{flow.NOT_VALID}.** The answers were changed after the review by {who}: it "
            "does not cover the results shown. Send the new report to your adviser for a "
            "re-review."
        )
    elif review.sign_off is None:
        st.warning(f"Adviser review by {who} in progress: not signed off.")
    elif check is not None and check.signed:
        changed = "" if check.unchanged else " The PDF was CHANGED after it was signed."
        st.success(
            f"Reviewed and signed off by {who} on {when(review.signed_at)}; digitally signed "
            f"(verified when the PDF was uploaded).{changed}"
        )
    else:
        st.warning(
            f"Sign-off recorded by {who} on {when(review.signed_at)}, **not digitally "
            "signed**: the name is as typed and not verified. Ask your adviser for the signed "
            "PDF and upload it to see the signature."
        )
    if review.migration_note:
        st.caption(review.migration_note)


def title_suffix(code: str) -> str:
    """`` — Adviser: DISPUTED`` for a finding's title (empty without a review)."""
    review: Review | None = ss.get("review")
    if review is None:
        return ""
    fr = review.of(code)
    return " — Adviser: " + (LABELS[fr.status] if fr else "NOT REVIEWED")


def review_note(review: Review, code: str) -> None:
    """The adviser's view of one finding, shown above it (never inside a closed expander)."""
    fr = review.of(code)
    if fr is None:
        st.caption(f"Adviser: not reviewed ({code}).")
        return
    text = f"Adviser {LABELS[fr.status]} ({code})" + (
        ": " + ui.md_escape(fr.comment) if fr.comment else "."
    )
    {"disputed": st.error, "qualified": st.warning}.get(fr.status, st.info)(text)


def show_review(ruleset: Ruleset, review: Review, ev) -> None:
    """The review section of the results page (company side)."""
    st.header("Adviser review")
    af = ui.answers_file(ruleset, ss.answers, ss.company, ss.get("screening"))
    signature_box(ss.get("review_signature"), "The PDF you uploaded")
    for w in flow.check(review, af, ev):
        st.warning(ui.md_escape(w))
    so = review.sign_off
    if so is not None:
        st.markdown("**What the sign-off covers**")
        st.text(
            f"Signed off at {when(so.signed_at)} by {so.reviewer_name}"
            + (f", {so.capacity}" if so.capacity else "")
            + (f", {so.organisation}" if so.organisation else "")
            + f"\nReport {so.report_id or '(no id)'}; answers fingerprint "
            f"{so.answers_sha256 or '(none)'}; rule base "
            f"{so.ruleset.version if so.ruleset else '(unknown)'}\n"
            + "\n".join(f"{c.code}: {LABELS[c.status]}" for c in so.findings)
        )
        if so.scope_statement:
            st.markdown("**Scope, limitations and reliance**")
            st.text(so.scope_statement)
    if review.question_answers:
        st.markdown("**Your adviser's answers to the open questions**")
        for qa in review.question_answers:
            st.text(f"{qa.question or qa.step}\n  {qa.answer}")
    if review.general_comments:
        st.markdown("**General comments**")
        st.text(review.general_comments)
    if review.extra_next_steps:
        st.markdown("**Additional next steps from your adviser**")
        for s in review.extra_next_steps:
            st.text("- " + s)
    if review.log:
        with st.expander("Change log"):
            for e in review.log:
                st.text(f"{when(e.at)}  {e.event}  {e.by}: {e.text}")


def track_company_edits(ruleset: Ruleset) -> None:
    """Log each answer the company changes while a review is open (company side only)."""
    review: Review | None = ss.get("review")
    if review is None:
        ss.review_answers = None
        return
    af = ui.answers_file(ruleset, ss.answers, ss.company, ss.get("screening"))
    before = ss.get("review_answers")
    if before is not None and before.model_dump() != af.model_dump():
        ss.review = rf.track_company_edits(review, ruleset, before, af, flow.now_utc())
    ss.review_answers = af
