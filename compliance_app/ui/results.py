"""The results page of the wizard: the outcome, questions for the adviser, findings, the PDF.
Logic lives in :mod:`compliance_app.ui.state` and :mod:`compliance_app.ui.summary`.
User text is shown with ``st.text`` or escaped, never as Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
import logging

import streamlit as st

from compliance_app.dossier import review as review_mod
from compliance_app.engine.values import country_name
from compliance_app.rulebase.models import Ruleset
from compliance_app.ui import review_view, screening_page
from compliance_app.ui import state as ui
from compliance_app.ui.pages import links
from compliance_app.ui.session import answers_bytes, button, enter, go, save_button, ss
from compliance_app.ui.upload import show_upgrade

log = logging.getLogger(__name__)


def finding_block(f, questions: dict[str, str], severity: str) -> None:
    fr = ss.review.of(f.code) if ss.review is not None else None
    if ss.review is not None:  # the adviser's view is never hidden in a closed expander
        review_view.review_note(ss.review, f.code)
    disputed = fr is not None and fr.status in ("disputed", "qualified")
    title = f"{f.title} ({f.code}){review_view.title_suffix(f.code)}"
    with st.expander(title, expanded=disputed or severity in ("critical", "high")):
        if f.about:
            st.markdown("**About:** " + ui.md_escape("; ".join(f.about)))
        st.markdown(f.explanation)
        if f.countries:
            names = ", ".join(f"{country_name(c)} ({c})" for c in f.countries)
            st.markdown("**Countries concerned:** " + ui.md_escape(names))
        if f.next_steps:
            st.markdown(
                "**Next steps**\n" + "".join(f"\n- {ui.md_escape(s)}" for s in f.next_steps)
            )
        if f.citations:
            st.markdown("**References**")
            links(f.citations)
        why = [
            f"- Rule {x.rule_id} ({ui.md_escape(x.rule_title)}), from your answers to: "
            + "; ".join(ui.md_escape(questions.get(s, s)) for s in x.steps)
            for x in f.fired_by
        ]
        if why or f.derived:
            st.markdown("**Why**\n" + "".join("\n" + w for w in why))
            if f.derived:
                st.caption(f.derived)


def page_results(ruleset: Ruleset) -> None:
    enter(ui.PAGE_RESULTS, {})
    meta = ruleset.meta
    ev = ui.evaluate_today(ruleset, ss.answers)
    st.title("Results")
    review_view.banner(ruleset)
    st.warning("**Guidance only, not legal advice.** " + meta.disclaimer.en)
    show_upgrade(ss.upgrade)
    j_label, j_text, a_label, a_text = ui.summary(ev)
    st.subheader(f"Jurisdiction: {j_label}")
    st.markdown(j_text)
    st.subheader(f"US authorisation needed: {a_label}")
    st.markdown(a_text)
    if ev.driver:
        st.markdown("**Decided by:** " + ui.md_escape(ev.driver))
    show_matrix(ruleset, ev)
    st.caption(f"Rules {meta.id} {meta.version}, regulations as of {meta.regulations_as_of}.")
    if ev.open_questions:
        st.header("Questions for your adviser")
        for q in ev.open_questions:
            if q.about:
                st.caption("About: " + ui.md_escape(q.about))
            st.markdown(
                f"**{ui.md_escape(q.question)}**\n\n- Why it matters: {ui.md_escape(q.why)}\n"
                f"- Who can answer: {ui.md_escape(q.who)}\n- Document to ask for: "
                f"{ui.md_escape(q.document)}"
            )
    st.header("Findings")
    questions = {t.step_id: t.question for t in ev.trail}
    for severity, items in ui.findings_by_severity(ev):
        st.subheader(f"{severity.capitalize()} ({len(items)})")
        for f in items:
            finding_block(f, questions, severity)
    show_coverage(ev)
    screening_page.panel(ui.PAGE_RESULTS, "parties_from_results")
    if ss.review is not None:
        review_view.show_review(ruleset, ss.review, ev)
    if ev.calculations:
        st.header("Calculations")
        for c in ev.calculations:
            st.text(c)
    st.header("Download")
    pdf_buttons(ruleset, ev)
    save_button(ruleset, "save_results")
    button("Back to your answers", "to_review", go, (ui.PAGE_REVIEW,))


def show_matrix(ruleset: Ruleset, ev) -> None:  # noqa: ANN001
    """The deal's results per item and destination, and who may see the US technical data."""
    titles = {f.code: f.title for f in ev.findings}
    rows = ui.matrix_rows(ev, titles)
    if len(rows) > 1 or ev.driver:
        st.header("Results per item and destination")
        st.dataframe(rows, hide_index=True, width="stretch")
    access = ui.access_rows(ev, titles)
    if access:
        st.header("Who may see the US technical data")
        st.dataframe(access, hide_index=True, width="stretch")


def build_cached(cache: str, key: str, build) -> bytes | None:
    """``build()`` once per ``key`` (kept in session state under ``cache``); None when it
    failed. A failure is logged with its traceback for the operator, never shown (it may name
    server paths) and never raised: the page still works."""
    cached = ss.get(cache)
    if not cached or cached[0] != key:
        try:
            cached = (key, build())
        except Exception:  # noqa: BLE001 - logged; the user gets a plain sentence
            log.exception("building a PDF report failed")
            cached = (key, None)
        ss[cache] = cached
    return cached[1]


def pdf_buttons(ruleset: Ruleset, ev) -> None:
    review = ss.review
    data = answers_bytes(ruleset)
    if review is not None:
        data += b"\0" + review_mod.dump(review)

    def build() -> bytes:
        from compliance_app.report.builder import build_pdf

        af = ui.answers_file(ruleset, ss.answers, ss.company, ss.screening)
        return build_pdf(ruleset.meta, af, ev, review=review)

    pdf = build_cached("pdf_cache", ui.upload_key(data), build)
    if pdf is None:
        st.error("The PDF report could not be built. Save the answers file and try again later.")
    else:
        st.download_button(
            "Download the report (PDF)",
            data=pdf,
            file_name=f"export-assessment-report-{dt.date.today().isoformat()}.pdf",
            mime="application/pdf",
            key="pdf",
            on_click="ignore",
        )


COVERAGE_STATUS = {"models": "Models", "flags": "Flags (adviser)", "not_covered": "Not covered"}


def show_coverage(ev) -> None:
    """What the rule base models, flags or does not cover (the report prints the same page)."""
    if not ev.coverage:
        return
    with st.expander("What this assessment covers, and what it does not"):
        st.caption(
            "Models: the tool asks and decides. Flags: it sends the case to your adviser. "
            "Not covered: the tool does not look at it, so no finding there is not a clearance."
        )
        for line in ev.coverage:
            st.markdown(
                f"- **{COVERAGE_STATUS[line.status]}** ({ui.md_escape(line.regime)}): "
                f"{ui.md_escape(line.title)}"
            )
