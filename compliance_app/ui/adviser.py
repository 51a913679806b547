"""Adviser review mode: open a company's PDF report or answers file, see its answers and
findings (read-only) and, on a re-review, what changed since the last review; give each
finding a status (agreed, agreed with qualification, noted, disputed) with a comment, answer
each open question, add comments and next steps; then sign off (:mod:`.adviser_sign`).

Nothing of the adviser's work is saved on the server: it lives in this browser session until
the reviewed PDF is downloaded. The company's answers are never changed here. On a shared
deployment the page can require a login (:mod:`.login`).
"""

from __future__ import annotations

import streamlit as st

from compliance_app.dossier import review_diff
from compliance_app.dossier.answers import AnswersError
from compliance_app.dossier.review import Review
from compliance_app.dossier.transport import Upload
from compliance_app.engine.values import visible_controls as shown
from compliance_app.rulebase.models import Ruleset
from compliance_app.ui import adviser_sign, forms, login, review_view, screening_page
from compliance_app.ui import review_forms as rf
from compliance_app.ui import state as ui
from compliance_app.ui.session import PAGE_ADVISER, button, enter, go, ss
from compliance_app.ui.upload import UPLOAD_LABEL, read_new_upload, show_upgrade

STATUS_OPTIONS = list(rf.STATUS_LABELS)


def status_key(code: str) -> str:
    return f"rv_status_{code}"


def comment_key(code: str) -> str:
    return f"rv_comment_{code}"


def question_key(step: str) -> str:
    return f"rv_q_{step}"


def load(ruleset: Ruleset, up: Upload, ukey: str) -> None:
    """Take an accepted upload as the assessment to review; fill the form from its review
    (a re-review when the answers changed since, see ``review_forms.base_review``)."""
    af = up.answers
    try:
        ui.check_ruleset(ruleset, af, "This assessment", "It cannot be reviewed here.")
    except AnswersError as exc:
        message = str(exc)
        ss.upload_status = {**ss.upload_status, ukey: message}
        st.error("File refused: " + ui.md_escape(message))
        return
    m = up.manifest
    ev = ui.evaluate_today(ruleset, af.answers)
    rid = m.report_id if m else ""
    base, again = rf.base_review(ruleset, af, ev, up.review, rid, m.generated_at if m else None)
    ss.adviser = {
        "af": af,
        "base": base,
        "earlier": up.review if again else None,
        "report_id": rid,
        "previous": up.previous_codes,
        "warnings": list(up.warnings),
        "signature": up.signature,
    }
    ss.adviser_signed = None
    ss.adviser_error = None
    ss.adviser_signed_pdf = None
    for code in ev.codes():
        fr = base.of(code)
        ss[status_key(code)] = fr.status if fr else ""
        ss[comment_key(code)] = fr.comment if fr else ""
    for q in ev.open_questions:
        qa = base.answer_to(q.step_id)
        ss[question_key(q.step_id)] = qa.answer if qa else ""
    ss.rv_general = base.general_comments
    ss.rv_steps = "\n".join(base.extra_next_steps)
    ss.rv_name = base.reviewer_name
    ss.rv_org = base.organisation
    ss.rv_capacity = base.capacity
    ss.rv_scope = base.scope_statement or rf.SCOPE_DEFAULT
    adviser_sign.reset_time()
    screening_page.fill_dismissals(af.screening, base)


def form_review(ruleset: Ruleset) -> tuple[Review, object]:
    """The review as the form holds it now (unsigned), and the evaluation it is made on."""
    a = ss.adviser
    ev = ui.evaluate_today(ruleset, a["af"].answers)
    codes = ev.codes()
    r = rf.review_from_form(
        a["base"],
        codes,
        {c: ss.get(status_key(c)) or "" for c in codes},
        {c: ss.get(comment_key(c)) or "" for c in codes},
        ss.get("rv_general") or "",
        ss.get("rv_steps") or "",
        ss.get("rv_name") or "",
        ss.get("rv_org") or "",
        capacity=ss.get("rv_capacity") or "",
        scope=ss.get("rv_scope") or "",
        questions={
            q.step_id: (q.question, ss.get(question_key(q.step_id)) or "")
            for q in ev.open_questions
        },
    )
    return screening_page.apply_dismissals(r, a["af"].screening, ss.get("rv_date")), ev


