"""The deal's lists in the wizard, without Streamlit: add, change and remove items,
destinations and people groups (the answers of the list steps, see
:mod:`compliance_app.engine.entries`).

Every change returns a new answers dict (the store is never changed in place) or raises
:class:`~compliance_app.engine.values.AnswerError` with a sentence saying what to fix; nothing
is half applied. Removing an item takes it out of the destinations that received it; answers
given for a removed entry stay in the answers file, unused (the review page counts them).
"""

from __future__ import annotations

from collections.abc import Mapping

from pydantic import ValidationError

from compliance_app.engine.entries import MODEL_OF, new_id
from compliance_app.engine.values import AnswerError
from compliance_app.rulebase.models import Ruleset

PREFIX = {"item_list": "item", "destination_list": "dest", "group_list": "group"}
FIELD_NAMES = {
    "name": "Name",
    "kind": "Kind",
    "description": "Description",
    "country": "Country",
    "role": "Role",
    "items": "Items it receives",
    "citizenships": "Citizenships",
    "residences": "Permanent residences",
    "employment": "Employment",
    "people": "Number of people",
    "bom": "Bill of materials",
    "rates": "Exchange rates",
}


def entries_of(answers: Mapping[str, object], step_id: str) -> list[dict]:
    """The entries stored for a list step (as stored; [] when there are none)."""
    value = answers.get(step_id)
    return [dict(e) for e in value if isinstance(e, dict)] if isinstance(value, list) else []


def _checked(ruleset: Ruleset, step_id: str, entry: dict) -> dict:
    model = MODEL_OF[ruleset.steps[step_id].type]
    try:
        return model.model_validate(entry).model_dump()
    except ValidationError as exc:
        first = exc.errors()[0]
        name = FIELD_NAMES.get(str(first["loc"][0]) if first["loc"] else "", "This entry")
        raise AnswerError(f"{name}: {first['msg']}.") from None


def add_entry(
    ruleset: Ruleset, answers: Mapping[str, object], step_id: str, fields: Mapping[str, object]
) -> tuple[dict[str, object], str]:
    """``(new answers, id of the new entry)``; ``fields`` without ``id``."""
    current = entries_of(answers, step_id)
    eid = new_id(PREFIX[ruleset.steps[step_id].type], current)
    entry = _checked(ruleset, step_id, {**fields, "id": eid})
    new = dict(answers)
    new[step_id] = [*current, entry]
    return new, eid


def update_entry(
    ruleset: Ruleset,
    answers: Mapping[str, object],
    step_id: str,
    entry_id: str,
    fields: Mapping[str, object],
) -> dict[str, object]:
    """New answers with the entry ``entry_id`` changed (fields not given are kept)."""
    current = entries_of(answers, step_id)
    out = []
    for e in current:
        out.append(
            _checked(ruleset, step_id, {**e, **fields, "id": e["id"]}) if e["id"] == entry_id else e
        )
    new = dict(answers)
    new[step_id] = out
    return new


def remove_entry(
    ruleset: Ruleset, answers: Mapping[str, object], step_id: str, entry_id: str
) -> dict[str, object]:
    """New answers without ``entry_id``; an item is also taken out of every destination."""
    new = dict(answers)
    new[step_id] = [e for e in entries_of(answers, step_id) if e.get("id") != entry_id]
    deal = ruleset.meta.deal
    if step_id == deal.items and deal.destinations in answers:
        new[deal.destinations] = [
            {**d, "items": [i for i in d.get("items", []) if i != entry_id]}
            for d in entries_of(answers, deal.destinations)
        ]
    return new


def unassigned_items(ruleset: Ruleset, answers: Mapping[str, object]) -> list[str]:
    """Names of the items no destination receives (they are assessed as staying in the
    company's country): shown on the destinations page so that none is forgotten."""
    deal = ruleset.meta.deal
    sent = {i for d in entries_of(answers, deal.destinations) for i in d.get("items", [])}
    return [e["name"] for e in entries_of(answers, deal.items) if e["id"] not in sent]


def empty_destinations(ruleset: Ruleset, answers: Mapping[str, object]) -> list[str]:
    """Names of destinations that receive no item (Next refuses them: say which items go)."""
    deal = ruleset.meta.deal
    items = {e["id"] for e in entries_of(answers, deal.items)}
    return [
        d["name"]
        for d in entries_of(answers, deal.destinations)
        if not set(d.get("items", [])) & items
    ]
