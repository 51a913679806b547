"""ITAR/EAR self-assessment: the Streamlit wizard (wiring only).

Run with ``make run``. Pages are drawn by ``compliance_app.ui.pages`` and
``compliance_app.ui.results`` (company) and ``compliance_app.ui.adviser`` (adviser review
mode); session state and navigation are in ``compliance_app.ui.session``; logic without
Streamlit in ``compliance_app.ui.state``, ``compliance_app.ui.forms`` and
``compliance_app.ui.drafts`` (drafts saved as the user goes, resumed from ``?draft=<id>``).
"""

from __future__ import annotations

import streamlit as st

from compliance_app.rulebase.models import Ruleset
from compliance_app.storage import store as storage
from compliance_app.ui import drafts as storage_ui
from compliance_app.ui import review_view
from compliance_app.ui import state as ui
from compliance_app.ui.adviser import page_adviser
from compliance_app.ui.pages import page_review, page_start, page_step
from compliance_app.ui.results import page_results
from compliance_app.ui.screening_page import open_parties, page_parties
from compliance_app.ui.session import (
    MISSED_CLICK,
    PAGE_ADVISER,
    button,
    check_settings,
    get_store,
    init_state,
    load_rules,
    on_delete_data,
    save_button,
    ss,
    start_run,
)
from compliance_app.ui.upload import uploader

st.set_page_config(page_title="ITAR/EAR self-assessment", page_icon=None, layout="centered")


def sidebar(ruleset: Ruleset) -> None:
    meta = ruleset.meta
    with st.sidebar:
        if ss.draft_id is not None:
            store = get_store()
            days = store.retention.days if store else storage.DEFAULT_RETENTION_DAYS
            st.caption(storage_ui.SAVED_NOTE.format(days=days))
            if button("Delete my data", "delete_data", on_delete_data):  # callback did not run
                on_delete_data()
                st.rerun()
        st.caption(f"Rules {meta.version}, regulations as of {meta.regulations_as_of}.")
        st.caption("Guidance only, not legal advice.")
        if ss.page not in (ui.PAGE_START, PAGE_ADVISER):
            if ss.page != ui.PAGE_PARTIES:
                st.button("Screen the parties", key="parties_sidebar", on_click=open_parties,
                          args=(ss.page,))  # fmt: skip
            save_button(ruleset, "save_sidebar")
            uploader(ruleset)


RECONNECT_RERUN_S = 3600


@st.fragment(run_every=RECONNECT_RERUN_S)
def rerun_on_reconnect() -> None:
    """Draws nothing; its timer (one tiny run an hour) is what matters. When its WebSocket
    reconnects, Streamlit's page asks for a run only if it has such a timer (or was running);
    otherwise it keeps showing the old page. Behind the proxy of ``deploy/``, a browser whose
    app process stopped reconnects to another process, which has a new, empty session: this
    run resumes the draft from ``?draft=`` there at once, instead of a stale page whose next
    click would be lost. See deploy/README.md."""


def main() -> None:
    start_run()
    check_settings()
    ruleset = load_rules()
    init_state()
    top = st.container()  # for a message found while drawing the page
    storage_ui.open_draft(ss, st.query_params, get_store(), ruleset)
    storage_ui.sync_url(ss, st.query_params)
    if ss.page != PAGE_ADVISER:
        ss.page = ui.resolve_page(ruleset, ss.answers, ss.page)
        review_view.track_company_edits(ruleset)
    if ss.storage_problem:
        st.warning(ui.md_escape(ss.storage_problem))
    if ss.storage_notice:
        st.success(ss.storage_notice)
        ss.storage_notice = None
    sidebar(ruleset)
    if ss.flash is not None:
        st.success("Assessment loaded. Check your answers before you rely on the results.")
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
    elif ss.page == ui.PAGE_PARTIES:
        page_parties(ruleset)
    elif ss.page == PAGE_ADVISER:
        page_adviser(ruleset)
    else:
        page_start(ruleset)
    if ss.missed_click:
        top.warning(MISSED_CLICK)
        ss.missed_click = False
    ss.fresh = False
    rerun_on_reconnect()


main()
