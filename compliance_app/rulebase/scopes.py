"""Scope checks of the rule base (loader layer 3): which list of the deal each step is asked
for and each rule is about.

* the ``deal:`` block of ``rules/ruleset.yaml`` names existing steps of the right type;
* a step asked per item, destination or group comes after the step where that list is built
  (the wizard cannot ask about an item before it exists);
* a filled step (answered from a list entry) has the scope of its list;
* a rule's ``about`` is exactly the lists of the steps its condition reads (through named
  conditions and the de minimis fact): a rule that reads an item's answer is about items, one
  that reads an item's and a destination's answers is about each item and destination. This
  is what lets a finding name the item, destination or group it is about.
"""

from __future__ import annotations

from compliance_app.rulebase.models import Condition, Module, RulesetMeta, Step
from compliance_app.rulebase.yamlsource import RuleError, Source

LIST_OF = {"item": "items", "destination": "destinations", "group": "groups"}
TYPE_OF = {"items": "item_list", "destinations": "destination_list", "groups": "group_list"}
FILLED = {
    "item.name": (["item"], "text"),
    "item.description": (["item"], "text"),
    "destination.country": (["destination"], "country"),
    "group.citizenships": (["group"], "countries"),
    "group.residences": (["group"], "countries"),
}


def condition_scope(cond: Condition, steps: dict[str, Step], named: dict, meta: RulesetMeta) -> set:
    """The lists whose answers ``cond`` reads (named conditions and the de minimis fact too)."""
    refs = set(cond.step_refs(named))
    if _uses_fact(cond, named, set()):
        dm = meta.de_minimis
        refs |= {dm.content_step, dm.destination_step, dm.us_value_step, dm.total_value_step}
    return {s for r in refs if r in steps for s in steps[r].scope}


def _uses_fact(cond: Condition, named: dict, seen: set) -> bool:
    if cond.uses_fact():
        return True
    for n in cond.named_refs() - seen:
        seen.add(n)
        if n in named and _uses_fact(named[n].when, named, seen):
            return True
    return False


def check_scopes(
    meta: RulesetMeta,
    meta_src: Source,
    modules: list[tuple[Module, Source]],
    steps: dict[str, tuple[Step, Source, int]],
    named: dict,
    errors: list[RuleError],
) -> None:
    """Append an error (file, line, column) for every scope that does not fit; see above."""
    deal = meta.deal
    plain = {sid: s for sid, (s, _src, _i) in steps.items()}
    if deal is None:
        for step, src, i in steps.values():
            if step.scope or step.type in TYPE_OF.values():
                errors.append(
                    src.error(("steps", i, "scope"), "lists need a 'deal:' block in ruleset.yaml")
                )
        return
    order = {sid: n for n, sid in enumerate(steps)}
    for key, wanted in TYPE_OF.items():
        sid = getattr(deal, key)
        if sid not in plain:
            errors.append(meta_src.error(("deal", key), f"unknown step '{sid}'"))
        elif plain[sid].type != wanted:
            errors.append(meta_src.error(("deal", key), f"step '{sid}' must be of type {wanted}"))
    if deal.home_country not in plain or plain[deal.home_country].type != "country":
        errors.append(meta_src.error(("deal", "home_country"), "must name a country step"))
    for sid, source in deal.filled.items():
        scope, typ = FILLED[source]
        if sid not in plain:
            errors.append(meta_src.error(("deal", "filled", sid), f"unknown step '{sid}'"))
        elif plain[sid].scope != scope or plain[sid].type != typ:
            errors.append(
                meta_src.error(
                    ("deal", "filled", sid),
                    f"step '{sid}' must be a {typ} step with scope {scope} to be filled from "
                    f"{source}",
                )
            )
    for key in ("bom_content_step", "bom_us_value_step", "bom_us_content_step"):
        sid = getattr(deal, key)
        if sid and sid not in plain:
            errors.append(meta_src.error(("deal", key), f"unknown step '{sid}'"))
    for sid, (step, src, i) in steps.items():
        for s in step.scope:
            list_step = getattr(deal, LIST_OF[s])
            if list_step in order and order[sid] < order[list_step]:
                errors.append(
                    src.error(
                        ("steps", i, "scope"),
                        f"step '{sid}' is asked per {s} but comes before the list of "
                        f"{LIST_OF[s]} ('{list_step}')",
                    )
                )
    for module, src in modules:
        for i, rule in enumerate(module.rules):
            read = condition_scope(rule.when, plain, named, meta)
            if set(rule.about) != read:
                want = "[" + ", ".join(s for s in ("item", "destination", "group") if s in read)
                errors.append(
                    src.error(
                        ("rules", i, "about"),
                        f"rule {rule.id} reads answers given per {sorted(read) or 'deal'}: "
                        f"write 'about: {want}]'",
                    )
                )
