"""The company's pages of the Streamlit wizard: start, one page per question, check your
answers, results. Logic lives in :mod:`compliance_app.ui.state` and :mod:`compliance_app.ui.forms`.
User text is shown with ``st.text`` or escaped, never as Markdown or HTML.
"""

from __future__ import annotations

import streamlit as st

from compliance_app.engine.deal import split
from compliance_app.engine.values import AnswerError
from compliance_app.engine.values import visible_controls as shown
from compliance_app.rulebase.models import LIST_TYPES, UNKNOWN, Ruleset, Step
from compliance_app.storage import store as storage
from compliance_app.ui import forms, list_state, lists, review_view, screening_page
from compliance_app.ui import state as ui
from compliance_app.ui.drafts import screen_widget_values
from compliance_app.ui.session import (
    PAGE_ADVISER,
    button,
    enter,
    get_store,
    go,
    note_screen,
    save_button,
    ss,
)
from compliance_app.ui.upload import show_upgrade, uploader

IDK = "I don't know"
START_LABELS = ("Start now", "Continue")
ADVISER_LABEL = "I am an adviser: review an assessment"


def storage_note() -> str:
    store = get_store()
    if store is None:
        return (
            "**Where your answers are kept:** saving on this server is not available at the "
            "moment, so your answers are lost when you reload or close the page. Download "
            "the answers file with **Save progress** and upload it later to continue."
        )
    days = store.retention.days or storage.DEFAULT_RETENTION_DAYS
    return (
        "**Where your answers are kept:** as you go, your answers are saved on this server in "
        f"a local database file, for **{days} days after your last change**; nothing is sent "
        "to anyone else. **Delete my data** (in the sidebar, once you have started) deletes "
        "them at once. The page address, with `?draft=...` at the end, is the link to your "
        "answers: open it again to continue where you left off (anyone with the link can see "
        "and change them). You can also download the answers file with **Save progress** "
        "(on every question page, the review and results pages, and in the sidebar) and "
        "upload it, or the PDF report, later."
    )


# --- callbacks (run before the script, so widget values are set before widgets draw) --------


def on_start(ruleset: Ruleset) -> None:
    typed = {f: str(ss.get(ui.company_key(f)) or "") for f in forms.COMPANY_LABELS}
    errors = forms.company_errors(typed)
    if errors:
        ss.field_errors = errors
        return
    ss.company = {**ss.company, **typed}
    go(ui.first_page(ruleset, ss.answers, ss.return_to_review))


def on_next(ruleset: Ruleset, step_id: str) -> None:
    step = ui.step_for(ruleset, step_id, ss.answers)
    if step.type in LIST_TYPES:
        raw: object = list_state.entries_of(ss.answers, step_id)
        empty = list_state.empty_destinations(ruleset, ss.answers)
        if step.type == "destination_list" and empty:
            ss.error = "Choose the items each destination receives: " + "; ".join(empty) + "."
            return
    else:
        raw = ui.raw_from_widgets(step, ss)
    try:
        if step.type == "text":
            forms.check_text_answer(raw, step.max_length)
        ss.answers = ui.apply_answer(ruleset, ss.answers, step_id, raw)
    except AnswerError as exc:
        ss.error = str(exc)
        return
    ss.company = forms.sync_company_country(ruleset, ss.answers, ss.company)
    go(ui.next_page(ruleset, ss.answers, step_id, ss.return_to_review))


def on_back(ruleset: Ruleset, step_id: str) -> None:
    go(ui.previous_page(ruleset, ss.answers, step_id, ss.return_to_review), False)


# --- pages ----------------------------------------------------------------------------------

