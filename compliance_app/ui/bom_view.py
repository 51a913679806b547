"""The bill of materials of an item on the items page (Streamlit): upload a CSV file in the
documented columns (``docs/bom.md``), see its lines, download the template, remove it.
Reading is :mod:`compliance_app.dossier.bom_csv`; the lines are user text, shown in tables."""

from __future__ import annotations

import streamlit as st

from compliance_app.dossier.bom_csv import template_csv
from compliance_app.engine.values import AnswerError
from compliance_app.rulebase.models import Ruleset
from compliance_app.ui import list_state
from compliance_app.ui import state as ui
from compliance_app.ui.session import persist, ss

COLUMNS = {
    "part": "Part",
    "origin": "Origin",
    "classification": "USML category / ECCN / EAR99",
    "value": "Value",
    "currency": "Currency",
    "licence_to": "Needs a US licence to",
    "note": "Note",
}


def _upload_key(item_id: str) -> str:
    return f"bom_upload_{item_id}_{int(ss.get('list_rev', 0))}"


def on_upload(ruleset: Ruleset, item_id: str) -> None:
    up = ss.get(_upload_key(item_id))
    if up is None:
        return
    ss.bom_seen = [*(ss.get("bom_seen") or []), f"{item_id}:{up.file_id}"]
    try:
        new, problems = list_state.set_bom(ruleset, ss.answers, item_id, up.getvalue())
    except AnswerError as exc:
        ss.list_error = str(exc)
        return
    ss.answers = new
    ss.bom_problems = {**(ss.get("bom_problems") or {}), item_id: problems}
    ss.list_error = None
    ss.list_rev = int(ss.get("list_rev", 0)) + 1
    persist()


def on_clear(ruleset: Ruleset, item_id: str) -> None:
    ss.answers = list_state.update_entry(
        ruleset, ss.answers, ruleset.meta.deal.items, item_id, {"bom": []}
    )
    ss.list_rev = int(ss.get("list_rev", 0)) + 1
    persist()


def section(ruleset: Ruleset, item: dict) -> None:
    """Inside the item's expander: its bill of materials."""
    st.markdown("**Bill of materials** (US content, for de minimis per destination)")
    lines = item.get("bom") or []
    if lines:
        rows = [{COLUMNS[k]: "" if v is None else str(v) for k, v in x.items()} for x in lines]
        st.dataframe(rows, hide_index=True, width="stretch")
        st.button(
            "Remove the bill of materials",
            key=f"bom_clear_{item['id']}",
            on_click=on_clear,
            args=(ruleset, item["id"]),
        )
    for p in (ss.get("bom_problems") or {}).get(item["id"], []):
        st.warning(ui.md_escape(p))
    up = st.file_uploader(
        "Upload the bill of materials (CSV, at most 2 MB and 5,000 lines"
        + ("; replaces the lines above)" if lines else ")"),
        type=["csv", "txt"],
        key=_upload_key(item["id"]),
        on_change=on_upload,
        args=(ruleset, item["id"]),
        help="Columns: part, origin, classification, value, currency, licence_to, note. "
        "Excel (also French or German), LibreOffice and ERP exports are read.",
    )
    if up is not None and f"{item['id']}:{up.file_id}" not in (ss.get("bom_seen") or []):
        on_upload(ruleset, item["id"])  # its callback did not run (a restart): read it now
        st.rerun()
    st.download_button(
        "Download the template",
        data=template_csv(),
        file_name="bom-template.csv",
        mime="text/csv",
        key=f"bom_template_{item['id']}",
        on_click="ignore",
    )
