"""Uploads in the wizard: PDF reports of this tool and answers files (issue "The answers
travel with the report") and the rule-base changes since the file was made (the adviser's
review shown to the company: :mod:`compliance_app.ui.review_view`).
"""

from __future__ import annotations

import streamlit as st

from compliance_app.dossier.answers import MAX_BYTES, AnswersError
from compliance_app.dossier.transport import MAX_UPLOAD_BYTES, Upload, parsing_slot, read_upload
from compliance_app.rulebase.models import Ruleset
from compliance_app.ui import forms
from compliance_app.ui import state as ui
from compliance_app.ui.session import go, ss

UPLOAD_LABEL = "Upload a PDF report of this tool or an answers file"
UPLOAD_LIMITS = (
    f"Accepted: a PDF report downloaded from this tool (.pdf, at most "
    f"{MAX_UPLOAD_BYTES // 1_000_000} MB, the limit the box below shows) or an answers file "
    f"(.yaml, .yml, .json or a name without extension, at most {MAX_BYTES // 1_000_000} MB). "
    "Other files are refused, with the reason."
)
"""The box lists no file types: the browser would refuse a file without extension, which
:func:`~compliance_app.dossier.transport.read_upload` reads by its content (``docs/review.md``);
the server checks the type and both size limits before parsing."""


def clear_status(key: str) -> None:
    """A new file was chosen: forget the refusal message of the previous one."""
    ss.upload_status = {k: v for k, v in ss.upload_status.items() if not k.startswith(key + ":")}


def read_new_upload(key: str, label: str) -> tuple[Upload | None, str | None]:
    """Draw an uploader; return ``(upload, None)`` the first time a file is accepted (pitfall
    S3: the uploader hands the same file to every later run) and ``(None, ukey)`` otherwise.
    A refusal is shown under the uploader for as long as that file is in it."""
    st.caption(UPLOAD_LIMITS)
    f = st.file_uploader(label, type=None, key=key, on_change=clear_status, args=(key,))
    if f is None:
        return None, None
    data = f.getvalue()
    ukey = key + ":" + ui.upload_key(data, str(getattr(f, "file_id", "")))
    if ukey in ss.seen_uploads:
        if ukey in ss.upload_status:
            st.error("File refused: " + ui.md_escape(ss.upload_status[ukey]))
        return None, ukey
    ss.seen_uploads = [*ss.seen_uploads, ukey]
    try:
        return read_upload(data, f.name), ukey
    except AnswersError as exc:
        ss.upload_status = {**ss.upload_status, ukey: str(exc)}
        st.error("File refused: " + ui.md_escape(str(exc)))
        return None, ukey


def uploader(ruleset: Ruleset) -> None:
    """Continue an assessment from an uploaded PDF or answers file; a refused file changes
    nothing. One widget (one key): in the main area on the start page, in the sidebar
    elsewhere, so the uploaded file follows the user and is never imported twice."""
    up, ukey = read_new_upload("upload", UPLOAD_LABEL + " to continue")
    if up is None:
        return
    try:
        with parsing_slot():  # the answers are parsed again, for this rule base
            imported = ui.import_answers(ruleset, up.answers_bytes)
    except AnswersError as exc:
        ss.upload_status = {**ss.upload_status, ukey: str(exc)}
        st.error("File refused: " + ui.md_escape(str(exc)))
        return
    ss.answers = imported.answers
    ss.company = imported.company  # as in the file: a review's SHA-256 covers it
    ss.screening = imported.screening
    ev = ui.evaluate_today(ruleset, ss.answers)
    ss.upgrade = forms.upgrade_of(ruleset, up.answers, ev, up.previous_codes)
    ss.review = up.review
    ss.review_signature = up.signature if up.review is not None else None
    ss.review_answers = None  # company edits are logged from here on
    ss.flash = [*up.warnings, *imported.warnings]
    ss.drawn_page, ss.fresh = None, False  # the widgets are refilled from the file
    go(ui.resume_page(ruleset, ss.answers), False)
    st.rerun()


def show_upgrade(u: forms.Upgrade | None) -> None:
    """The rule-base changes since the uploaded file was made (kept until the next upload)."""
    if u is None:
        return
    with st.expander(
        f"What changed since rule base version {u.old_version} (this is {u.new_version})",
        expanded=True,
    ):
        st.markdown("**Changes in the rules**")
        for line in u.changes or ["No change to the questions or rules."]:
            st.text("- " + line)
        st.markdown("**What this means for your answers**")
        for line in u.affecting or ["None of your answers is affected."]:
            st.text("- " + line)
        st.caption(f"Your answers are evaluated on the current rules ({u.new_version}).")
        if u.had_previous:
            st.markdown("**Findings since the report you uploaded**")
            for line in u.appeared:
                st.text("New: " + line)
            for line in u.disappeared:
                st.text("No longer found: " + line)
            if not u.appeared and not u.disappeared:
                st.text("The findings are the same as in the report you uploaded.")
