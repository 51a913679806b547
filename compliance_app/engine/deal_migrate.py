"""Answers of one case (answers file format 1, drafts and reports made before issue 10) as a
deal with one item, at most one destination and at most one people group.

The mapping keeps every answer: a step asked for the whole deal keeps its id; a step now asked
per item, destination or group gets the id of the one entry (``m3_us_content`` ->
``m3_us_content@item1``); the answers the lists now hold (description, destination,
citizenships, residences) become the entries. The migrated deal walks and evaluates like the
case did (``tests/test_deal.py`` checks it on every scenario).
"""

from __future__ import annotations

from collections.abc import Mapping

from compliance_app.engine.deal import HOME, JOIN, qualify
from compliance_app.engine.values import AnswerError, normalize
from compliance_app.rulebase.models import Ruleset

KIND_FROM_ACTIVITY = (
    ("sell_own_product", "own_product"),
    ("resell_us_item", "us_item"),
    ("buy_us_hardware", "us_item"),
    ("receive_us_info", "us_data"),
    ("give_access", "us_data"),
    ("staff_services", "service"),
)


def is_deal(ruleset: Ruleset, answers: Mapping[str, object]) -> bool:
    """True when ``answers`` already have the items list (or nothing yet to migrate)."""
    if ruleset.meta.deal is None:
        return True
    return ruleset.meta.deal.items in answers or not any(
        k in ruleset.steps and ruleset.steps[k].scope for k in answers
    )


def _valid(ruleset: Ruleset, sid: str, value: object) -> object | None:
    try:
        return normalize(ruleset.steps[sid], value)
    except (AnswerError, KeyError):
        return None


def migrate_case(ruleset: Ruleset, answers: Mapping[str, object]) -> tuple[dict, list[str]]:
    """``(deal answers, notes)``; ``answers`` already a deal are returned unchanged.

    ``notes`` say in plain sentences what was made of the case (shown to the user).
    """
    if is_deal(ruleset, answers):
        return dict(answers), []
    deal = ruleset.meta.deal
    filled = {v: k for k, v in deal.filled.items()}
    text_step = filled.get("item.description") or filled.get("item.name", "")
    description = answers.get(text_step, "")
    description = description if isinstance(description, str) else ""
    activities = answers.get("m2_activities")
    activities = activities if isinstance(activities, list) else []
    kind = next((k for a, k in KIND_FROM_ACTIVITY if a in activities), "own_product")
    out: dict[str, object] = {}
    if len(description) > 2000:  # refused as before (with the reason), never cut
        out[text_step] = description
        description = ""
    first = description.strip().splitlines()[0] if description.strip() else "The item"
    name = first if len(first) <= 120 else first[:118].rsplit(" ", 1)[0] + " …"
    item = {"id": "item1", "name": name, "kind": kind, "description": description}
    out[deal.items] = [item]
    notes = [
        "This assessment was made for one item and one destination. It was opened as a deal "
        f'with one item, "{name}"; add more items, destinations or groups of people if the '
        "deal has them."
    ]
    dims = {"item": "item1", "destination": HOME}
    dest_step = filled.get("destination.country", "")
    country = _valid(ruleset, dest_step, answers.get(dest_step)) if dest_step else None
    if isinstance(country, str) and len(country) == 2:
        out[deal.destinations] = [
            {
                "id": "dest1",
                "name": "Destination",
                "country": country,
                "role": "customer",
                "items": ["item1"],
            }
        ]
        dims["destination"] = "dest1"
    cit_step = filled.get("group.citizenships", "")
    res_step = filled.get("group.residences", "")
    cit = _valid(ruleset, cit_step, answers.get(cit_step)) if cit_step else None
    if isinstance(cit, list) and cit:
        res = _valid(ruleset, res_step, answers.get(res_step)) if res_step else None
        out[deal.groups] = [
            {
                "id": "group1",
                "name": "Staff who see the US technical data",
                "citizenships": cit,
                "residences": res if isinstance(res, list) else [],
            }
        ]
        dims["group"] = "group1"
    for key, value in answers.items():
        step = ruleset.steps.get(key)
        if step is None:
            out[key] = value  # not a question of these rules: kept as it was
            continue
        if key in deal.filled:
            continue
        if not step.scope:
            out[key] = value
            continue
        if all(d in dims for d in step.scope):
            out[qualify(key, JOIN.join(dims[d] for d in step.scope))] = value
    return out, notes


def evaluate_case(ruleset: Ruleset, answers: Mapping[str, object], lang: str = "en", on=None):
    """Evaluate one case's answers (format 1) as the one-item deal they migrate to."""
    from compliance_app.engine.deal_results import evaluate_deal

    return evaluate_deal(ruleset, migrate_case(ruleset, answers)[0], lang, on)
