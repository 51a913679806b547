"""The reference page for the per-click benchmark: an empty Streamlit page with one radio button
and a Next button, nothing else. Its server-side time is the framework's own cost of a click."""

import streamlit as st

st.radio("Question", ["yes", "no"], index=None, key="q")
st.button("Next", key="next")
