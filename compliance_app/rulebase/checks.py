"""Whole-rule-base checks (layer 3 of the loader), each error with file, line and column.

* every referenced id exists: steps (branches, conditions, de minimis config), findings,
  citations, country groups, modules;
* ids are unique; condition values are among the step's options; tests fit the step type;
* country codes are ISO 3166-1 alpha-2 (pycountry);
* the step graph has no cycle, every step is reachable from ``start``, and every path ends:
  the last branch of each step is unconditional (no answer can leave the user stranded);
* a branch condition reads only steps that can come before it on a path.
"""

from __future__ import annotations

from dataclasses import dataclass

import pycountry

from compliance_app.rulebase import scopes
from compliance_app.rulebase.models import (
    END,
    CitationCatalogue,
    Condition,
    ConditionCatalogue,
    CountryData,
    CoverageMap,
    FindingCatalogue,
    Module,
    RulesetMeta,
    Step,
)
from compliance_app.rulebase.yamlsource import RuleError, Source

FACTS = {"de_minimis": {"not_applicable", "zero_rule", "exceeded", "below", "unknown"}}
"""Facts the engine computes, with the values each can take."""

MULTI = ("many", "countries")
COUNTRY = ("country", "countries")


@dataclass
class Context:
    meta: tuple[RulesetMeta, Source]
    citations: tuple[CitationCatalogue, Source]
    findings: tuple[FindingCatalogue, Source]
    countries: tuple[CountryData, Source]
    modules: list[tuple[Module, Source]]
    conditions: tuple[ConditionCatalogue, Source] | None = None
    coverage: tuple[CoverageMap, Source] | None = None


def check_all(ctx: Context) -> list[RuleError]:
    """Run every cross-file check; return all errors (empty list: the rule base is sound)."""
    errors: list[RuleError] = []
    meta, meta_src = ctx.meta
    cites, cites_src = ctx.citations
    finds, finds_src = ctx.findings
    countries, countries_src = ctx.countries

    citation_ids = _unique(
        [c.id for c in cites.citations], cites_src, "citations", "citation id", errors
    )
    codes = _unique([f.code for f in finds.findings], finds_src, "findings", "code", errors)
    groups = _unique([g.id for g in countries.groups], countries_src, "groups", "group id", errors)

    for i, f in enumerate(finds.findings):
        _cites(f.citations, citation_ids, finds_src, ("findings", i, "citations"), errors)
    for i, g in enumerate(countries.groups):
        if g.citation not in citation_ids:
            errors.append(
                countries_src.error(("groups", i, "citation"), f"unknown citation '{g.citation}'")
            )
        for j, code in enumerate(g.countries):
            if pycountry.countries.get(alpha_2=code) is None:
                errors.append(
                    countries_src.error(
                        ("groups", i, "countries", j), f"'{code}' is not an ISO 3166 country code"
                    )
                )

    named: dict[str, object] = {}
    if ctx.conditions is not None:
        cat, cat_src = ctx.conditions
        _unique([c.id for c in cat.conditions], cat_src, "conditions", "condition id", errors)
        named = {c.id: c for c in cat.conditions}

    steps: dict[str, tuple[Step, Source, int]] = {}
    for module, src in ctx.modules:
        for i, step in enumerate(module.steps):
            if step.id in steps:
                other = steps[step.id][1]
                errors.append(
                    src.error(
                        ("steps", i, "id"), f"step id '{step.id}' is also used in {other.file}"
                    )
                )
            else:
                steps[step.id] = (step, src, i)
    rule_ids: set[str] = set()
    for module, src in ctx.modules:
        for i, step in enumerate(module.steps):
            base = ("steps", i)
            _cites(step.citations, citation_ids, src, base + ("citations",), errors)
            if step.ask_if is not None:
                _cond(step.ask_if, steps, groups, src, base + ("ask_if",), errors, named)
            for b, branch in enumerate(step.next):
                if branch.goto != END and branch.goto not in steps:
                    errors.append(
                        src.error(base + ("next", b, "goto"), f"unknown step '{branch.goto}'")
                    )
                if branch.if_ is not None:
                    _cond(branch.if_, steps, groups, src, base + ("next", b, "if"), errors, named)
                last = b == len(step.next) - 1
                if last and branch.if_ is not None:
                    errors.append(
                        src.error(
                            base + ("next", b),
                            "the last branch needs no 'if': otherwise an answer can lead nowhere "
                            "(add a default branch)",
                        )
                    )
                if not last and branch.if_ is None:
                    errors.append(
                        src.error(
                            base + ("next", b),
                            "a branch without 'if' must be the last one; later branches are dead",
                        )
                    )
        for i, rule in enumerate(module.rules):
            base = ("rules", i)
            if rule.id in rule_ids:
                errors.append(src.error(base + ("id",), f"rule id '{rule.id}' is used twice"))
            rule_ids.add(rule.id)
            _cond(rule.when, steps, groups, src, base + ("when",), errors, named)
            _cites(rule.citations, citation_ids, src, base + ("citations",), errors)
            for j, code in enumerate(rule.findings):
                if code not in codes:
                    errors.append(
                        src.error(base + ("findings", j), f"unknown finding code '{code}'")
                    )

    if ctx.conditions is not None:
        cat, cat_src = ctx.conditions
        for i, c in enumerate(cat.conditions):
            _cond(c.when, steps, groups, cat_src, ("conditions", i, "when"), errors, named)
        _check_named_cycles(cat, cat_src, errors)
    if ctx.coverage is not None:
        _check_coverage(ctx.coverage, {m.id for m, _ in ctx.modules}, codes, errors)
    _check_meta(meta, meta_src, steps, errors)
    if meta.start in steps:
        _check_graph(meta.start, steps, named, errors)
    scopes.check_scopes(meta, meta_src, ctx.modules, steps, named, errors)
    return errors


