"""The pages where the user builds the deal's lists: items, destinations and parties, people
groups (Streamlit). Logic in :mod:`compliance_app.ui.list_state`; names are user text, shown
escaped or in tables, never as Markdown.

Each page shows the list as a table, one form per entry to change or remove it, and a form to
add another. Adding, changing and removing are saved at once (a reload keeps them); Next checks
the list and moves on.
"""

from __future__ import annotations

import streamlit as st

from compliance_app.engine.entries import EMPLOYMENT_LABELS, KIND_LABELS, ROLE_LABELS, UNKNOWN
from compliance_app.engine.values import AnswerError, country_name
from compliance_app.rulebase.models import Ruleset, Step
from compliance_app.ui import bom_view, forms, list_state
from compliance_app.ui import state as ui
from compliance_app.ui.session import form_button, persist, ss

ADD_LABEL = {
    "item_list": "Add this item",
    "destination_list": "Add this destination",
    "group_list": "Add this group",
}
ADD_TITLE = {
    "item_list": "Add an item",
    "destination_list": "Add a destination or party",
    "group_list": "Add a group of people",
}
IDK = "I don't know"


def _rev() -> int:
    return int(ss.get("list_rev", 0))


def _key(step_id: str, entry_id: str, name: str) -> str:
    return f"list_{step_id}_{entry_id}_{_rev()}_{name}"


def _fields(ruleset: Ruleset, step: Step, entry_id: str) -> dict[str, object]:
    """The form's values as typed, for the entry ``entry_id`` (``new`` for the add form)."""
    names = {
        "item_list": ("name", "kind", "description", "rates"),
        "destination_list": ("name", "country", "role", "items"),
        "group_list": ("name", "citizenships", "residences", "employment", "people"),
    }[step.type]
    out = {n: ss.get(_key(step.id, entry_id, n)) for n in names}
    if "people" in out and not out["people"]:
        out["people"] = None
    for n in ("country", "role", "kind", "employment"):
        if n in out and out[n] is None:
            out.pop(n)
    if "description" in out and out["description"] is None:
        out["description"] = ""
    if "rates" in out:
        out["rates"] = list_state.parse_rates(str(out["rates"] or ""))
    return out


def _changed(answers: dict) -> None:
    ss.answers = answers
    ss.list_error = None
    ss.list_rev = _rev() + 1  # new widget keys: the forms show the stored entries
    persist()


def on_add(ruleset: Ruleset, step: Step) -> None:
    try:
        new, _eid = list_state.add_entry(
            ruleset, ss.answers, step.id, _fields(ruleset, step, "new")
        )
    except AnswerError as exc:
        ss.list_error = str(exc)
        return
    _changed(new)


def on_update(ruleset: Ruleset, step: Step, entry_id: str) -> None:
    try:
        new = list_state.update_entry(
            ruleset, ss.answers, step.id, entry_id, _fields(ruleset, step, entry_id)
        )
    except AnswerError as exc:
        ss.list_error = str(exc)
        return
    _changed(new)


def on_remove(ruleset: Ruleset, step: Step, entry_id: str) -> None:
    ss.confirm_remove = None
    _changed(list_state.remove_entry(ruleset, ss.answers, step.id, entry_id))


def on_ask_remove(step: Step, entry_id: str) -> None:
    ss.confirm_remove = [step.id, entry_id]


def on_cancel_remove() -> None:
    ss.confirm_remove = None


def _remove_buttons(ruleset: Ruleset, step: Step, e: dict) -> None:
    """ "Remove NAME", then a confirmation that says what removing does."""
    name = ui.md_escape(e["name"])
    if ss.get("confirm_remove") != [step.id, e["id"]]:
        st.button(
            "Remove " + name,
            key=_key(step.id, e["id"], "remove"),
            on_click=on_ask_remove,
            args=(step, e["id"]),
        )
        return
    receives = (
        [
            d["name"]
            for d in list_state.entries_of(ss.answers, ruleset.meta.deal.destinations)
            if e["id"] in d.get("items", [])
        ]
        if step.type == "item_list"
        else []
    )
    text = f"Remove {e['name']}? The answers given for it stay in the answers file, unused."
    if receives:
        text += " These destinations will no longer receive it: " + "; ".join(receives) + "."
    st.warning(ui.md_escape(text))
    c1, c2 = st.columns(2)
    c1.button(
        "Yes, remove " + name,
        key=_key(step.id, e["id"], "remove_yes"),
        on_click=on_remove,
        args=(ruleset, step, e["id"]),
    )
    c2.button("Cancel", key=_key(step.id, e["id"], "remove_no"), on_click=on_cancel_remove)


def _countries(value: object) -> str:
    if value == [UNKNOWN]:
        return IDK
    return ", ".join(f"{country_name(c)} ({c})" for c in value or []) or "(none)"  # type: ignore[union-attr]


