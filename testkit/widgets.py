"""Setting the wizard's widgets in Streamlit's ``AppTest``, as a user would."""

from __future__ import annotations

from typing import Any

from compliance_app.engine.deal import split
from compliance_app.rulebase.models import LIST_TYPES, UNKNOWN, Ruleset
from compliance_app.ui import lists
from compliance_app.ui import state as ui


def add_entries(at: Any, ruleset: Ruleset, step_id: str, entries: list[dict]) -> None:
    """Fill the add form of a list page once per entry (fields as in an answers file, without
    ``id``) and submit it. ``at`` shows the list page of ``step_id``."""
    step = ruleset.steps[step_id]
    for entry in entries:
        rev = at.session_state["list_rev"]

        def key(name: str, rev: int = rev) -> str:
            return f"list_{step_id}_new_{rev}_{name}"

        for name, value in entry.items():
            if name in ("name", "description"):
                widget = at.text_input if name == "name" else at.text_area
                widget(key=key(name)).input(value)
            elif name in ("kind", "country", "role", "employment"):
                at.selectbox(key=key(name)).set_value(value)
            elif name in ("items", "citizenships", "residences"):
                at.multiselect(key=key(name)).set_value(value)
            elif name == "people":
                at.number_input(key=key(name)).set_value(value)
        label = lists.ADD_LABEL[step.type]
        next(b for b in at.button if b.label == label).click().run()
        assert not at.exception
        assert at.session_state["list_error"] is None, at.session_state["list_error"]


def set_widget(at: Any, ruleset: Ruleset, step_id: str, value: object) -> None:
    """Put ``value`` (an answer as in an answers file) into the widgets of ``step_id`` (a step
    id, or a qualified id such as ``m3_us_content@item1``; a list step's entries are added
    with its form).

    ``at`` is a ``streamlit.testing.v1.AppTest`` showing the question of ``step_id``.
    """
    step = ruleset.steps[split(step_id)[0]]
    if step.type in LIST_TYPES:
        add_entries(at, ruleset, step_id, value)  # type: ignore[arg-type]
        return
    key = ui.widget_key(step_id)
    if step.type in ("yes_no", "yes_no_unknown", "one"):
        at.radio(key=key).set_value(value)
    elif step.type == "many":
        for v in step.option_values():
            at.checkbox(key=ui.widget_key(step_id, v)).set_value(v in value)  # type: ignore[operator]
    elif step.type == "country":
        at.selectbox(key=key).set_value(value)
    elif step.type == "countries":
        at.multiselect(key=key).set_value(value)
    elif step.type == "number":
        if value == UNKNOWN:
            at.checkbox(key=ui.widget_key(step_id, UNKNOWN)).check()
        else:
            at.number_input(key=key).set_value(value)
    else:
        at.text_area(key=key).input(value)
