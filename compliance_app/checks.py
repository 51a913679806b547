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

from compliance_app.models import (
    END,
    CitationCatalogue,
    Condition,
    CountryData,
    FindingCatalogue,
    Module,
    RulesetMeta,
    Step,
)
from compliance_app.yamlsource import RuleError, Source

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
            for b, branch in enumerate(step.next):
                if branch.goto != END and branch.goto not in steps:
                    errors.append(
                        src.error(base + ("next", b, "goto"), f"unknown step '{branch.goto}'")
                    )
                if branch.if_ is not None:
                    _cond(branch.if_, steps, groups, src, base + ("next", b, "if"), errors)
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
            _cond(rule.when, steps, groups, src, base + ("when",), errors)
            _cites(rule.citations, citation_ids, src, base + ("citations",), errors)
            for j, code in enumerate(rule.findings):
                if code not in codes:
                    errors.append(
                        src.error(base + ("findings", j), f"unknown finding code '{code}'")
                    )

    _check_meta(meta, meta_src, steps, errors)
    if meta.start in steps:
        _check_graph(meta.start, steps, errors)
    return errors


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


def _cond(cond: Condition, steps, groups, src: Source, path, errors: list[RuleError]) -> None:
    for key, subs in (("all", cond.all_), ("any", cond.any_)):
        for k, sub in enumerate(subs or []):
            _cond(sub, steps, groups, src, path + (key, k), errors)
    if cond.not_ is not None:
        _cond(cond.not_, steps, groups, src, path + ("not",), errors)
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
        if cond.in_group not in groups:
            errors.append(
                src.error(path + ("in_group",), f"unknown country group '{cond.in_group}'")
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


def _check_graph(start: str, steps, errors: list[RuleError]) -> None:
    """Cycles, reachability, and branch conditions reading only earlier steps."""
    succ = {sid: [b.goto for b in s.next if b.goto in steps] for sid, (s, _, _) in steps.items()}
    state: dict[str, int] = {}
    order: list[str] = []

    def visit(node: str, trail: list[str]) -> None:
        state[node] = 1
        for nxt in succ[node]:
            if state.get(nxt) == 1:
                step, src, i = steps[node]
                cycle = " -> ".join(trail[trail.index(nxt) :] + [node, nxt])
                errors.append(src.error(("steps", i, "next"), f"cycle: {cycle}"))
            elif nxt not in state:
                visit(nxt, trail + [node])
        state[node] = 2
        order.append(node)

    visit(start, [])
    for sid, (_step, src, i) in steps.items():
        if sid not in state:
            errors.append(
                src.error(("steps", i, "id"), f"step '{sid}' cannot be reached from the start")
            )
    # ancestors: steps that can precede each step on some path
    ancestors: dict[str, set[str]] = {sid: set() for sid in steps}
    for node in reversed(order):  # topological order (start first) when acyclic
        for nxt in succ[node]:
            ancestors[nxt] |= ancestors[node] | {node}
    for sid in state:
        step, src, i = steps[sid]
        for b, branch in enumerate(step.next):
            if branch.if_ is None:
                continue
            for ref in sorted(branch.if_.step_refs() - ancestors[sid] - {sid}):
                if ref in steps:
                    errors.append(
                        src.error(
                            ("steps", i, "next", b, "if"),
                            f"reads step '{ref}', which never comes before '{sid}'",
                        )
                    )