INTRO = (
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


def given(defaults: dict[str, object], key: str, param: str) -> dict[str, object]:
    """``{param: defaults[key]}`` if the widget must take a default (see ``session.enter``)."""
    return {param: defaults[key]} if key in defaults else {}


def page_start(ruleset: Ruleset) -> None:
    keys = {f: ui.company_key(f) for f in forms.COMPANY_LABELS}
    d = enter(ui.PAGE_START, {k: ss.company.get(f, "") for f, k in keys.items()})
    st.title(ruleset.meta.title.en)
    review_view.banner(ruleset)
    st.info(storage_note())
    st.markdown(INTRO)
    st.subheader("About the assessment")
    errors = ss.field_errors
    if errors:
        st.error("There is a problem: " + " ".join(errors.values()))
    for f, label in forms.COMPANY_LABELS.items():
        if f in errors:
            st.error(errors[f])
        st.text_input(label, key=keys[f], **given(d, keys[f], "value"))
        if note := forms.controls_note(ss.get(keys[f])):
            st.caption(ui.md_escape(note))
    label = START_LABELS[1] if ss.answers else START_LABELS[0]
    button(label, "start", on_start, (ruleset,), type="primary")
    if ss.answers:
        save_button(ruleset, "save_start")
    st.subheader("Continue a saved assessment")
    uploader(ruleset)
    st.subheader("Advisers")
    st.markdown(
        "Review an assessment a company sent you (its PDF report or answers file): agree or "
        "dispute each finding, comment, sign off and download the reviewed report."
    )
    button(ADVISER_LABEL, "adviser_mode", go, (PAGE_ADVISER,))


def draw_widget(step: Step, d: dict[str, object]) -> None:
    """The step's input, with a visible label (the question is the page heading). ``d``: the
    widgets' default values (only in a session's first run, see ``session.enter``)."""
    key = ui.widget_key(step.id)
    t = step.type
    if t in ("yes_no", "yes_no_unknown", "one"):
        options = step.option_values()
        hints = {o.value: o.hint.en for o in step.options if o.hint}
        st.radio(
            "Choose one",
            options,
            index=options.index(d[key]) if d.get(key) in options else None,
            format_func=step.label_of,
            key=key,
            captions=[hints.get(v, "") for v in options] if hints else None,
        )
    elif t == "many":
        st.caption("Select all that apply.")
        for v in step.option_values():
            if v == UNKNOWN:
                st.caption("or")
            k = ui.widget_key(step.id, v)
            st.checkbox(step.label_of(v), key=k, **given(d, k, "value"))
    elif t in ("country", "countries"):
        labels = forms.country_labels()
        options = ([UNKNOWN] if step.allow_unknown else []) + list(labels)  # never hidden
        names = {**labels, UNKNOWN: IDK}
        if t == "country":
            st.selectbox(
                "Country (type a name or a two-letter code)",
                options,
                index=options.index(d[key]) if d.get(key) in options else None,
                format_func=names.get,
                placeholder="Choose a country",
                key=key,
            )
        else:
            st.multiselect(
                "Countries (type a name or a two-letter code; leave empty if there is none)",
                options,
                format_func=names.get,
                placeholder="Choose countries",
                key=key,
                default=d.get(key),
                select_all=False,  # Enter picks the first match, never "Select 16 matches"
            )
    elif t == "number":
        unit = f" in {step.unit.en}" if step.unit else ""
        st.number_input(
            f"Amount{unit}",
            value=d.get(key),
            format="%.2f",
            key=key,
            help="Digits only, with a dot for cents: 16000.50 (not 16.000,50).",
        )
        read = ss.get(key)
        if isinstance(read, int | float):  # say back what was understood (16.000 is 16)
            name = step.unit.en if step.unit else ""
            st.caption(f"Read as {read:,.2f} {name}: check that this is the amount you meant.")
        if step.allow_unknown:
            k = ui.widget_key(step.id, UNKNOWN)
            st.checkbox(IDK, key=k, **given(d, k, "value"))
    else:
        st.text_area("Your answer (optional)", key=key, **given(d, key, "value"))
        if note := forms.controls_note(ss.get(key)):
            st.caption(ui.md_escape(note))
        st.caption(f"At most {step.max_length:,} characters.")


def links(citations: list) -> None:
    for c in citations:
        st.markdown(f"- [{ui.md_escape(c.citation)}]({c.url}): {ui.md_escape(c.title)}")


def page_step(ruleset: Ruleset, step_id: str) -> None:
    step = ui.step_for(ruleset, step_id, ss.answers)
    stored = ss.answers.get(step_id)
    if stored is None and step_id == forms.country_step(ruleset):
        stored = ss.company.get("country") or None  # from an older answers file
    screen = ss.on_screen if ss.on_screen and ss.on_screen["step"] == step_id else None
    values = (
        screen_widget_values(step, screen["value"])
        if screen
        else ui.widget_initial_values(step, stored)
    )
    d = enter(ui.step_page(step_id), values)
    prog = ui.progress(ruleset, ss.answers, step_id)
    if ss.error:
        st.error("There is a problem: " + ui.md_escape(ss.error))
    st.caption(
        f"Section {prog.module_number} of {prog.module_count}: {prog.module_title} · "
        f"Question {prog.number}"
    )
    st.progress(prog.fraction)
    about = ui.about(ruleset, ss.answers, step_id)
    if about:
        st.caption("About: " + ui.md_escape(about))
    # a question asked per entry names it: user text, so escaped
    st.header(ui.md_escape(step.question.en) if step.id != split(step.id)[0] else step.question.en)
    if step.hint:  # names an entry when asked per entry: user text, escaped
        st.caption(ui.md_escape(step.hint.en) if step.id != split(step.id)[0] else step.hint.en)
    if step.help:
        with st.expander("Help with this question"):
            st.markdown(step.help.en)
    if ss.error:
        st.error(ui.md_escape(ss.error))
    if step.type in LIST_TYPES:
        lists.draw_list(ruleset, step)
    else:
        draw_widget(step, d)
        note_screen(ruleset, step_id)
    if step_id in screening_page.SCREENING_STEPS:
        screening_page.panel(ui.step_page(step_id), "parties_from_step")
    if step.citations:
        st.caption("References")
        links([ruleset.citations[c] for c in step.citations if c in ruleset.citations])
    back, nxt = st.columns(2)
    button("Back", "back", on_back, (ruleset, step_id), where=back)
    button("Next", "next", on_next, (ruleset, step_id), where=nxt, type="primary")
    if ui.path_of(ruleset, ss.answers)[1] is None:  # every question answered: no 20 Nexts back
        button("Back to the review of your answers", "to_review_from_step", go, (ui.PAGE_REVIEW,))
    save_button(ruleset, "save_step")


def change_label(question: str) -> str:
    return "Change " + ui.md_escape(question)


def page_review(ruleset: Ruleset) -> None:
    enter(ui.PAGE_REVIEW, {})
    ss.return_to_review = False
    ev = ui.evaluate_today(ruleset, ss.answers)
    st.title("Check your answers")
    review_view.banner(ruleset)
    show_upgrade(ss.upgrade)
    st.subheader("Company")
    for f, title in (("name", "Name"), ("contact", "Contact"), ("assessment_title", "Title")):
        c1, c2 = st.columns([2, 3])
        c1.markdown(f"**{title}**")
        c2.text(shown(ss.company.get(f) or "(not given)"))
    button("Change company details", "change_company", go, (ui.PAGE_START, True))
    st.subheader("Your answers")
    on_path = set(ev.path)
    deal = ruleset.meta.deal
    list_of = (
        {"item": deal.items, "destination": deal.destinations, "group": deal.groups} if deal else {}
    )
    groups = list(dict.fromkeys(e.about for e in ev.trail))  # the deal first, then each entry
    current = None
    for entry in sorted(ev.trail, key=lambda e: groups.index(e.about)):
        if entry.step_id == ev.pending_step:
            continue
        if entry.about != current:
            current = entry.about
            st.markdown("#### " + (ui.md_escape(current) if current else "The whole deal"))
        c1, c2 = st.columns([1, 1])
        c1.markdown(f"**{ui.md_escape(entry.question)}**")
        c2.text(shown(entry.answer_text))
        base = ruleset.steps[split(entry.step_id)[0]]
        page = ui.step_page(
            entry.step_id
            if entry.step_id in on_path or not base.scope
            else list_of[base.scope[0]]  # filled from a list: changed on the list's page
        )
        label = change_label(entry.question)
        button(label, f"change_{entry.step_id}", go, (page, True), where=c2, type="tertiary")
    if ev.unused_answers:
        st.caption(
            f"{len(ev.unused_answers)} earlier answer(s) are no longer on your path: they are "
            "kept in the answers file but not used."
        )
    screening_page.panel(ui.PAGE_REVIEW, "parties_from_review")
    if ev.complete:
        button("See results", "see_results", go, (ui.PAGE_RESULTS,), type="primary")
    else:
        st.warning("You have not answered every question yet.")
        button("Continue", "continue", go, (ui.step_page(ev.pending_step),), type="primary")
    button("Back", "review_back", go, (ui.review_back_page(ruleset, ss.answers), False))
    save_button(ruleset, "save_review")