def show_assessment(af, ev) -> None:
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


def show_changes(ruleset: Ruleset, af, ev) -> None:
    """Re-review: the answers and findings changed since the review in the upload."""
    earlier: Review | None = ss.adviser["earlier"]
    if earlier is None:
        return
    st.header("What changed since your last review")
    st.warning(
        "The company changed its answers after the review in this file. Statuses of findings "
        "that appeared or changed were cleared; check every finding again and sign off anew. "
        "The new sign-off covers the current answers."
    )
    st.markdown("**Answers changed (question: old -> new)**")
    if earlier.reviewed is None:
        st.text("The answers as first reviewed were not kept by the earlier review (old format).")
    else:
        changes = review_diff.answers_diff(ruleset, earlier.reviewed, af)
        for c in changes or []:
            st.text("- " + c.line())
        if not changes:
            st.text("No answer changed (the file changed in another way).")
    d = review_diff.findings_diff(earlier, ev)
    st.markdown("**Findings since your last review**")
    for label, items in (("Appeared", d.appeared), ("Disappeared", d.disappeared)):
        for x in items:
            st.text(f"{label}: {x}")
    for x in d.changed:
        st.text(f"Changed: {x}")
    if d.empty:
        st.text("The findings are the same.")


def show_findings(ev) -> None:
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
                format_func=rf.STATUS_LABELS.get,
                horizontal=True,
                key=status_key(f.code),
            )
            st.text_area(
                f"Comment on {f.code} (required when agreed with qualification or disputed)",
                key=comment_key(f.code),
            )
    if ev.open_questions:
        st.header("Open questions")
        st.caption('The company answered "I don\'t know" to these: answer each one.')
        by_step: dict[str, list] = {}  # an "I don't know" and a rule may ask about one step
        for q in ev.open_questions:
            by_step.setdefault(q.step_id, []).append(q)
        for step_id, questions in by_step.items():
            for q in questions:
                st.markdown(f"**{ui.md_escape(q.question)}**")
                st.caption(f"Why it matters: {ui.md_escape(q.why)}")
            st.text_area(f"Your answer ({step_id})", key=question_key(step_id))


def page_adviser(ruleset: Ruleset) -> None:
    enter(PAGE_ADVISER, {})
    st.title("Review an assessment (adviser)")
    if not login.gate():
        button("Back to the start page", "adviser_exit", go, (ui.PAGE_START,))
        return
    st.markdown(
        "Upload the PDF report (or the answers file) the company sent you. You see its "
        "answers and findings as the company gave them; they are not changed. Give each "
        "finding a status, answer the open questions, sign off, and download the reviewed "
        "report, signed with your certificate. **Nothing you enter here is saved on the "
        "server**: download the reviewed report before you leave."
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
    review_view.signature_box(ss.adviser["signature"], "The uploaded PDF")
    if r.migration_note:
        st.warning(r.migration_note)
    show_upgrade(forms.upgrade_of(ruleset, af, ev, ss.adviser["previous"]))
    show_changes(ruleset, af, ev)
    show_assessment(af, ev)
    show_findings(ev)
    screening_page.adviser_hits(af.screening)
    gone = [fr.code for fr in r.finding_reviews if fr.code not in ev.codes()]
    if gone:
        st.caption("Reviewed earlier, no longer found: " + ", ".join(gone))
    st.header("Your comments")
    st.text_area("General comments (optional)", key="rv_general")
    st.text_area("Extra next steps for the company, one per line (optional)", key="rv_steps")
    adviser_sign.section(ruleset, r, ev, form_review)
