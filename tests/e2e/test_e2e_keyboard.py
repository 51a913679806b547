"""Keyboard only: the whole assessment is completed with Tab, Space, Enter, arrows and typing
(no mouse), and every control on every page visited has a name a screen reader reads."""

from __future__ import annotations

from pathlib import Path

from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal as evaluate
from compliance_app.rulebase.models import LIST_TYPES
from e2e.browser import ADD_LABEL, KeyboardWizard, named_controls, unnamed_controls

SAVE_LABEL = "Save progress (download answers file)"
ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"
START_CONTROLS = {
    ("textbox", "Company name"),
    ("textbox", "Contact person (optional)"),
    ("textbox", "Assessment title (optional)"),
    ("button", "Start now"),
    ("button", "I am an adviser: review an assessment"),
}

LIST_CONTROLS = {
    "item_list": {
        ("textbox", "Name"),
        ("combobox", "Kind"),
        ("textbox", "Exchange rates to EUR for the bill of materials (optional, e.g. USD=0.86)"),
        ("textbox", "Description (optional: part numbers, programme, segment)"),
    },
    "destination_list": {
        ("textbox", "Name"),
        ("combobox", "Country"),
        ("combobox", "Role"),
        ("combobox", "Items it receives"),
    },
    "group_list": {
        ("textbox", "Name"),
        ("combobox", "Citizenships held now or ever (every one, for dual nationals)"),
        ("combobox", "Countries of permanent residence today"),
        ("combobox", "Employment"),
        ("spinbutton", "Number of people (optional)"),
    },
}
"""The add form of each list page (the forms to change an entry are in closed expanders)."""


def expected_controls(step) -> set[tuple[str, str]]:
    """The named controls a screen reader must find on the page of ``step``."""
    t = step.type
    if t in LIST_TYPES:
        out = LIST_CONTROLS[t] | {("button", ADD_LABEL[t])}
    elif t in ("yes_no", "yes_no_unknown", "one"):
        out = {("radiogroup", "Choose one")}
        out |= {("radio", step.label_of(v)) for v in step.option_values()}
    elif t == "many":
        out = {("checkbox", step.label_of(v)) for v in step.option_values()}
    elif t == "country":
        out = {("combobox", "Country (type a name or a two-letter code)")}
    elif t == "countries":
        out = {
            (
                "combobox",
                "Countries (type a name or a two-letter code; leave empty if there is none)",
            )
        }
    elif t == "number":
        out = {("spinbutton", f"Amount in {step.unit.en}" if step.unit else "Amount")}
        if step.allow_unknown:
            out.add(("checkbox", "I don't know"))
    else:
        out = {("textbox", "Your answer (optional)")}
    return out | {("button", "Back"), ("button", "Next"), ("button", SAVE_LABEL)}


def check_names(w: KeyboardWizard, where: str, problems: dict[str, list[str]]) -> None:
    w.settle()
    missing = unnamed_controls(w.page)
    if missing:
        problems[where] = missing


def test_keyboard_only_assessment_with_named_controls(page, ruleset):
    w = KeyboardWizard(page, ruleset)
    answers = parse(PAYLOAD.read_bytes()).answers
    problems: dict[str, list[str]] = {}
    w.open()
    check_names(w, "start", problems)
    assert START_CONTROLS <= set(named_controls(page))
    w.start("Keyboard Only Ltd")

    seen_types: set[str] = set()
    shown = []
    for _ in range(60):
        step = w.step()
        if step is None:
            break
        shown.append(step.id)
        if step.type not in seen_types:
            seen_types.add(step.type)
            check_names(w, f"question {step.id} ({step.type})", problems)
            assert expected_controls(step) <= set(named_controls(page)), step.id
        if step.type in LIST_TYPES:
            w.fill_list(step, answers[step.id])
            check_names(w, f"list {step.id} (entries added)", problems)
        else:
            w.set_answer(step, answers[step.id])
        if step.type in ("country", "countries"):
            check_names(w, f"question {step.id} (list open)", problems)
        w.click("Next")
    assert w.heading() == "Check your answers"
    assert shown == evaluate(ruleset, answers).path
    assert seen_types == {ruleset.steps[i.split("@")[0]].type for i in shown}
    check_names(w, "review", problems)

    w.click("See results")
    assert w.heading() == "Results"
    check_names(w, "results", problems)
    assert not problems, f"controls without an accessible name: {problems}"

    # the answers reached the server exactly as typed and chosen
    for f in evaluate(ruleset, answers).findings:
        assert f.title in w.main().inner_text()
