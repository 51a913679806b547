"""The wizard's side of the draft store, without Streamlit (pitfall S6).

``streamlit_app.py`` keeps ``answers``, ``company``, ``page`` and the company-side adviser
``review`` (from a reviewed PDF) in session state (see :mod:`compliance_app.ui.state`); all
four are saved with the draft and restored from it. The functions here take that state and the
URL query parameters as plain mutable mappings (``st.session_state``, ``st.query_params``;
dicts in the tests) and a :class:`~compliance_app.storage.store.DraftStore` (None when it cannot be
opened):

- :func:`open_draft` once per browser session: resume the draft named by ``?draft=``;
- :func:`persist` after every navigation: create the draft on first use, then save it, with
  stale writes from another tab detected and the newer answers taken over;
- :func:`sync_url` on every run: put the draft id into the URL;
- :func:`delete_data` for "Delete my data".

User-facing messages go to ``state["storage_problem"]`` (a warning) and
``state["storage_notice"]`` (a confirmation). See ``docs/storage.md``.
"""

from __future__ import annotations

from collections.abc import Mapping, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from compliance_app.dossier import review as review_mod
from compliance_app.dossier.answers import AnswersError, AnswersFile
from compliance_app.rulebase.models import Ruleset
from compliance_app.storage.store import (
    Draft,
    DraftNotFound,
    DraftStore,
    StaleDraftError,
    StorageError,
)
from compliance_app.ui.state import COMPANY_FIELDS, answers_file, check_ruleset, resolve_page

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
    answers = dict(af.answers)
    return Resumed(
        answers=answers,
        company={f: getattr(af.company, f) for f in COMPANY_FIELDS},
        page=resolve_page(ruleset, answers, draft.page),
        version=draft.version,
        warnings=warnings,
        review=draft.review,
    )


def draft_data(
    ruleset: Ruleset, answers: Mapping[str, object], company: Mapping[str, str]
) -> AnswersFile:
    """What is saved: the session's answers and company as an answers file."""
    return answers_file(ruleset, answers, company)


def review_text(review: review_mod.Review | None) -> str | None:
    """What is saved of the company-side review: its YAML text, or None."""
    return None if review is None else review_mod.dump(review).decode("utf-8")


# --- session flow -----------------------------------------------------------------------------


def adopt(state: State, ruleset: Ruleset, draft: Draft) -> None:
    """Replace the session's answers, company, page, review and version with a stored draft."""
    r = resume_draft(ruleset, draft)
    state["answers"], state["company"], state["page"] = r.answers, r.company, r.page
    state["review"] = r.review
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
    Nothing is written when answers, company, page and review are what this session saved
    last (``state["draft_saved"]``).
    """
    if store is None or state.get("draft_off"):
        return
    data = draft_data(ruleset, state["answers"], state["company"])
    review = review_text(state.get("review"))
    draft_id = state.get("draft_id")
    saved = (data, state["page"], review)
    if draft_id is not None and state.get("draft_saved") == saved:
        return
    try:
        if draft_id is None:
            state["draft_id"], state["draft_version"] = store.create(
                data, state["page"], review=review
            )
        else:
            state["draft_version"] = store.save(
                draft_id, data, state["page"], state["draft_version"], review=review
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
                "Your saved answers could not be deleted now (the draft store is not "
                "reachable). Try again in a moment."
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
