"""ITAR/EAR self-assessment: the Streamlit wizard (wiring only; logic in compliance_app.ui_state).

Run with ``make run``. State: ``st.session_state["answers"]`` (step id -> value),
``["company"]`` and ``["page"]`` ("start" | "step:<id>" | "review" | "results"). No widget owns
the answers (pitfall S1); widgets are filled from the store when a page is entered.
User text is shown with ``st.text`` or escaped, never as Markdown or HTML.
"""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from compliance_app import ui_state as ui
from compliance_app.answers import AnswersError
from compliance_app.engine import evaluate
from compliance_app.loader import DEFAULT_RULES_DIR, RulesetError, cached_ruleset
from compliance_app.models import UNKNOWN, Ruleset, Step
from compliance_app.values import AnswerError, country_choices

st.set_page_config(page_title="ITAR/EAR self-assessment", page_icon=None, layout="centered")
ss = st.session_state
COUNTRY_NAMES = dict(country_choices())
IDK = "I don't know"

STORAGE_NOTE = (
    "**Where your answers are kept:** nothing you enter is sent anywhere. Your answers are "
    "kept only in this browser session's memory on this server. They are **lost when you "
    "reload or close the page**, unless you download the answers file with **Save progress** "
    "(available on every page). Upload that file later to continue where you left off."
)


def load_rules() -> Ruleset:
    rules_dir = os.environ.get("COMPLIANCE_RULES_DIR") or str(DEFAULT_RULES_DIR)
    try:
        return cached_ruleset(rules_dir)
    except RulesetError as exc:
        st.error(f"The rule base could not be loaded: {len(exc.errors)} error(s).")
        st.code(exc.report(), language=None)
    except OSError as exc:
        st.error("The rule base could not be read.")
        st.code(str(exc), language=None)
    st.stop()
    raise SystemExit  # pragma: no cover - st.stop() does not return


def init_state() -> None:
    defaults = {
        "answers": {},
        "company": ui.empty_company(),
        "page": ui.PAGE_START,
        "return_to_review": False,
        "error": None,
        "drawn_page": None,
        "seen_uploads": [],
        "upload_status": {},
        "flash": None,
    }
    for key, value in defaults.items():
        if key not in ss:
            ss[key] = value


def enter(page: str, values: dict[str, object]) -> None:
    """Fill the page's widgets from the store, once per visit (not on every rerun)."""
    if ss.drawn_page != page:
        for key, value in values.items():
            ss[key] = value
        ss.drawn_page = page


# --- callbacks (run before the script, so widget values are set before widgets draw) --------


def go(page: str, return_to_review: bool | None = None) -> None:
    ss.page = page
    ss.error = None
    if return_to_review is not None:
        ss.return_to_review = return_to_review


def on_start(ruleset: Ruleset) -> None:
    ss.company = ui.company_from_widgets(ss)
    go(ui.first_page(ruleset, ss.answers, ss.return_to_review))


def on_next(ruleset: Ruleset, step_id: str) -> None:
    raw = ui.raw_from_widgets(ruleset.steps[step_id], ss)
    try:
        ss.answers = ui.apply_answer(ruleset, ss.answers, step_id, raw)
    except AnswerError as exc:
        ss.error = str(exc)
        return
    go(ui.next_page(ruleset, ss.answers, step_id, ss.return_to_review))


def on_back(ruleset: Ruleset, step_id: str) -> None:
    go(ui.previous_page(ruleset, ss.answers, step_id, ss.return_to_review), False)


def save_button(ruleset: Ruleset, key: str) -> None:
    st.download_button(
        "Save progress (download answers file)",
        data=ui.answers_file_bytes(ruleset, ss.answers, ss.company),
        file_name=f"export-assessment-answers-{dt.date.today().isoformat()}.yaml",
        mime="application/x-yaml",
        key=key,
        on_click="ignore",
        help="Saves the answers you have confirmed with Next, and the company details.",
    )


