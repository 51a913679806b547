"""The second reference page of the per-click benchmark: the elements of our question page,
drawn from precomputed texts (``bench/same_pages.py``, computed once per process), with no
logic: same sidebar (captions, a button, a download button, the uploader), same caption,
progress bar, question heading, hint, help expander, input widget with the same options and
keys, references, Back/Next columns, download button and empty fragment. Next shows the
next question of the payload walk. Its click is the framework's own cost of our page."""

import streamlit as st

from bench.same_pages import SIDEBAR_NOTE, pages

UPLOAD_LIMITS = (
    "Accepted: a PDF report downloaded from this tool (.pdf, at most 10 MB) or an answers file "
    "(.yaml, .yml or .json, at most 1 MB). Larger files and other types are refused."
)


@st.cache_resource(show_spinner=False)
def spec():
    return pages()


def on_next() -> None:
    st.session_state.i = st.session_state.get("i", 0) + 1


@st.fragment(run_every=3600)
def fragment() -> None:
    pass


st.set_page_config(page_title="ITAR/EAR self-assessment", page_icon=None, layout="centered")
PAGES, RULES, DATA = spec()
p = PAGES[st.session_state.get("i", 0) % len(PAGES)]
with st.sidebar:
    st.caption(SIDEBAR_NOTE)
    st.button("Delete my data", key="delete_data")
    st.caption(RULES)
    st.caption("Guidance only, not legal advice.")
    st.download_button(
        "Save progress (download answers file)",
        data=DATA,
        file_name="export-assessment-answers.yaml",
        mime="application/x-yaml",
        key="save_sidebar",
        on_click="ignore",
        help="Saves the answers you have confirmed with Next, and the company details.",
    )
    st.caption(UPLOAD_LIMITS)
    st.file_uploader(
        "Upload a PDF report of this tool or an answers file to continue",
        type=["pdf", "yaml", "yml", "json"],
        key="upload",
    )
st.caption(p.caption)
st.progress(p.fraction)
if p.about:
    st.caption(p.about)
st.header(p.question)
if p.hint:
    st.caption(p.hint)
if p.help:
    with st.expander("Help with this question"):
        st.markdown(p.help)
if p.kind == "radio":
    st.radio("Choose one", p.options, index=None, format_func=p.labels.get, key=p.key,
             captions=p.captions)  # fmt: skip
elif p.kind == "many":
    st.caption("Select all that apply.")
    for v in p.options:
        if v == "idk":
            st.caption("or")
        st.checkbox(p.labels[v], key=f"{p.key}__{v}")
elif p.kind == "country":
    st.selectbox("Country (type a name or a two-letter code)", p.options, index=None,
                 format_func=p.labels.get, placeholder="Choose a country", key=p.key)  # fmt: skip
elif p.kind == "countries":
    st.multiselect("Countries (type a name or a two-letter code; leave empty if there is none)",
                   p.options, format_func=p.labels.get, placeholder="Choose countries",
                   key=p.key)  # fmt: skip
elif p.kind == "number":
    st.number_input(p.extra, value=None, format="%.2f", key=p.key)
    if p.allow_unknown:
        st.checkbox("I don't know", key=f"{p.key}__idk")
else:
    st.text_area("Your answer (optional)", key=p.key)
    st.caption(p.extra)
if p.references:
    st.caption("References")
    for line in p.references:
        st.markdown(line)
back, nxt = st.columns(2)
back.button("Back", key="back")
nxt.button("Next", key="next", type="primary", on_click=on_next)
st.download_button(
    "Save progress (download answers file)",
    data=DATA,
    file_name="export-assessment-answers.yaml",
    mime="application/x-yaml",
    key="save_step",
    on_click="ignore",
    help="Saves the answers you have confirmed with Next, and the company details.",
)
fragment()
