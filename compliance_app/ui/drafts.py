"""The wizard's side of the draft store, without Streamlit (pitfall S6).

``streamlit_app.py`` keeps ``answers``, ``company``, ``page``, the company-side adviser
``review`` (from a reviewed PDF) and ``on_screen`` (the answer on the screen of the current
question, not yet confirmed with Next: ``{"step": id, "value": raw}`` or None) in session state
(see :mod:`compliance_app.ui.state`); all five are saved with the draft and restored from it.
The on-screen answer is kept apart from the answers: it is shown again after a reload or a
restart, and becomes an answer only when the user presses Next. The functions here take that
state and the URL query parameters as plain mutable mappings (``st.session_state``,
``st.query_params``; dicts in the tests) and a :class:`~compliance_app.storage.store.DraftStore`
(None when it cannot be opened):

- :func:`open_draft` once per browser session: resume the draft named by ``?draft=``;
- :func:`persist` after every navigation and every change on screen: create the draft on first
  use, then save it, with stale writes from another tab detected and the newer answers taken
  over;
- :func:`screen_widget_values` and :func:`unconfirmed`: the on-screen answer to widgets and back;
- :func:`sync_url` on every run: put the draft id into the URL;
- :func:`delete_data` for "Delete my data".

User-facing messages go to ``state["storage_problem"]`` (a warning) and
``state["storage_notice"]`` (a confirmation). See ``docs/storage.md``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from compliance_app.dossier import review as review_mod
from compliance_app.dossier.answers import AnswersError, AnswersFile
from compliance_app.dossier.screening import ScreeningRecord
from compliance_app.engine.deal_migrate import migrate_case
from compliance_app.rulebase.models import UNKNOWN, Ruleset, Step
from compliance_app.storage.store import (
    Draft,
    DraftNotFound,
    DraftStore,
    StaleDraftError,
    StorageError,
)
from compliance_app.ui.state import (
    COMPANY_FIELDS,
    answers_file,
    check_ruleset,
    raw_from_widgets,
    resolve_page,
    step_page,
    stored_value,
    widget_initial_values,
    widget_key,
)

DRAFT_PARAM = "draft"
"""URL query parameter that carries the draft id (nothing else goes into the URL)."""

SAVED_NOTE = (
    "Your answers are saved on this server as you go, under the link in the address bar: "
    "bookmark it to continue later, on this or another device. Anyone with the link can see "
    "and change the answers. Use **Delete my data** to delete them now; otherwise they are "
    "deleted {days} days after your last change."
)
DELETED_NOTE = "Your answers and company details were deleted from the server."

STATE_DEFAULTS: dict[str, object] = {
    "draft_id": None,
    "draft_version": 0,
    "draft_checked": False,
    "draft_off": False,
    "storage_problem": None,
    "storage_notice": None,
    "on_screen": None,
    "draft_saved": None,
}
"""Session-state keys used here, with their initial values (add them to ``init_state``)."""

State = MutableMapping[str, Any]


@dataclass
class Resumed:
    """Session state taken from a draft."""

    answers: dict[str, object]
    company: dict[str, str]
    page: str
    version: int
    warnings: list[str] = field(default_factory=list)
    review: review_mod.Review | None = None
    """The adviser review the company had opened (from a reviewed PDF), or None."""
    screening: ScreeningRecord | None = None
    """The parties screened (the answers file's ``screening`` section), or None."""
    on_screen: dict[str, object] | None = None
    """The unconfirmed answer on the screen of the resumed page (:func:`screen_of`), or None."""


def resume_draft(ruleset: Ruleset, draft: Draft) -> Resumed:
    """The session state of a stored draft.

    Raises AnswersError for a draft of another rule base (or one this app can no longer read);
    another version of this rule base is resumed with a warning. The stored page is checked
    against the answers (:func:`compliance_app.ui.state.resolve_page`).
    """
    try:
        af = draft.answers_file
    except StorageError as exc:  # saved by an incompatible version of the app
        raise AnswersError(str(exc)) from exc
    warnings = check_ruleset(ruleset, af, "This saved assessment", "Start a new assessment.")
    answers, notes = migrate_case(ruleset, dict(af.answers))  # drafts saved before deals
    warnings += notes
    page = resolve_page(ruleset, answers, draft.page)
    return Resumed(
        answers=answers,
        company={f: getattr(af.company, f) for f in COMPANY_FIELDS},
        page=page,
        version=draft.version,
        warnings=warnings,
        review=draft.review,
        screening=af.screening,
        on_screen=screen_of(ruleset, draft.on_screen_text, page),
    )


def draft_data(
    ruleset: Ruleset,
    answers: Mapping[str, object],
    company: Mapping[str, str],
    screening: ScreeningRecord | None = None,
) -> AnswersFile:
    """What is saved: the session's answers, company and screened parties as an answers file."""
    return answers_file(ruleset, answers, company, screening)


def review_text(review: review_mod.Review | None) -> str | None:
    """What is saved of the company-side review: its YAML text, or None."""
    return None if review is None else review_mod.dump(review).decode("utf-8")


def screen_text(on_screen: Mapping[str, object] | None) -> str | None:
    """What is saved of the on-screen answer: JSON text, or None."""
    return None if on_screen is None else json.dumps(dict(on_screen), ensure_ascii=False)


def screen_of(ruleset: Ruleset, text: str | None, page: str) -> dict[str, object] | None:
    """The stored on-screen answer if it belongs to ``page`` (a step page) and can be shown by
    that step's widgets; None otherwise (also for damaged text: the answers are resumed)."""
    try:
        data = json.loads(text) if text else None
    except ValueError:
        return None
    if not isinstance(data, dict) or set(data) != {"step", "value"}:
        return None
    qid = str(data["step"])
    if ruleset.steps.get(qid.partition("@")[0]) is None or page != step_page(qid):
        return None
    return {"step": qid, "value": data["value"]}


MAX_SCREEN_CHARS = 100_000
"""Longest text kept as an unconfirmed on-screen answer (question limits are at most 20,000;
Next refuses a longer text with its length)."""


def screen_widget_values(step: Step, raw: object) -> dict[str, object]:
    """Session-state values that make the step's widgets show ``raw``, an unconfirmed answer as
    :func:`raw_from_widgets` read it (maybe not valid yet: an empty list, an over-long text).
    Anything that does not fit a widget of this step is left out (the widget starts empty)."""
    key = widget_key(step.id)
    t = step.type
    options = step.option_values()
    if t in ("yes_no", "yes_no_unknown", "one"):
        return {key: raw if isinstance(raw, str) and raw in options else None}
    if t == "many":
        chosen = raw if isinstance(raw, list) else []
        return {widget_key(step.id, v): v in chosen for v in options}
    if t in ("country", "countries"):
        ok = [v for v in (raw if isinstance(raw, list) else [raw]) if _is_choice(step, v)]
        return {key: ok if t == "countries" else (ok[0] if ok else None)}
    if t == "number":
        number = raw if isinstance(raw, float) and math.isfinite(raw) else None
        out: dict[str, object] = {key: number}
        if step.allow_unknown:
            out[widget_key(step.id, UNKNOWN)] = raw == UNKNOWN
        return out
    return {key: raw if isinstance(raw, str) and len(raw) <= MAX_SCREEN_CHARS else ""}


def _is_choice(step: Step, value: object) -> bool:
    """True if ``value`` is one choice of a country or countries step."""
    return stored_value(step, [value] if step.type == "countries" else value) is not None


def unconfirmed(step: Step, raw: object, stored: object) -> object | None:
    """``raw`` (what the widgets hold) if it differs from the confirmed answer ``stored``, else
    None: the on-screen answer that a draft keeps apart from the answers."""
    confirmed = raw_from_widgets(step, widget_initial_values(step, stored))
    if raw == confirmed or (isinstance(raw, str) and len(raw) > MAX_SCREEN_CHARS):
        return None
    return raw


# --- session flow -----------------------------------------------------------------------------


def adopt(state: State, ruleset: Ruleset, draft: Draft) -> None:
    """Replace the session's answers, company, page, review and version with a stored draft."""
    r = resume_draft(ruleset, draft)
    state["answers"], state["company"], state["page"] = r.answers, r.company, r.page
    state["review"], state["screening"], state["on_screen"] = r.review, r.screening, r.on_screen
    state["draft_id"], state["draft_version"] = draft.id, r.version
    state["draft_saved"] = None
    state["drawn_page"] = None  # the widgets are refilled from the answers
    if r.warnings:
        state["flash"] = r.warnings


def open_draft(
    state: State, params: MutableMapping[str, str], store: DraftStore | None, ruleset: Ruleset
) -> None:
    """Once per browser session: resume the draft named by the URL parameter, if any.

    A missing, expired, deleted or malformed one is reported and dropped from the URL.
    """
    if state.get("draft_checked"):
        return
    state["draft_checked"] = True
    draft_id = params.get(DRAFT_PARAM)
    if not draft_id or store is None:
        return
    try:
        draft = store.load(draft_id)
        if draft is None:
            raise DraftNotFound()
        adopt(state, ruleset, draft)
    except (DraftNotFound, AnswersError) as exc:
        state["storage_problem"] = str(exc)
        params.pop(DRAFT_PARAM, None)
    except StorageError as exc:  # unreachable: keep the link, the next visit may work
        state["storage_problem"] = str(exc)


def persist(state: State, store: DraftStore | None, ruleset: Ruleset) -> None:
    """Save the answers, company, page and review. Creates the draft on first use.

    Another tab saved first: its newer answers are taken over and the user is told that the
    last change was not saved. The draft was deleted (maybe in another tab) or expired: saving
    stops for this session, so a deletion is never undone by a tab that was still open.
    Nothing is written when answers, company, page, review and the answer on screen are what
    this session saved last (``state["draft_saved"]``).
    """
    if store is None or state.get("draft_off"):
        return
    data = draft_data(ruleset, state["answers"], state["company"], state.get("screening"))
    review = review_text(state.get("review"))
    screen = screen_text(state.get("on_screen"))
    draft_id = state.get("draft_id")
    saved = (data, state["page"], review, screen)
    if draft_id is not None and state.get("draft_saved") == saved:
        return
    try:
        if draft_id is None:
            state["draft_id"], state["draft_version"] = store.create(
                data, state["page"], review=review, on_screen=screen
            )
        else:
            state["draft_version"] = store.save(
                draft_id,
                data,
                state["page"],
                state["draft_version"],
                review=review,
                on_screen=screen,
            )
        state["storage_problem"] = None
        state["draft_saved"] = saved
    except StaleDraftError as exc:
        state["storage_problem"] = str(exc)
        try:
            newer = store.load(draft_id)
        except StorageError:
            newer = None
        if newer is not None:
            adopt(state, ruleset, newer)
    except DraftNotFound as exc:
        state["draft_id"], state["draft_off"] = None, True
        state["storage_problem"] = str(exc)
    except StorageError as exc:
        state["storage_problem"] = str(exc)


def sync_url(state: State, params: MutableMapping[str, str]) -> None:
    """Put the session's draft id into the URL (only when it differs: no needless rerun)."""
    draft_id = state.get("draft_id")
    if draft_id is not None and params.get(DRAFT_PARAM) != draft_id:
        params[DRAFT_PARAM] = draft_id


def delete_data(state: State, params: MutableMapping[str, str], store: DraftStore | None) -> bool:
    """Delete my data: delete the draft on the server, then clear the session and the URL.

    Returns False (and nothing is cleared) if the server could not delete it; the reason is in
    ``state["storage_problem"]``. The caller runs its ``init_state`` afterwards.
    """
    draft_id = state.get("draft_id")
    if draft_id is not None:
        if store is None:
            state["storage_problem"] = (
                "Your saved answers could not be deleted now: saving on this server is not "
                "available at the moment. Try again later."
            )
            return False
        try:
            store.delete(draft_id)
        except StorageError as exc:
            state["storage_problem"] = str(exc)
            return False
    for key in list(state.keys()):
        del state[key]
    params.pop(DRAFT_PARAM, None)
    state.update(STATE_DEFAULTS)
    state["draft_checked"] = True  # the old link must not be resumed on the next run
    state["storage_notice"] = DELETED_NOTE
    return True