def uploader(ruleset: Ruleset) -> None:
    """Import an answers file once per upload (pitfall S3); a refused file changes nothing.

    One widget (one key): in the main area on the start page, in the sidebar elsewhere, so the
    uploaded file follows the user and is never imported twice.
    """
    f = st.file_uploader(
        "Upload an answers file to continue", type=["yaml", "yml", "json"], key="upload"
    )
    if f is None:
        return
    data = f.getvalue()
    ukey = ui.upload_key(data, str(getattr(f, "file_id", "")))
    if ukey not in ss.seen_uploads:
        ss.seen_uploads = [*ss.seen_uploads, ukey]
        try:
            imported = ui.import_answers(ruleset, data)
        except AnswersError as exc:
            ss.upload_status = {**ss.upload_status, ukey: str(exc)}
        else:
            ss.answers, ss.company = imported.answers, imported.company
            ss.flash = imported.warnings
            ss.drawn_page = None
            go(ui.resume_page(ruleset, ss.answers), False)
            st.rerun()
    if ukey in ss.upload_status:
        st.error("File refused: " + ui.md_escape(ss.upload_status[ukey]))


# --- pages ----------------------------------------------------------------------------------


def page_start(ruleset: Ruleset) -> None:
    meta = ruleset.meta
    values: dict[str, object] = {
        ui.company_key(f): ss.company.get(f, "") for f in ui.COMPANY_FIELDS
    }
    country = ss.company.get("country", "")
    values[ui.company_key("country")] = country if country in COUNTRY_NAMES else None
    enter(ui.PAGE_START, values)
    st.title(meta.title.en)
    st.info(STORAGE_NOTE)
    st.markdown(
        "This tool asks about your company, your product and your US partners, and tells you "
        "whether the US export rules (**ITAR** and **EAR**) are likely to apply and whether a "
        "US authorisation may be needed. It lists open questions for your adviser.\n\n"
        "**It is guidance only, not legal advice.** It does not replace a classification by "
        "your supplier or the US authorities, nor EU or national export controls.\n\n"
        "It takes about **15 minutes**. Have at hand:\n"
        "- the bill of materials, with the origin and the US classification (USML category or "
        "ECCN) of every US part, material and software;\n"
        "- the values of the US content and of your product;\n"
        "- the nationalities of the staff who will see US technical data;\n"
        "- the licences and agreements of your US partner (DSP-5, TAA, BIS licence)."
    )
    st.subheader("About the assessment")
    st.text_input("Company name", key=ui.company_key("name"), max_chars=300)
    st.selectbox(
        "Country where the company is established",
        options=list(COUNTRY_NAMES),
        format_func=COUNTRY_NAMES.get,
        index=None,
        placeholder="Choose a country",
        key=ui.company_key("country"),
    )
    st.text_input("Contact person (optional)", key=ui.company_key("contact"), max_chars=300)
    st.text_input(
        "Assessment title (optional)", key=ui.company_key("assessment_title"), max_chars=300
    )
    label = "Continue" if ss.answers else "Start now"
    st.button(label, key="start", type="primary", on_click=on_start, args=(ruleset,))
    st.subheader("Continue a saved assessment")
    uploader(ruleset)


def draw_widget(step: Step) -> None:
    key = ui.widget_key(step.id)
    label = step.question.en
    t = step.type
    if t in ("yes_no", "yes_no_unknown", "one"):
        options = step.option_values()
        hints = {o.value: o.hint.en for o in step.options if o.hint}
        st.radio(
            label,
            options,
            index=None,
            format_func=step.label_of,
            key=key,
            label_visibility="collapsed",
            captions=[hints.get(v, "") for v in options] if hints else None,
        )
    elif t == "many":
        st.caption("Select all that apply.")
        for v in step.option_values():
            if v == UNKNOWN:
                st.caption("or")
            st.checkbox(step.label_of(v), key=ui.widget_key(step.id, v))
    elif t in ("country", "countries"):
        options = list(COUNTRY_NAMES) + ([UNKNOWN] if step.allow_unknown else [])
        names = {**COUNTRY_NAMES, UNKNOWN: IDK}
        if t == "country":
            st.selectbox(
                label,
                options,
                index=None,
                format_func=names.get,
                placeholder="Choose a country",
                key=key,
                label_visibility="collapsed",
            )
        else:
            st.caption("Choose every country that applies; leave it empty if there is none.")
            st.multiselect(
                label,
                options,
                format_func=names.get,
                placeholder="Choose countries",
                key=key,
                label_visibility="collapsed",
            )
    elif t == "number":
        unit = f" in {step.unit.en}" if step.unit else ""
        st.number_input(f"Amount{unit}", value=None, format="%.2f", key=key)
        if step.allow_unknown:
            st.checkbox(IDK, key=ui.widget_key(step.id, UNKNOWN))
    else:
        st.text_area(label, key=key, max_chars=step.max_length, label_visibility="collapsed")


