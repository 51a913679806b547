"""Session plumbing of the Streamlit wizard: state, rule base, draft store, navigation.

State (``st.session_state``): ``answers`` (step id -> value), ``company``, ``page`` ("start" |
"step:<id>" | "review" | "results" | "adviser"), the draft keys of
:data:`compliance_app.ui.drafts.STATE_DEFAULTS` (``on_screen`` among them: the unconfirmed
answer on screen), the company-side ``review`` (from a reviewed PDF; saved with the draft and
restored from it) and ``upgrade`` (rule-base changes since an uploaded file). No widget owns
the answers (pitfall S1).

A new browser session on an open page (the server restarted, or the connection was lost for
long) starts with the browser's widget values but without the widgets' callbacks: Streamlit
runs a callback only for a widget it has seen in this session. So in the session's first run
(``fresh``) :func:`enter` hands the page's values to the widgets as their default parameters
instead of writing them into the session state: a value the browser sent wins, and a plain
reload shows the saved one. A click whose callback did not run is reported by :func:`button`
(:data:`MISSED_CLICK`), never lost silently.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
from collections.abc import Callable
from typing import Any

import streamlit as st

from compliance_app.dossier.answers import dump
from compliance_app.rulebase.loader import DEFAULT_RULES_DIR, RulesetError, cached_ruleset
from compliance_app.rulebase.models import Ruleset
from compliance_app.storage import store as storage
from compliance_app.ui import drafts as storage_ui
from compliance_app.ui import settings
from compliance_app.ui import state as ui
from compliance_app.ui.walks import frozen

log = logging.getLogger(__name__)
ss = st.session_state
PAGE_ADVISER = "adviser"
"""Adviser review mode: not part of the company's assessment, never saved as a draft."""


_LOGGED: set[str] = set()


def check_settings() -> None:
    """Log every wrong setting (:mod:`compliance_app.ui.settings`) once per process, for the
    operator. Visitors are not shown them: a wrong storage setting makes the draft store
    unavailable (they are told their answers are not saved here), a wrong rule-base folder
    stops the app in :func:`load_rules`."""
    for problem in settings.problems():
        if problem not in _LOGGED:
            _LOGGED.add(problem)
            log.error("setting refused: %s", problem)


def load_rules() -> Ruleset:
    rules_dir = os.environ.get(settings.ENV_RULES_DIR) or str(DEFAULT_RULES_DIR)
    try:
        return cached_ruleset(rules_dir)
    except RulesetError as exc:  # the report names rule files relative to their folder
        log.error("the rule base in %s has errors:\n%s", rules_dir, exc.report())
        st.error(f"The rule base could not be loaded: {len(exc.errors)} error(s).")
        st.code(exc.report(), language=None)
    except OSError as exc:
        log.error("the rule base in %s cannot be read: %s", rules_dir, exc)
        st.error(
            "The rule base could not be read, so the assessment cannot start. The operator can "
            "find the reason in the server log."
        )
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
        "review_signature": None,
        "review_answers": None,
        "screening": None,
        "screening_error": None,
        "parties_back": None,
        "adviser": None,
        "adviser_signed": None,
        "adviser_signed_pdf": None,
        "adviser_sign_error": None,
        "fresh": True,
        "missed_click": False,
        "list_error": None,
        "list_rev": 0,
        "bom_problems": {},
        "bom_seen": [],
        "confirm_remove": None,
        **storage_ui.STATE_DEFAULTS,
    }
    for key, value in defaults.items():
        if key not in ss:
            ss[key] = value
    ss["state_ready"] = True


def enter(page: str, values: dict[str, object]) -> dict[str, object]:
    """Fill the page's widgets from the store, once per visit (not on every rerun).

    Returns the values the widgets must take as their default parameters: all of them in the
    first run of a browser session (see the module doc), else none (they are in the state).
    """
    if ss.drawn_page == page:
        return {}
    ss.drawn_page = page
    if ss.get("fresh"):
        return dict(values)
    for key, value in values.items():
        ss[key] = value
    return {}


MISSED_CLICK = (
    "This page was reconnected to the server (for example after a restart), so your last click "
    "was not carried out. What you entered on this page is kept: check it and click again."
)


def start_run() -> None:
    """First thing of every run: note whether a callback ran before it (:func:`button`)."""
    ss["callbacks_ran"] = ss.pop("callback_flag", False)


def _noted(callback: Callable[..., None]) -> Callable[..., None]:
    def run(*args: object) -> None:
        ss["callback_flag"] = True
        callback(*args)

    return run


def button(
    label: str,
    key: str,
    on_click: Callable[..., None],
    args: tuple = (),
    where: Any = st,
    **kw: Any,
) -> bool:
    """``where.button`` with ``on_click``, whose click is never lost silently.

    Returns True (and sets ``missed_click``, reported at the top of the page) when the button
    was clicked but its callback did not run (the first click in a re-created session).
    """
    clicked = where.button(label, key=key, on_click=_noted(on_click), args=args, **kw)
    if clicked and not ss.get("callbacks_ran"):
        ss.missed_click = True
        return True
    return False


def form_button(
    label: str, on_click: Callable[..., None], args: tuple = (), key: str | None = None
) -> bool:
    """``st.form_submit_button`` with ``on_click``, whose click is never lost silently: returns
    True when the form was submitted but its callback did not run (the first click in a
    re-created session, after a restart); the caller then carries it out itself (the form's
    values are in the session state by then) and reruns."""
    clicked = st.form_submit_button(label, on_click=_noted(on_click), args=args, key=key)
    return bool(clicked and not ss.get("callbacks_ran"))


def note_screen(ruleset: Ruleset, step_id: str) -> None:
    """After the step's widgets are drawn: save what they hold as the draft's on-screen answer
    when it changed (never as an answer: that is Next's job)."""
    step = ui.step_for(ruleset, step_id, ss.answers)
    raw = ui.raw_from_widgets(step, ss)
    pending = storage_ui.unconfirmed(step, raw, ss.answers.get(step_id))
    screen = None if pending is None else {"step": step_id, "value": pending}
    if screen != ss.on_screen:
        ss.on_screen = screen
        persist()
        if ss.drawn_page is None:  # another tab had saved: its answers were taken over
            st.rerun()


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
    """Callback: move to ``page`` and save the draft (nothing unconfirmed is on screen yet)."""
    ss.page = page
    ss.on_screen = None
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
    serialised again only when the answers, the company or the screening record changed: a run
    that changes none of them (choosing an option, opening the sidebar, a reconnect) reuses the
    last one, and a Next serialises only the new answer (the session keeps the YAML of the
    others)."""
    screening = ss.get("screening")
    key = (
        ruleset.meta.id,
        ruleset.meta.version,
        frozen(ss.answers),
        tuple(ss.company.items()),
        screening.model_dump_json() if screening is not None else None,
    )
    cached = ss.get("answers_file_cache")
    if cached is None or cached[0] != key:
        pieces = ss.setdefault("answers_file_pieces", {})
        af = ui.answers_file(ruleset, ss.answers, ss.company, screening)
        cached = (key, dump(af, pieces))
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
