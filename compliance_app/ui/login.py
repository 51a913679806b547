"""Optional login for adviser mode on a shared deployment (Streamlit's built-in OIDC login).

Off by default: a local installation needs none. With ``COMPLIANCE_ADVISER_LOGIN`` set (``1``
for the default provider of ``[auth]`` in ``.streamlit/secrets.toml``, or the name of a
provider section such as ``microsoft``), adviser mode shows "Log in" until the adviser has
logged in with the identity provider (``st.login``); the company's wizard never asks for a
login. The setup (secrets, redirect URI, the ``Authlib`` package: ``pip install -e
'.[login]'``) is in ``docs/review.md``. When login is required but not set up, adviser mode
stays closed and says why (it fails closed).
"""

from __future__ import annotations

import os

import streamlit as st

LOGIN_ENV = "COMPLIANCE_ADVISER_LOGIN"


def provider() -> str | None:
    """None when no login is required; "" for the default provider; else its name."""
    value = os.environ.get(LOGIN_ENV, "").strip()
    if value.lower() in ("", "0", "false", "no", "off"):
        return None
    return "" if value.lower() in ("1", "true", "yes", "on") else value


def _logged_in() -> bool:
    try:
        return bool(st.user.is_logged_in)
    except Exception:  # noqa: BLE001 - no auth configured: nobody is logged in
        return False


def _login() -> None:
    name = provider()
    try:
        st.login(name) if name else st.login()
    except Exception:  # noqa: BLE001 - shown to the adviser, the app keeps working
        st.session_state.login_problem = (
            "Login is required for adviser mode on this server but is not set up (the [auth] "
            "section of .streamlit/secrets.toml or the Authlib package is missing). Ask the "
            "person who runs this server."
        )


def gate() -> bool:
    """True when adviser mode may be used now; otherwise draws the login button."""
    if provider() is None:
        return True
    if _logged_in():
        who = st.user.get("email") or st.user.get("name") or "you"
        st.caption(f"Logged in as {who}.")
        st.button("Log out", key="adviser_logout", on_click=st.logout)
        return True
    st.info("Adviser mode on this server requires a login.")
    problem = st.session_state.get("login_problem")
    if problem:
        st.error(problem)
    st.button("Log in", key="adviser_login", type="primary", on_click=_login)
    return False
