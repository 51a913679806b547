"""The sign-off part of adviser mode: who signs, in which capacity, the scope statement, the
date and time (in the browser's timezone), the recorded sign-off, and the reviewed PDF, either
signed with the adviser's certificate (PAdES, a PKCS#12 file) or not digitally signed.

The certificate file and its password are used in memory for one signature and never saved;
the password field is emptied after use.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import streamlit as st

from compliance_app.dossier import review as review_mod
from compliance_app.dossier import review_flow as flow
from compliance_app.dossier import signing
from compliance_app.dossier.review import Review
from compliance_app.rulebase.models import Ruleset
from compliance_app.ui import review_forms as rf
from compliance_app.ui import review_view
from compliance_app.ui import state as ui
from compliance_app.ui.results import build_cached
from compliance_app.ui.session import ss

SIGN_LABEL = "Sign off"
DOWNLOAD_LABEL = "Download the reviewed report (PDF, not digitally signed)"
CERT_SIGN_LABEL = "Sign the report with my certificate"
SIGNED_DOWNLOAD_LABEL = "Download the signed report (PDF)"


def browser_zone() -> dt.tzinfo:
    try:
        name = st.context.timezone
    except Exception:  # noqa: BLE001 - no browser context (tests): UTC
        name = None
    return rf.zone(name)


def reset_time() -> None:
    """Put the current date and time (browser timezone) into the sign-off fields."""
    now = dt.datetime.now(browser_zone())
    ss.rv_date = now.date()
    ss.rv_time = now.time().replace(second=0, microsecond=0)


def chosen_time() -> dt.datetime:
    tz = browser_zone()
    now = dt.datetime.now(tz)
    return rf.sign_off_time(ss.get("rv_date") or now.date(), ss.get("rv_time") or now.time(), tz)


def on_sign_off(ruleset: Ruleset, form_review: Callable) -> None:
    r, ev = form_review(ruleset)
    ss.adviser_signed = None
    ss.adviser_signed_pdf = None
    problems = rf.sign_off_problems(r.reviewer_name, r.organisation, r.capacity)
    if problems:
        ss.adviser_error = " ".join(problems)
        return
    try:
        ss.adviser_signed = flow.sign_off(r, ev, chosen_time())
    except review_mod.ReviewError as exc:
        ss.adviser_error = str(exc)
        return
    ss.adviser_error = None


def build_reviewed(ruleset: Ruleset, signed: Review, for_signature: bool) -> bytes:
    from compliance_app.report.builder import build_pdf

    af = ss.adviser["af"]
    ev = ui.evaluate_today(ruleset, af.answers)
    return build_pdf(ruleset.meta, af, ev, review=signed, for_signature=for_signature)


def on_sign_pdf(ruleset: Ruleset) -> None:
    """Build the reviewed PDF and sign it with the uploaded certificate (in memory)."""
    signed: Review | None = ss.adviser_signed
    cert = ss.get("rv_cert")
    password = ss.get("rv_cert_pw") or ""
    ss.rv_cert_pw = ""
    ss.adviser_signed_pdf = None
    if signed is None:
        return
    if cert is None:
        ss.adviser_sign_error = "Choose your certificate file (.p12 or .pfx) first."
        return
    try:
        pdf = signing.sign_pdf(
            build_reviewed(ruleset, signed, True),
            cert.getvalue(),
            password,
            location=signed.organisation,
        )
    except signing.SigningError as exc:
        ss.adviser_sign_error = str(exc)
        return
    check = signing.verify_pdf(pdf)
    ss.adviser_signed_pdf = (review_mod.dump(signed), pdf, check)
    ss.adviser_sign_error = None


def section(ruleset: Ruleset, r: Review, ev, form_review: Callable) -> None:
    """The sign-off inputs, the recorded sign-off and the downloads."""
    st.header("Sign off")
    st.text_input("Your name", key="rv_name")
    st.text_input("Your organisation", key="rv_org")
    st.text_input(
        "Your professional capacity (e.g. export-control lawyer, chamber of commerce adviser)",
        key="rv_capacity",
    )
    st.text_area("Scope, limitations and reliance", key="rv_scope")
    c1, c2 = st.columns(2)
    c1.date_input("Date of sign-off", key="rv_date", format="YYYY-MM-DD")
    c2.time_input("Time of sign-off", key="rv_time", step=60)
    tz = browser_zone()
    st.caption(
        f"Timezone: {getattr(tz, 'key', 'UTC')}. A sign-off cannot be dated in the future or "
        "before the assessment. It covers every finding with its status, the report id, the "
        "answers fingerprint and the rule-base version."
    )
    if ss.get("adviser_error"):
        st.error("There is a problem: " + ui.md_escape(ss.adviser_error))
    st.button(
        SIGN_LABEL, key="rv_sign", type="primary", on_click=on_sign_off, args=(ruleset, form_review)
    )
    signed: Review | None = ss.adviser_signed
    if not rf.same_content(signed, r):
        if signed is not None:
            st.warning("You changed the review after signing off: sign off again.")
        st.info("Sign off to download the reviewed report.")
        return
    assert signed is not None and signed.sign_off is not None
    so = signed.sign_off
    st.success(
        f"Signed off by {ui.md_escape(so.reviewer_name)} ({ui.md_escape(so.organisation)}) "
        f"at {so.signed_at.isoformat(timespec='minutes')}, covering "
        f"{len(so.findings)} finding(s) of report {ui.md_escape(so.report_id or '(no id)')}."
    )
    for w in flow.check(signed, ss.adviser["af"], ev):
        st.caption(ui.md_escape(w))
    st.subheader("Sign the report with your certificate")
    st.markdown(
        "Choose your signing certificate (a PKCS#12 file, `.p12` or `.pfx`, including an eIDAS "
        "qualified certificate delivered as a file) and its password. The report gets a PDF "
        "advanced electronic signature (PAdES) that anyone can verify. The file and password "
        "are used once, in memory, and not kept. For a certificate on a card or token, "
        "download the report below and sign it with your token's software (see the guide)."
    )
    st.file_uploader("Your certificate file", type=["p12", "pfx"], key="rv_cert")
    st.text_input("Certificate password", type="password", key="rv_cert_pw")
    if ss.get("adviser_sign_error"):
        st.error("Not signed: " + ui.md_escape(ss.adviser_sign_error))
    st.button(CERT_SIGN_LABEL, key="rv_sign_cert", on_click=on_sign_pdf, args=(ruleset,))
    done = ss.get("adviser_signed_pdf")
    if done and done[0] == review_mod.dump(signed):
        review_view.signature_box(done[2], "The signed report")
        st.download_button(
            SIGNED_DOWNLOAD_LABEL,
            data=done[1],
            file_name=f"export-assessment-reviewed-signed-{so.signed_at.date().isoformat()}.pdf",
            mime="application/pdf",
            key="rv_signed_pdf",
            type="primary",
            on_click="ignore",
        )
    st.subheader("Without a digital signature")
    key = ui.upload_key(review_mod.dump(signed), ss.adviser["report_id"])
    pdf = build_cached("adviser_pdf", key, lambda: build_reviewed(ruleset, signed, False))
    if pdf is None:  # the reason is in the server log (it may name server paths)
        st.error("The reviewed report could not be built. Try again later.")
        return
    st.download_button(
        DOWNLOAD_LABEL,
        data=pdf,
        file_name=f"export-assessment-reviewed-{so.signed_at.date().isoformat()}.pdf",
        mime="application/pdf",
        key="rv_pdf",
        on_click="ignore",
    )
