"""A Streamlit script that fails with a message naming a server path: run with the project's
``.streamlit/config.toml`` by ``test_e2e_errors.py`` to see what the browser shows."""

from pathlib import Path

import streamlit as st

st.title("Raising app")
raise RuntimeError(f"secret detail at {Path(__file__).resolve()}")
