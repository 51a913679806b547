"""Session plumbing of the Streamlit wizard: state, rule base, draft store, navigation.

State (``st.session_state``): ``answers`` (step id -> value), ``company``, ``page`` ("start" |
"step:<id>" | "review" | "results" | "adviser"), the draft keys of
:data:`compliance_app.ui.drafts.STATE_DEFAULTS`, the company-side ``review`` (from a reviewed
PDF; saved with the draft and restored from it) and ``upgrade`` (rule-base changes since an
uploaded file). No widget owns the answers (pitfall S1).
"""

from __future__ import annotations

import datetime as dt
import os

import streamlit as st

from compliance_app.dossier.answers import dump
from compliance_app.rulebase.loader import DEFAULT_RULES_DIR, RulesetError, cached_ruleset
from compliance_app.rulebase.models import Ruleset
from compliance_app.storage import store as storage
from compliance_app.ui import drafts as storage_ui
from compliance_app.ui import state as ui
from compliance_app.ui.walks import frozen

ss = st.session_state
PAGE_ADVISER = "adviser"
"""Adviser review mode: not part of the company's assessment, never saved as a draft."""


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
    """Give every missing state key its default. The keys are all there after the first run
    and go only all at once ("Delete my data"), so one key answers for all of them."""
    if "state_ready" in ss:
        return
    defaults = {
        "answers": {},
        "company": ui.empty_company(),
        "page": ui.PAGE_START,
        "return_to_review": False,
        "error": None,
        "field_errors": {},
        "drawn_page": None,
        "seen_uploads": [],
        "upload_status": {},
        "flash": None,
        "upgrade": None,
        "review": None,
        "adviser": None,
        "adviser_signed": None,
        **storage_ui.STATE_DEFAULTS,
    }
    for key, value in defaults.items():
        if key not in ss:
            ss[key] = value
    ss["state_ready"] = True


def enter(page: str, values: dict[str, object]) -> None:
    """Fill the page's widgets from the store, once per visit (not on every rerun)."""
    if ss.drawn_page != page:
        for key, value in values.items():
            ss[key] = value
        ss.drawn_page = page


@st.cache_resource(show_spinner=False)
def draft_store(url: str) -> storage.DraftStore:
    """One store per process and database (migrated and purged when created)."""
    return storage.DraftStore(url)


_stores: dict[str, storage.DraftStore] = {}
"""The stores :func:`draft_store` made, by URL: a click asks for the store three times, and a
plain dict lookup costs a fraction of Streamlit's cache lookup."""


def get_store() -> storage.DraftStore | None:
    url = storage.default_url()
    if url in _stores:
        return _stores[url]
    try:
        store = _stores[url] = draft_store(url)
    except storage.StorageError as exc:  # not cached: tried again on the next run
        ss.storage_problem = str(exc)
        return None
    return store


def persist() -> None:
    """Save the assessment as a draft (not while in adviser mode)."""
    if ss.page == PAGE_ADVISER:
        return
    if ss.draft_id is None and not ss.answers and not any(ss.company.values()):
        return  # nothing entered yet (e.g. back from adviser mode): no empty draft
    storage_ui.persist(ss, get_store(), load_rules())


def go(page: str, return_to_review: bool | None = None) -> None:
    """Callback: move to ``page`` and save the draft."""
    ss.page = page
    ss.error = None
    ss.field_errors = {}
    if return_to_review is not None:
        ss.return_to_review = return_to_review
    persist()


def on_delete_data() -> None:
    if storage_ui.delete_data(ss, st.query_params, get_store()):
        init_state()


def answers_bytes(ruleset: Ruleset) -> bytes:
    """The answers file of the current state (every Save button and the PDF cache use it),
    serialised again only when the answers or the company changed: a run that changes
    neither (choosing an option, opening the sidebar, a reconnect) reuses the last one, and a
    Next serialises only the new answer (the session keeps the YAML of the others)."""
    key = (ruleset.meta.id, ruleset.meta.version, frozen(ss.answers), tuple(ss.company.items()))
    cached = ss.get("answers_file_cache")
    if cached is None or cached[0] != key:
        pieces = ss.setdefault("answers_file_pieces", {})
        cached = (key, dump(ui.answers_file(ruleset, ss.answers, ss.company), pieces))
        ss["answers_file_cache"] = cached
    return cached[1]


SAVE_LABEL = "Save progress (download answers file)"


def save_button(ruleset: Ruleset, key: str) -> None:
    st.download_button(
        SAVE_LABEL,
        data=answers_bytes(ruleset),
        file_name=f"export-assessment-answers-{dt.date.today().isoformat()}.yaml",
        mime="application/x-yaml",
        key=key,
        on_click="ignore",
        help="Saves the answers you have confirmed with Next, and the company details.",
    )
