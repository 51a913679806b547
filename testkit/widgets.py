"""Setting the wizard's widgets in Streamlit's ``AppTest``, as a user would."""

from __future__ import annotations

from typing import Any

from compliance_app.rulebase.models import UNKNOWN, Ruleset
from compliance_app.ui import state as ui


def set_widget(at: Any, ruleset: Ruleset, step_id: str, value: object) -> None:
    """Put ``value`` (an answer as in an answers file) into the widgets of ``step_id``.

    ``at`` is a ``streamlit.testing.v1.AppTest`` showing the question of ``step_id``.
    """
    step = ruleset.steps[step_id]
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