def _check_coverage(
    coverage: tuple[CoverageMap, Source], modules: set[str], codes: set[str], errors: list
) -> None:
    """Coverage map: known module ids and finding codes; unique area ids; every module and
    every finding is in some area (the map stays in step with the rule base)."""
    cov, src = coverage
    _unique([a.id for a in cov.areas], src, "areas", "area id", errors)
    for i, area in enumerate(cov.areas):
        for j, mid in enumerate(area.modules):
            if mid not in modules:
                errors.append(src.error(("areas", i, "modules", j), f"unknown module '{mid}'"))
        for j, code in enumerate(area.findings):
            if code not in codes:
                errors.append(src.error(("areas", i, "findings", j), f"unknown finding '{code}'"))
        if area.status != "not_covered" and not (area.modules and area.findings):
            errors.append(
                src.error(
                    ("areas", i),
                    "an area the rule base models or flags names its modules and findings",
                )  # fmt: skip
            )
    mapped_modules = {m for a in cov.areas for m in a.modules}
    mapped_codes = {c for a in cov.areas for c in a.findings}
    for mid in sorted(modules - mapped_modules):
        errors.append(src.error(("areas",), f"module '{mid}' is in no area of the coverage map"))
    for code in sorted(codes - mapped_codes):
        errors.append(src.error(("areas",), f"finding '{code}' is in no area of the coverage map"))


def _check_named_cycles(cat: ConditionCatalogue, src: Source, errors: list[RuleError]) -> None:
    uses = {c.id: c.when.named_refs() for c in cat.conditions}
    for i, c in enumerate(cat.conditions):
        seen: set[str] = set()
        todo = list(uses[c.id])
        while todo:
            n = todo.pop()
            if n == c.id:
                errors.append(
                    src.error(("conditions", i, "id"), f"condition '{c.id}' refers to itself")
                )
                break
            if n not in seen:
                seen.add(n)
                todo.extend(uses.get(n, ()))


def _unique(ids: list[str], src: Source, key: str, what: str, errors: list[RuleError]) -> set[str]:
    seen: set[str] = set()
    for i, ident in enumerate(ids):
        if ident in seen:
            errors.append(src.error((key, i), f"{what} '{ident}' is defined twice"))
        seen.add(ident)
    return seen


def _cites(ids, known, src, path, errors) -> None:
    for j, cid in enumerate(ids):
        if cid not in known:
            errors.append(src.error(path + (j,), f"unknown citation '{cid}' (see citations.yaml)"))


def _cond(
    cond: Condition, steps, groups, src: Source, path, errors: list[RuleError], named=None
) -> None:
    named = named or {}
    if cond.ref is not None and cond.ref not in named:
        errors.append(src.error(path + ("ref",), f"unknown named condition '{cond.ref}'"))
    for key, subs in (("all", cond.all_), ("any", cond.any_)):
        for k, sub in enumerate(subs or []):
            _cond(sub, steps, groups, src, path + (key, k), errors, named)
    if cond.not_ is not None:
        _cond(cond.not_, steps, groups, src, path + ("not",), errors, named)
    if cond.fact is not None:
        if cond.fact not in FACTS:
            errors.append(src.error(path + ("fact",), f"unknown fact '{cond.fact}'"))
            return
        for v in [cond.is_] if cond.is_ is not None else cond.in_ or []:
            if v not in FACTS[cond.fact]:
                allowed = ", ".join(sorted(FACTS[cond.fact]))
                errors.append(src.error(path, f"'{v}' is not a value of {cond.fact} ({allowed})"))
    if cond.country is not None:
        entry = steps.get(cond.country)
        if entry is None:
            errors.append(src.error(path + ("country",), f"unknown step '{cond.country}'"))
        elif entry[0].type not in COUNTRY:
            errors.append(
                src.error(path + ("country",), f"step '{cond.country}' is not a country step")
            )
        for key, gid in (("in_group", cond.in_group), ("unsettled_in", cond.unsettled_in)):
            if gid is not None and gid not in groups:
                errors.append(src.error(path + (key,), f"unknown country group '{gid}'"))
        for k, gid in enumerate(cond.not_in_group or []):
            if gid not in groups:
                errors.append(
                    src.error(path + ("not_in_group", k), f"unknown country group '{gid}'")
                )
        if cond.other_than is not None:
            other = steps.get(cond.other_than)
            if other is None:
                errors.append(
                    src.error(path + ("other_than",), f"unknown step '{cond.other_than}'")
                )
            elif other[0].type not in COUNTRY:
                errors.append(
                    src.error(
                        path + ("other_than",), f"step '{cond.other_than}' is not a country step"
                    )
                )
    if cond.answer is not None:
        entry = steps.get(cond.answer)
        if entry is None:
            errors.append(src.error(path + ("answer",), f"unknown step '{cond.answer}'"))
            return
        step = entry[0]
        if step.type == "text" and cond.answered is None:
            errors.append(src.error(path, "free-text answers are never used for branching"))
        if (cond.includes is not None or cond.includes_any is not None) and step.type not in MULTI:
            errors.append(
                src.error(path, f"'includes' needs a many/countries step, not '{step.type}'")
            )
        values = [cond.is_] if cond.is_ is not None else []
        values += (cond.in_ or []) + (cond.includes_any or [])
        values += [cond.includes] if cond.includes is not None else []
        if step.type in COUNTRY:
            allowed = None
        else:
            allowed = step.option_values()
        for v in values:
            if allowed is not None and v not in allowed:
                errors.append(
                    src.error(
                        path, f"'{v}' is not an answer of step '{step.id}' ({', '.join(allowed)})"
                    )
                )


