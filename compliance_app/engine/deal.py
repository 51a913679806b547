"""A deal: several items, destinations and people groups in one assessment (issue 10).

The rule base's steps are written for one item going to one destination and seen by one set
of people. A deal is evaluated as *cells*: each item with each destination it goes to (or
with the company's own country when it goes nowhere), and, where the walk reaches the
question of who sees US technical data, with each people group. A cell's answers are the
deal's answers (steps without scope), the answers given for its item, destination and group,
and the steps filled from the lists (``rules/ruleset.yaml``, ``deal.filled``); the engine walks
and evaluates a cell exactly as it would one case (:func:`compliance_app.engine.evaluation.
evaluate`), so every rule is applied per item, destination and group.

Answers are one flat mapping. A step asked once per entry stores its answers under a
qualified id, ``step@qualifier``: ``m3_us_content@item1``, ``m2_end_use@dest2``,
``m5_us_value@item1+dest2``, ``m5_us_value@item2+home``, ``m7_exemption_route@group3``. The
wizard's path is a list of such ids (:func:`deal_walk`); ``step`` alone for the steps asked
once. The list steps hold the entries (:mod:`compliance_app.engine.entries`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field

from compliance_app.engine import bom_link, dated
from compliance_app.engine.evaluation import walk
from compliance_app.engine.values import AnswerError, country_name, normalize
from compliance_app.rulebase.models import Ruleset, Step

SEP = "@"
JOIN = "+"
HOME = "home"
HOME_ORDER = 10**6


def qualify(step_id: str, qualifier: str) -> str:
    """``("m3_us_content", "item1")`` -> ``"m3_us_content@item1"``; ``""`` -> the step id."""
    return f"{step_id}{SEP}{qualifier}" if qualifier else step_id


def split(qid: str) -> tuple[str, str]:
    """``"m5_us_value@item1+dest2"`` -> ``("m5_us_value", "item1+dest2")``; ``"m1_country"``
    -> ``("m1_country", "")``."""
    step_id, _, qualifier = qid.partition(SEP)
    return step_id, qualifier


def step_of(ruleset: Ruleset, qid: str) -> Step:
    """The step a qualified id asks; raises KeyError for an unknown step."""
    return ruleset.steps[split(qid)[0]]


def entries(ruleset: Ruleset, answers: Mapping[str, object], step_id: str) -> list[dict] | None:
    """The checked entries of a list step, or None when it is not (validly) answered."""
    if step_id not in answers:
        return None
    try:
        value = normalize(ruleset.steps[step_id], answers[step_id])
    except AnswerError:
        return None
    return value  # type: ignore[return-value]


@dataclass(frozen=True)
class Cell:
    """One item with one destination (None: it stays in the company's country) and, where
    the walk needs it, one people group. ``index``: positions in the lists, for ordering."""

    item: dict | None
    destination: dict | None = None
    group: dict | None = None
    index: tuple[int, int, int] = (0, HOME_ORDER, 0)
    home_country: str = ""
    destinations_listed: bool = True
    """False while the destinations list is not (validly) answered: its step is then asked."""

    def part(self, dim: str) -> str | None:
        if dim == "item":
            return self.item["id"] if self.item else None
        if dim == "destination":
            return self.destination["id"] if self.destination else HOME
        return self.group["id"] if self.group else None

    def qualifier(self, scope: list[str]) -> str:
        """The qualifier of a step with ``scope`` in this cell. A list the cell has no entry of
        (a group before the groups are listed) is left out, so that a step is never lost."""
        return JOIN.join(p for p in (self.part(d) for d in scope) if p is not None)

    def sort_key(self, scope: list[str]) -> tuple[int, ...]:
        pos = {"item": self.index[0], "destination": self.index[1], "group": self.index[2]}
        return tuple(pos[d] for d in scope)

    def parts(self, scope: list[str]) -> dict[str, str]:
        """``{"item": "PCU-200", "destination": "Prime SA, France (FR)"}`` for ``scope``."""
        out = {}
        for d in scope:
            if d == "item" and self.item:
                out[d] = self.item["name"]
            elif d == "destination" and self.item:
                out[d] = destination_label(self.destination, self.home_country)
            elif d == "group" and self.group:
                out[d] = self.group["name"]
        return out

    def names(self, scope: list[str]) -> dict[str, str]:
        """As :meth:`parts`, for a sentence: an item that stays home goes to the company's
        country (``"Luxembourg (LU)"``), not to "Stays in ..."."""
        out = self.parts(scope)
        if "destination" in out and self.destination is None:
            out["destination"] = f"{country_name(self.home_country)} ({self.home_country})"
        return out

    def label(self, scope: list[str]) -> str:
        """What a person reads for the part of this cell that ``scope`` is about."""
        return " → ".join(self.parts(scope).values())


def personal(text: str, parts: Mapping[str, str]) -> str:
    """A question with ``{item}``, ``{destination}`` or ``{group}`` naming the entry it is
    asked for (``parts`` from :meth:`Cell.parts`); a placeholder without an entry reads
    "this item" (and so on). Names are data: the caller escapes them for display."""
    for key, fallback in (
        ("item", "this item"),
        ("destination", "this destination"),
        ("group", "this group"),
    ):
        text = text.replace("{" + key + "}", parts.get(key, fallback))
    return text


def destination_label(destination: dict | None, home_country: str) -> str:
    """``"Prime SA, France (FR)"``, or for an item that goes nowhere ``"Stays in Luxembourg
    (LU)"``."""
    if destination is None:
        return f"Stays in {country_name(home_country)} ({home_country})"
    code = destination["country"]
    return f"{destination['name']}, {country_name(code)} ({code})"


@dataclass
class CellWalk:
    """A cell, the flat answers the engine sees for it, and its walk."""

    cell: Cell
    answers: dict[str, object]
    path: list[str]
    pending: str | None
    auto: frozenset[str] = field(default_factory=frozenset)
    """Steps answered from the lists or the bill of materials, not asked."""


@dataclass
class DealWalk:
    """The wizard's path over the whole deal: qualified ids in the order they are asked."""

    path: list[str]
    pending: str | None
    cells: list[CellWalk]
    parts: dict[str, dict[str, str]]
    """Qualified id -> what it is about, by list (:meth:`Cell.parts`); empty for the deal."""
    names: dict[str, dict[str, str]] = field(default_factory=dict)
    """Qualified id -> the names its question's placeholders take (:meth:`Cell.names`)."""

    def about(self, qid: str) -> str:
        """``"PCU-200 → Prime SA, France (FR)"``; "" for a question about the whole deal."""
        return " → ".join(self.parts.get(qid, {}).values())


def _valid_country(ruleset: Ruleset, answers: Mapping[str, object]) -> str:
    sid = ruleset.meta.deal.home_country  # type: ignore[union-attr]
    try:
        return str(normalize(ruleset.steps[sid], answers.get(sid)))
    except AnswerError:
        return ""


def flat_answers(
    ruleset: Ruleset, answers: Mapping[str, object], cell: Cell
) -> tuple[dict[str, object], frozenset[str]]:
    """The answers the engine sees for ``cell`` and the steps filled rather than asked."""
    deal = ruleset.meta.deal
    steps = ruleset.steps
    if deal is None:  # a rule base for one case
        return {k: v for k, v in answers.items() if k in steps}, frozenset()
    lists = {deal.items: cell.item, deal.destinations: cell.destination, deal.groups: cell.group}
    out: dict[str, object] = {}
    for key, value in answers.items():
        sid, qualifier = split(key)
        step = steps.get(sid)
        if step is None or sid in lists:
            continue
        if (not qualifier and not step.scope) or (
            qualifier and step.scope and cell.qualifier(step.scope) == qualifier
        ):
            out[sid] = value
    for sid, entry in lists.items():
        if entry is not None:
            out[sid] = [entry]
    if cell.destination is None and cell.destinations_listed and deal.destinations in answers:
        out[deal.destinations] = []
    auto = set()
    for sid, source in deal.filled.items():
        value = _filled(source, cell)
        if value is not None:
            out[sid] = value
            auto.add(sid)
    if cell.item and cell.item.get("bom"):
        country = cell.destination["country"] if cell.destination else cell.home_country
        filled = bom_link.answers_from_bom(ruleset, cell.item, country, out)
        out.update(filled)
        auto |= set(filled)
    return out, frozenset(auto)


def _filled(source: str, cell: Cell) -> object:
    kind, _, attr = source.partition(".")
    if kind == "item":
        if not cell.item:
            return None
        return (
            (cell.item.get("description") or cell.item["name"])
            if attr == "description"
            else cell.item[attr]
        )
    if kind == "destination":
        if cell.destination is not None:
            return cell.destination[attr]
        return cell.home_country or None
    return cell.group[attr] if cell.group else None


def cells(ruleset: Ruleset, answers: Mapping[str, object], day: dt.date) -> list[CellWalk]:
    """Every cell of the deal with its walk (see the module docstring)."""
    deal = ruleset.meta.deal
    home = _valid_country(ruleset, answers) if deal else ""
    items = entries(ruleset, answers, deal.items) if deal else None
    if deal is None or items is None:
        return [_walked(ruleset, answers, Cell(None, home_country=home), day)]
    dests = entries(ruleset, answers, deal.destinations)
    known = {item["id"] for item in items}
    if dests and any(not set(d["items"]) & known for d in dests):
        dests = None  # a destination that receives no listed item: asked again, never dropped
    groups = entries(ruleset, answers, deal.groups)
    out: list[CellWalk] = []
    for i, item in enumerate(items):
        targets = [(j, d) for j, d in enumerate(dests or []) if item["id"] in d["items"]]
        for j, dest in targets or [(HOME_ORDER, None)]:
            listed = dests is not None
            base = _walked(ruleset, answers, Cell(item, dest, None, (i, j, 0), home, listed), day)
            if base.pending == deal.groups and groups:
                out.extend(
                    _walked(ruleset, answers, Cell(item, dest, g, (i, j, k), home, listed), day)
                    for k, g in enumerate(groups)
                )
            else:
                out.append(base)
    return out


def _walked(ruleset: Ruleset, answers: Mapping[str, object], cell: Cell, day) -> CellWalk:
    flat, auto = flat_answers(ruleset, answers, cell)
    path, _visible, pending = walk(ruleset, flat, day)
    return CellWalk(cell, flat, path, pending, auto)


def deal_walk(
    ruleset: Ruleset, answers: Mapping[str, object], on: dt.date | None = None
) -> DealWalk:
    """The questions to ask for the whole deal, in order, and the first unanswered one.

    Each cell's walk gives the steps it asks; a step asked once per item (destination, group)
    is asked once for each item on whose cells' paths it is. The order is module order, then
    the order of the lists. Steps filled from the lists or from a bill of materials are not
    asked. ``pending`` is the first unanswered question in that order (None: complete).
    """
    day = dated.evaluation_day(ruleset, on)
    walked = cells(ruleset, answers, day)
    order = ruleset.order
    keys: dict[str, tuple] = {}
    parts: dict[str, dict[str, str]] = {}
    names: dict[str, dict[str, str]] = {}
    pending: list[str] = []
    for cw in walked:
        for sid in cw.path:
            if sid in cw.auto:
                continue
            scope = ruleset.steps[sid].scope
            qualifier = cw.cell.qualifier(scope)
            qid = qualify(sid, qualifier)
            if qid not in keys:
                keys[qid] = (order[sid], cw.cell.sort_key(scope))
                parts[qid] = cw.cell.parts(scope)
                names[qid] = cw.cell.names(scope)
            if sid == cw.pending:
                pending.append(qid)
    path = sorted(keys, key=keys.__getitem__)
    first = min(pending, key=keys.__getitem__) if pending else None
    return DealWalk(path, first, walked, parts, names)