def links(citations: list) -> None:
    for c in citations:
        st.markdown(f"- [{ui.md_escape(c.citation)}]({c.url}): {ui.md_escape(c.title)}")


def page_step(ruleset: Ruleset, step_id: str) -> None:
    step = ruleset.steps[step_id]
    page = ui.step_page(step_id)
    enter(page, ui.widget_initial_values(step, ss.answers.get(step_id)))
    prog = ui.progress(ruleset, ss.answers, step_id)
    if ss.error:
        st.error("There is a problem: " + ui.md_escape(ss.error))
    st.caption(
        f"Section {prog.module_number} of {prog.module_count}: {prog.module_title} · "
        f"Question {prog.number}"
    )
    st.progress(prog.fraction)
    st.header(step.question.en)
    if step.hint:
        st.caption(step.hint.en)
    if step.help:
        with st.expander("Help with this question"):
            st.markdown(step.help.en)
    if ss.error:
        st.error(ui.md_escape(ss.error))
    draw_widget(step)
    if step.citations:
        st.caption("References")
        links([ruleset.citations[c] for c in step.citations if c in ruleset.citations])
    back, nxt = st.columns(2)
    back.button("Back", key="back", on_click=on_back, args=(ruleset, step_id))
    nxt.button("Next", key="next", type="primary", on_click=on_next, args=(ruleset, step_id))
    save_button(ruleset, "save_step")


def page_review(ruleset: Ruleset) -> None:
    enter(ui.PAGE_REVIEW, {})
    ss.return_to_review = False
    ev = evaluate(ruleset, ss.answers)
    st.title("Check your answers")
    st.subheader("Company")
    for f, title in zip(
        ui.COMPANY_FIELDS, ("Name", "Country", "Contact", "Assessment title"), strict=True
    ):
        c1, c2 = st.columns([2, 3])
        c1.markdown(f"**{title}**")
        value = ss.company.get(f) or ""
        if f == "country" and value in COUNTRY_NAMES:
            value = f"{COUNTRY_NAMES[value]} ({value})"
        c2.text(value or "(not given)")
    st.button(
        "Change company details", key="change_company", on_click=go, args=(ui.PAGE_START, True)
    )
    st.subheader("Your answers")
    for entry in ev.trail:
        if entry.step_id == ev.pending_step:
            continue
        c1, c2, c3 = st.columns([3, 3, 1])
        c1.markdown(f"**{ui.md_escape(entry.question)}**")
        c2.text(entry.answer_text)
        c3.button(
            "Change",
            key=f"change_{entry.step_id}",
            on_click=go,
            args=(ui.step_page(entry.step_id), True),
        )
    if ev.unused_answers:
        st.caption(
            f"{len(ev.unused_answers)} earlier answer(s) are no longer on your path: they are "
            "kept in the answers file but not used."
        )
    if ev.complete:
        st.button(
            "See results", key="see_results", type="primary", on_click=go, args=(ui.PAGE_RESULTS,)
        )
    else:
        st.warning("You have not answered every question yet.")
        st.button(
            "Continue",
            key="continue",
            type="primary",
            on_click=go,
            args=(ui.step_page(ev.pending_step),),
        )
    st.button(
        "Back",
        key="review_back",
        on_click=go,
        args=(ui.review_back_page(ruleset, ss.answers), False),
    )
    save_button(ruleset, "save_review")


