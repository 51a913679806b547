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
        raise AnswerError(f"{name}: {_message(first)}.") from None


def _message(error: dict) -> str:
    """A pydantic error as a sentence that says what to do."""
    kind = error.get("type", "")
    if kind in ("too_short", "missing", "string_too_short"):
        return "fill this in (choose at least one, or I don't know where offered)"
    if kind == "string_too_long":
        limit = (error.get("ctx") or {}).get("max_length")
        return f"shorten it to at most {limit} characters" if limit else "shorten it"
    msg = str(error.get("msg", ""))
    return msg.removeprefix("Value error, ")


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


def parse_rates(text: str) -> dict[str, float]:
    """``"USD=0.86; GBP 1.17"`` -> ``{"USD": 0.86, "GBP": 1.17}`` (value of one unit in EUR).
    Raises AnswerError naming the part that cannot be read."""
    out: dict[str, float] = {}
    for part in text.replace(",", ";").split(";"):
        part = part.strip()
        if not part:
            continue
        code, _, number = part.replace("=", " ").partition(" ")
        code = code.strip().upper()
        try:
            value = float(number.strip())
        except ValueError:
            value = -1.0
        if len(code) != 3 or not code.isalpha() or value <= 0:
            raise AnswerError(
                f'Exchange rates: "{part}" cannot be read. Write each as a currency code and '
                "the value of one unit in EUR, for example USD=0.86; GBP=1.17."
            )
        out[code] = value
    return out


def set_bom(
    ruleset: Ruleset, answers: Mapping[str, object], item_id: str, data: bytes
) -> tuple[dict[str, object], list[str]]:
    """New answers with the item's bill of materials read from a CSV file, and the problems
    found in it (each naming its line; a bad field is kept as unknown, never as zero).
    Raises AnswerError when the file cannot be read at all (nothing is changed)."""
    from compliance_app.dossier.bom_csv import BomError, read_bom_csv

    try:
        lines, problems = read_bom_csv(data)
    except BomError as exc:
        raise AnswerError(str(exc)) from None
    bom = [line.model_dump() for line in lines]
    return update_entry(ruleset, answers, ruleset.meta.deal.items, item_id, {"bom": bom}), problems
