"""Adviser review mode (issue "Adviser review"): open a company's PDF report or answers file,
see its answers and findings (read-only), agree or dispute each finding with a comment, add
general comments and next steps, sign off, download the reviewed PDF.

Nothing of the adviser's work is saved on the server: it lives in this browser session until
the reviewed PDF is downloaded. The company's answers are never changed here.
"""

from __future__ import annotations

import datetime as dt

import streamlit as st

from compliance_app.dossier import review as review_mod
from compliance_app.dossier.answers import AnswersError
from compliance_app.dossier.review import Review
from compliance_app.dossier.transport import Upload
from compliance_app.engine.evaluation import evaluate
from compliance_app.engine.values import visible_controls as shown
from compliance_app.rulebase.models import Ruleset
from compliance_app.ui import forms
from compliance_app.ui import state as ui
from compliance_app.ui.results import build_cached
from compliance_app.ui.session import PAGE_ADVISER, button, enter, go, ss
from compliance_app.ui.upload import UPLOAD_LABEL, read_new_upload, show_upgrade

STATUS_OPTIONS = ["", "agreed", "disputed"]
SIGN_LABEL = "Sign off"
DOWNLOAD_LABEL = "Download the reviewed report (PDF)"


def status_key(code: str) -> str:
    return f"rv_status_{code}"


def comment_key(code: str) -> str:
    return f"rv_comment_{code}"


def load(ruleset: Ruleset, up: Upload, ukey: str) -> None:
    """Take an accepted upload as the assessment to review; fill the form from its review."""
    af = up.answers
    try:
        ui.check_ruleset(ruleset, af, "This assessment", "It cannot be reviewed here.")
    except AnswersError as exc:
        message = str(exc)
        ss.upload_status = {**ss.upload_status, ukey: message}
        st.error("File refused: " + ui.md_escape(message))
        return
    m = up.manifest
    ss.adviser = {
        "af": af,
        "review": up.review,
        "report_id": m.report_id if m else "",
        "generated_at": m.generated_at if m else None,
        "previous": up.previous_codes,
        "warnings": list(up.warnings),
    }
    ss.adviser_signed = None
    ss.adviser_error = None
    earlier: Review | None = up.review
    ev = evaluate(ruleset, af.answers)
    for code in ev.codes():
        fr = earlier.of(code) if earlier else None
        ss[status_key(code)] = fr.status if fr else ""
        ss[comment_key(code)] = fr.comment if fr else ""
    ss.rv_general = earlier.general_comments if earlier else ""
    ss.rv_steps = "\n".join(earlier.extra_next_steps) if earlier else ""
    ss.rv_name = earlier.reviewer_name if earlier else ""
    ss.rv_org = earlier.organisation if earlier else ""
    ss.rv_date = dt.date.today()


def form_review(ruleset: Ruleset) -> tuple[Review, object]:
    """The review as the form holds it now (unsigned), and the evaluation it is made on."""
    a = ss.adviser
    af = a["af"]
    ev = evaluate(ruleset, af.answers)
    base = forms.base_review(af, ev, a["review"], a["report_id"], a["generated_at"])
    codes = ev.codes()
    r = forms.review_from_form(
        base,
        codes,
        {c: ss.get(status_key(c)) or "" for c in codes},
        {c: ss.get(comment_key(c)) or "" for c in codes},
        ss.get("rv_general") or "",
        ss.get("rv_steps") or "",
        ss.get("rv_name") or "",
        ss.get("rv_org") or "",
    )
    return r, ev


def on_sign_off(ruleset: Ruleset) -> None:
    r, _ev = form_review(ruleset)
    problems = forms.sign_off_problems(r.reviewer_name, r.organisation)
    if problems:
        ss.adviser_error = " ".join(problems)
        ss.adviser_signed = None
        return
    try:
        ss.adviser_signed = review_mod.sign_off(r, ss.get("rv_date") or dt.date.today())
    except review_mod.ReviewError as exc:
        ss.adviser_error = str(exc)
        ss.adviser_signed = None
        return
    ss.adviser_error = None