def page_results(ruleset: Ruleset) -> None:
    enter(ui.PAGE_RESULTS, {})
    meta = ruleset.meta
    ev = evaluate(ruleset, ss.answers)
    st.title("Results")
    st.warning("**Guidance only, not legal advice.** " + meta.disclaimer.en)
    j_label, j_text, a_label, a_text = ui.summary(ev)
    st.subheader(f"Jurisdiction: {j_label}")
    st.markdown(j_text)
    st.subheader(f"US authorisation needed: {a_label}")
    st.markdown(a_text)
    st.caption(f"Rules {meta.id} {meta.version}, regulations as of {meta.regulations_as_of}.")
    if ev.open_questions:
        st.header("Questions for your adviser")
        for q in ev.open_questions:
            st.markdown(
                f"**{ui.md_escape(q.question)}**\n\n- Why it matters: {ui.md_escape(q.why)}\n"
                f"- Who can answer: {ui.md_escape(q.who)}\n- Document to ask for: "
                f"{ui.md_escape(q.document)}"
            )
    st.header("Findings")
    questions = {s: ruleset.steps[s].question.en for s in ev.path}
    for severity, items in ui.findings_by_severity(ev):
        st.subheader(f"{severity.capitalize()} ({len(items)})")
        for f in items:
            with st.expander(f"{f.title} ({f.code})", expanded=severity in ("critical", "high")):
                st.markdown(f.explanation)
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
    if ev.calculations:
        st.header("Calculations")
        for c in ev.calculations:
            st.text(c)
    st.header("Download")
    pdf_buttons(ruleset, ev)
    save_button(ruleset, "save_results")
    st.button("Back to your answers", key="to_review", on_click=go, args=(ui.PAGE_REVIEW,))


def pdf_buttons(ruleset: Ruleset, ev) -> None:
    af = ui.answers_file(ruleset, ss.answers, ss.company)
    cache_key = ui.upload_key(ui.answers_file_bytes(ruleset, ss.answers, ss.company))
    cached = ss.get("pdf_cache")
    if not cached or cached[0] != cache_key:
        try:
            from compliance_app.report import build_pdf

            cached = (cache_key, build_pdf(ruleset.meta, af, ev), None)
        except Exception as exc:  # the report is another module: never crash the results
            cached = (cache_key, None, f"{type(exc).__name__}: {exc}")
        ss.pdf_cache = cached
    if cached[1] is None:
        st.error("The PDF report could not be built. Save the answers file and try again later.")
        st.text(cached[2])
    else:
        st.download_button(
            "Download the report (PDF)",
            data=cached[1],
            file_name=f"export-assessment-report-{dt.date.today().isoformat()}.pdf",
            mime="application/pdf",
            key="pdf",
            on_click="ignore",
        )


def sidebar(ruleset: Ruleset) -> None:
    meta = ruleset.meta
    with st.sidebar:
        st.caption(f"Rules {meta.version}, regulations as of {meta.regulations_as_of}.")
        st.caption("Guidance only, not legal advice.")
        if ss.page != ui.PAGE_START:
            st.markdown(STORAGE_NOTE)
            save_button(ruleset, "save_sidebar")
            uploader(ruleset)


def main() -> None:
    ruleset = load_rules()
    init_state()
    ss.page = ui.resolve_page(ruleset, ss.answers, ss.page)
    sidebar(ruleset)
    if ss.flash is not None:
        st.success("Answers file loaded. Check your answers before you rely on the results.")
        for w in ss.flash:
            st.warning(ui.md_escape(w))
        ss.flash = None
    step_id = ui.page_step(ss.page)
    if step_id:
        page_step(ruleset, step_id)
    elif ss.page == ui.PAGE_REVIEW:
        page_review(ruleset)
    elif ss.page == ui.PAGE_RESULTS:
        page_results(ruleset)
    else:
        page_start(ruleset)


main()