def _check_meta(meta: RulesetMeta, src: Source, steps, errors: list[RuleError]) -> None:
    if meta.start not in steps:
        errors.append(src.error(("start",), f"unknown start step '{meta.start}'"))
    dm = meta.de_minimis
    wanted = {
        "content_step": ("many",),
        "destination_step": ("country",),
        "us_value_step": ("number",),
        "total_value_step": ("number",),
    }
    for key, types in wanted.items():
        sid = getattr(dm, key)
        if sid not in steps:
            errors.append(src.error(("de_minimis", key), f"unknown step '{sid}'"))
        elif steps[sid][0].type not in types:
            errors.append(
                src.error(("de_minimis", key), f"step '{sid}' must be of type {types[0]}")
            )


def _check_graph(start: str, steps, named, errors: list[RuleError]) -> None:
    """Cycles, reachability, and step conditions (ask_if, branches) reading only earlier steps."""
    order = list(steps)
    following = {sid: order[i + 1] if i + 1 < len(order) else END for i, sid in enumerate(order)}
    succ = {}
    for sid, (s, _, _) in steps.items():
        # without branches the walk goes on to the following step (also when it passes over it)
        targets = [b.goto for b in s.next] if s.next else [following[sid]]
        succ[sid] = [t for t in dict.fromkeys(targets) if t in steps]
    state: dict[str, int] = {}
    order: list[str] = []
    # depth-first search without recursion (a long chain of steps must not hit Python's
    # recursion limit); ``trail`` is the current path from the start, ``stack`` the pending
    # successors of each step on it
    state[start] = 1
    trail: list[str] = [start]
    stack = [iter(succ[start])]
    while stack:
        node = trail[-1]
        for nxt in stack[-1]:
            if state.get(nxt) == 1:
                step, src, i = steps[node]
                cycle = " -> ".join(trail[trail.index(nxt) :] + [nxt])
                errors.append(src.error(("steps", i, "next"), f"cycle: {cycle}"))
            elif nxt not in state:
                state[nxt] = 1
                trail.append(nxt)
                stack.append(iter(succ[nxt]))
                break
        else:
            state[node] = 2
            order.append(node)
            trail.pop()
            stack.pop()
    for sid, (_step, src, i) in steps.items():
        if sid not in state:
            errors.append(
                src.error(("steps", i, "id"), f"step '{sid}' cannot be reached from the start")
            )
    # ancestors: steps that can precede each step on some path, as bit sets (bit n: the n-th
    # step), so that the union along every edge costs a few machine words per 64 steps
    bit = {sid: 1 << n for n, sid in enumerate(steps)}
    ancestors: dict[str, int] = dict.fromkeys(steps, 0)
    for node in reversed(order):  # topological order (start first) when acyclic
        mask = ancestors[node] | bit[node]
        for nxt in succ[node]:
            ancestors[nxt] |= mask
    for sid in state:
        step, src, i = steps[sid]
        checks = [
            (("steps", i, "next", b, "if"), br.if_, ancestors[sid] | bit[sid])
            for b, br in enumerate(step.next)
            if br.if_
        ]
        if step.ask_if is not None:
            checks.append((("steps", i, "ask_if"), step.ask_if, ancestors[sid]))
        for where, cond, allowed in checks:
            for ref in sorted(cond.step_refs(named)):
                if ref in bit and not allowed & bit[ref]:
                    errors.append(
                        src.error(where, f"reads step '{ref}', which never comes before '{sid}'")
                    )