def show_assessment(ruleset: Ruleset, af, ev) -> None:
    st.header("The company's assessment")
    c = af.company
    for title, value in (
        ("Company", c.name),
        ("Country", forms.country_short_labels().get(c.country, c.country)),
        ("Contact", c.contact),
        ("Assessment title", c.assessment_title),
    ):
        c1, c2 = st.columns([1, 2])
        c1.markdown(f"**{title}**")
        c2.text(shown(value or "(not given)"))
    j_label, _j, a_label, _a = ui.summary(ev)
    st.subheader(f"Jurisdiction: {j_label}")
    st.subheader(f"US authorisation needed: {a_label}")
    with st.expander("The company's answers"):
        for entry in ev.trail:
            st.markdown(f"**{ui.md_escape(entry.question)}**")
            st.text(shown(entry.answer_text))
    if ev.open_questions:
        with st.expander(f"Open questions ({len(ev.open_questions)})"):
            for q in ev.open_questions:
                st.text(q.question)


def page_adviser(ruleset: Ruleset) -> None:
    enter(PAGE_ADVISER, {})
    st.title("Review an assessment (adviser)")
    st.markdown(
        "Upload the PDF report (or the answers file) the company sent you. You see its "
        "answers and findings as the company gave them; they are not changed. Mark each "
        "finding agreed or disputed, comment, sign off and download the reviewed report for "
        "the company. **Nothing you enter here is saved on the server**: download the "
        "reviewed report before you leave."
    )
    button("Back to the start page", "adviser_exit", go, (ui.PAGE_START,))
    up, ukey = read_new_upload("review_upload", UPLOAD_LABEL + " to review")
    if up is not None and ukey is not None:
        load(ruleset, up, ukey)
    if ss.adviser is None:
        return
    af = ss.adviser["af"]
    r, ev = form_review(ruleset)
    for w in ss.adviser["warnings"]:
        st.warning(ui.md_escape(w))
    show_upgrade(forms.upgrade_of(ruleset, af, ev, ss.adviser["previous"]))
    show_assessment(ruleset, af, ev)
    st.header("Findings")
    for severity, items in ui.findings_by_severity(ev):
        for f in items:
            st.subheader(f"{f.title} ({f.code})")
            st.caption(f"Severity: {severity}")
            with st.expander("Explanation and next steps"):
                st.markdown(f.explanation)
                for s in f.next_steps:
                    st.markdown("- " + ui.md_escape(s))
            st.radio(
                f"Your view of {f.code}",
                STATUS_OPTIONS,
                format_func=forms.STATUS_LABELS.get,
                horizontal=True,
                key=status_key(f.code),
            )
            st.text_area(f"Comment on {f.code} (optional)", key=comment_key(f.code))
    gone = [fr.code for fr in r.finding_reviews if fr.code not in ev.codes()]
    if gone:
        st.caption("Reviewed earlier, no longer found: " + ", ".join(gone))
    st.header("Your comments")
    st.text_area("General comments (optional)", key="rv_general")
    st.text_area("Extra next steps for the company, one per line (optional)", key="rv_steps")
    st.header("Sign off")
    st.text_input("Your name", key="rv_name")
    st.text_input("Your organisation", key="rv_org")
    st.date_input("Date of sign-off", key="rv_date", format="YYYY-MM-DD")
    if ss.get("adviser_error"):
        st.error("There is a problem: " + ui.md_escape(ss.adviser_error))
    button(SIGN_LABEL, "rv_sign", on_sign_off, (ruleset,), type="primary")
    signed: Review | None = ss.adviser_signed
    if not forms.same_content(signed, r):
        if signed is not None:
            st.warning("You changed the review after signing off: sign off again.")
        st.info("Sign off to download the reviewed report.")
        return
    assert signed is not None and signed.signed_on is not None
    st.success(
        f"Signed off by {ui.md_escape(signed.reviewer_name)} "
        f"({ui.md_escape(signed.organisation)}) on {signed.signed_on.isoformat()}."
    )
    for w in review_mod.check(signed, af, ev):
        st.caption(ui.md_escape(w))

    def build() -> bytes:
        from compliance_app.report.builder import build_pdf

        return build_pdf(ruleset.meta, af, ev, review=signed)

    key = ui.upload_key(review_mod.dump(signed), ss.adviser["report_id"])
    pdf = build_cached("adviser_pdf", key, build)
    if pdf is None:
        st.error("The reviewed report could not be built. Try again later.")
        return
    st.download_button(
        DOWNLOAD_LABEL,
        data=pdf,
        file_name=f"export-assessment-reviewed-{signed.signed_on.isoformat()}.pdf",
        mime="application/pdf",
        key="rv_pdf",
        on_click="ignore",
    )