def table_rows(ruleset: Ruleset, step: Step, entries: list[dict]) -> list[dict[str, str]]:
    """The summary table of a list page (plain strings: Streamlit's table shows them as text)."""
    names = {e["id"]: e["name"] for e in list_state.entries_of(ss.answers, ruleset.meta.deal.items)}
    rows = []
    for e in entries:
        if step.type == "item_list":
            lines = len(e.get("bom") or [])
            rows.append(
                {
                    "Item": e["name"],
                    "Kind": KIND_LABELS.get(e["kind"], e["kind"]),
                    "Bill of materials": f"{lines} line(s)" if lines else "",
                    "Description": e.get("description", ""),
                }
            )
        elif step.type == "destination_list":
            rows.append(
                {
                    "Party": e["name"],
                    "Country": _countries([e["country"]]),
                    "Role": ROLE_LABELS.get(e["role"], e["role"]),
                    "Items": ", ".join(names.get(i, i) for i in e.get("items", [])),
                }
            )
        else:
            rows.append(
                {
                    "Group": e["name"],
                    "Citizenships": _countries(e["citizenships"]),
                    "Permanent residences": _countries(e["residences"]),
                    "Employment": EMPLOYMENT_LABELS.get(e["employment"], ""),
                    "People": str(e.get("people") or ""),
                }
            )
    return rows


def _choice(label: str, labels: dict[str, str], value: str, key: str) -> None:
    """A select box of the entry's labelled options (kind, role, employment), on ``value``."""
    options = list(labels)
    st.selectbox(label, options, index=options.index(value), format_func=labels.get, key=key)


def _form_fields(ruleset: Ruleset, step: Step, entry_id: str, e: dict) -> None:
    k = lambda n: _key(step.id, entry_id, n)  # noqa: E731
    st.text_input("Name", value=e.get("name", ""), key=k("name"))
    labels = forms.country_labels()
    if step.type == "item_list":
        _choice("Kind", KIND_LABELS, e.get("kind", "own_product"), k("kind"))
        rates = "; ".join(f"{c}={v:g}" for c, v in (e.get("rates") or {}).items())
        st.text_input(
            "Exchange rates to EUR for the bill of materials (optional, e.g. USD=0.86)",
            value=rates,
            key=k("rates"),
        )
        st.text_area(
            "Description (optional: part numbers, programme, segment)",
            value=e.get("description", ""),
            key=k("description"),
        )
    elif step.type == "destination_list":
        codes = list(labels)
        st.selectbox(
            "Country",
            codes,
            index=codes.index(e["country"]) if e.get("country") in codes else None,
            format_func=labels.get,
            key=k("country"),
            placeholder="Choose a country",
        )
        _choice("Role", ROLE_LABELS, e.get("role", "customer"), k("role"))
        items = list_state.entries_of(ss.answers, ruleset.meta.deal.items)
        names = {i["id"]: i["name"] for i in items}
        st.multiselect(
            "Items it receives",
            list(names),
            default=[i for i in e.get("items", []) if i in names],
            format_func=names.get,
            key=k("items"),
            select_all=False,
        )
    else:
        names = {UNKNOWN: f"{IDK} (the adviser will ask)", **labels}
        for field, label in (
            ("citizenships", "Citizenships held now or ever (every one, for dual nationals)"),
            ("residences", "Countries of permanent residence today"),
        ):
            st.multiselect(
                label,
                list(names),
                default=e.get(field, []),
                format_func=names.get,
                key=k(field),
                select_all=False,  # Enter picks the first match, never "Select N matches"
                placeholder="Type a country or I don't know",
            )
        _choice("Employment", EMPLOYMENT_LABELS, e.get("employment", "employees"), k("employment"))
        st.number_input(
            "Number of people (optional)",
            min_value=1,
            max_value=100000,
            value=e.get("people"),
            step=1,
            key=k("people"),
        )


def draw_list(ruleset: Ruleset, step: Step) -> None:
    """The body of a list page (the caller draws the heading and the Next/Back buttons)."""
    if ss.get("list_error"):
        st.error("There is a problem: " + ui.md_escape(ss.list_error))
    entries = list_state.entries_of(ss.answers, step.id)
    if entries:
        st.dataframe(table_rows(ruleset, step, entries), hide_index=True, width="stretch")
    else:
        st.info("Nothing added yet.")
    for e in entries:
        with st.expander("Change or remove: " + ui.md_escape(e["name"])):
            with st.form(_key(step.id, e["id"], "form")):
                _form_fields(ruleset, step, e["id"], e)
                save = _key(step.id, e["id"], "save")
                if form_button("Save changes", on_update, (ruleset, step, e["id"]), save):
                    on_update(ruleset, step, e["id"])  # the callback was lost: do it now
                    st.rerun()
            if step.type == "item_list" and e.get("kind") in ("own_product", "us_item"):
                bom_view.section(ruleset, e)
            _remove_buttons(ruleset, step, e)
    st.subheader(ADD_TITLE[step.type])
    with st.form(_key(step.id, "new", "form"), clear_on_submit=True):
        _form_fields(ruleset, step, "new", {})
        if form_button(ADD_LABEL[step.type], on_add, (ruleset, step), _key(step.id, "new", "add")):
            on_add(ruleset, step)  # the callback was lost (a restart): do it now
            st.rerun()
    if step.type == "destination_list":
        for name in list_state.unassigned_items(ruleset, ss.answers):
            st.caption(
                f"{ui.md_escape(name)} goes to no destination: it is assessed as "
                "staying in your country."
            )
