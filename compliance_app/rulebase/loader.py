"""Load and validate the rule base in layers, reporting every error at once.

1. YAML, strictly (``yamlsource``): duplicate keys, YAML 1.1 booleans, tags, syntax.
2. Each file against its strict pydantic model (``models``): unknown keys, wrong types,
   closed vocabularies; errors mapped back to file, line and column (pitfalls P1, P2).
3. Whole-rule-base checks (``checks``): ids that exist, option values, cycles, reachability,
   paths that end without a result.

Entry point: :func:`load_ruleset`. It raises :class:`RulesetError` (with ``.errors``, a list of
:class:`RuleError`) and never returns a partly valid rule base.
"""

from __future__ import annotations

import difflib
import functools
import gc
from pathlib import Path

from pydantic import BaseModel, ValidationError

from compliance_app.rulebase import checks, models
from compliance_app.rulebase.models import (
    CitationCatalogue,
    ConditionCatalogue,
    CountryData,
    CoverageMap,
    FindingCatalogue,
    Module,
    Ruleset,
    RulesetMeta,
)
from compliance_app.rulebase.yamlsource import RuleError, RulesetError, Source, read_yaml

DEFAULT_RULES_DIR = Path(__file__).resolve().parents[2] / "rules"

__all__ = ["DEFAULT_RULES_DIR", "RuleError", "RulesetError", "load_ruleset", "cached_ruleset"]


def _all_keys() -> list[str]:
    """Every key any rule-file model accepts, for "did you mean" hints."""
    keys: set[str] = set()
    for model in vars(models).values():
        if isinstance(model, type) and issubclass(model, models.Strict):
            keys |= {f.alias or name for name, f in model.model_fields.items()}
    return sorted(keys)


_KEYS = _all_keys()

_TYPE_NAMES = {
    bool: "a boolean",
    int: "a number",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "a mapping",
    type(None): "nothing (empty value)",
}


def _describe(value: object) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def _message(err: dict) -> tuple[str, bool]:
    """Plain-words message for one pydantic error; second item: point at the key."""
    kind = err["type"]
    loc = err["loc"]
    if kind == "extra_forbidden":
        key = str(loc[-1])
        close = difflib.get_close_matches(key, _KEYS, n=1, cutoff=0.6)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        return f"unknown key '{key}'{hint}", True
    if kind == "missing":
        return f"required key '{loc[-1]}' is missing", False
    value = err.get("input")
    if kind in ("string_type", "str_type"):
        hint = ' (quote "yes"/"no" values)' if isinstance(value, bool) else ""
        return f"expected a string, got {_describe(value)}{hint}", False
    if kind in ("bool_type", "bool_parsing"):
        return f"expected true or false, got {_describe(value)} {value!r}", False
    if kind == "literal_error":
        expected = err.get("ctx", {}).get("expected", "")
        return f"{value!r} is not allowed; expected one of {expected}", False
    if kind == "list_type":
        return f"expected a list, got {_describe(value)}", False
    if kind in ("model_type", "dict_type", "model_attributes_type"):
        return f"expected a mapping, got {_describe(value)}", False
    if kind == "string_pattern_mismatch":
        pattern = err.get("ctx", {}).get("pattern", "")
        return f"{value!r} does not have the expected form ({pattern})", False
    if kind in ("date_type", "date_from_datetime_parsing", "date_parsing"):
        return f"expected a date like 2026-11-29, got {value!r}", False
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg, False


def _clean_loc(loc: tuple) -> tuple:
    """Drop pydantic's internal segments (validator and union tags) from an error location."""
    out = []
    for part in loc:
        if isinstance(part, str) and ("[" in part or part.startswith("function-")):
            continue
        out.append(part)
    return tuple(out)


def validate_model(model: type[BaseModel], src: Source, base: tuple = ()) -> BaseModel | None:
    """Validate ``src.data`` (or the part at ``base``) against ``model``; errors go to ``src``."""
    data = src.data
    for part in base:
        data = data[part]  # type: ignore[index]
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        for err in exc.errors():
            loc = base + _clean_loc(err["loc"])
            message, at_key = _message(err)
            src.errors.append(src.error(loc, message, key=at_key))
        return None


def _read(path: Path, root: Path, model: type[BaseModel], errors: list[RuleError]):
    display = str(path.relative_to(root.parent)) if path.is_relative_to(root.parent) else str(path)
    if not path.is_file():
        errors.append(RuleError(display, 1, 1, "", "file not found"))
        return None, None
    src = read_yaml(path, display)
    parsed = validate_model(model, src) if src.data is not None else None
    errors.extend(src.errors)
    return parsed, src


def load_ruleset(rules_dir: Path | str = DEFAULT_RULES_DIR) -> Ruleset:
    """Load, validate and return the rule base in ``rules_dir``.

    Reads ``ruleset.yaml``, ``citations.yaml``, ``findings.yaml``, ``countries.yaml``,
    ``conditions.yaml`` (named conditions, optional), ``coverage.yaml`` (the coverage map,
    optional) and ``modules/<id>.yaml`` for each module
    listed in ``ruleset.yaml``.

    Raises RulesetError listing every problem (file, line, column, path, message).
    """
    # Loading allocates hundreds of thousands of objects (YAML nodes, then models) and frees
    # few: the cyclic garbage collector would scan the growing heap again and again (half of
    # the load time of a rule base 100 times the shipped one). It is paused for the load.
    paused = gc.isenabled()
    gc.disable()
    try:
        return _load(rules_dir)
    finally:
        if paused:
            gc.enable()


def _load(rules_dir: Path | str) -> Ruleset:
    root = Path(rules_dir).resolve()
    errors: list[RuleError] = []
    meta, meta_src = _read(root / "ruleset.yaml", root, RulesetMeta, errors)
    cites, cites_src = _read(root / "citations.yaml", root, CitationCatalogue, errors)
    finds, finds_src = _read(root / "findings.yaml", root, FindingCatalogue, errors)
    countries, countries_src = _read(root / "countries.yaml", root, CountryData, errors)
    conds, conds_src = (None, None)
    if (root / "conditions.yaml").exists():  # optional: named conditions
        conds, conds_src = _read(root / "conditions.yaml", root, ConditionCatalogue, errors)
    cover, cover_src = (None, None)
    if (root / "coverage.yaml").exists():  # optional: the coverage map
        cover, cover_src = _read(root / "coverage.yaml", root, CoverageMap, errors)
    modules: list[tuple[Module, Source]] = []
    module_names = list(meta.modules) if meta else _guess_modules(root)
    for name in module_names:
        mod, src = _read(root / "modules" / f"{name}.yaml", root, Module, errors)
        if mod is not None and src is not None:
            if mod.id != name:
                errors.append(
                    src.error(("id",), f"id '{mod.id}' must match the file name '{name}'")
                )
            modules.append((mod, src))
    if meta and meta_src is not None:
        listed = set(meta.modules)
        for extra in sorted((root / "modules").glob("*.yaml")):
            if extra.stem not in listed:
                errors.append(
                    meta_src.error(
                        ("modules",), f"modules/{extra.name} exists but is not listed in 'modules'"
                    )
                )
    if errors or not (meta and cites and finds and countries):
        # Whole-rule-base checks need every file in shape: they would only repeat these errors.
        raise RulesetError(
            errors or [RuleError(str(root), 1, 1, "", "rule base incomplete")],
            note="The whole-rule-base checks (ids, cycles, reachability) run once these are fixed.",
        )
    ctx = checks.Context(
        meta=(meta, meta_src),
        citations=(cites, cites_src),
        findings=(finds, finds_src),
        countries=(countries, countries_src),
        modules=modules,
        conditions=(conds, conds_src) if conds is not None and conds_src is not None else None,
        coverage=(cover, cover_src) if cover is not None and cover_src is not None else None,
    )
    errors = checks.check_all(ctx)
    if errors:
        raise RulesetError(errors)
    return Ruleset(
        meta=meta,
        modules=[m for m, _ in modules],
        conditions={c.id: c for c in conds.conditions} if conds else {},
        findings={f.code: f for f in finds.findings},
        citations={c.id: c for c in cites.citations},
        countries=countries,
        coverage=cover,
    )


def _guess_modules(root: Path) -> list[str]:
    return sorted(p.stem for p in (root / "modules").glob("*.yaml"))


@functools.cache
def cached_ruleset(rules_dir: str = str(DEFAULT_RULES_DIR)) -> Ruleset:
    """The rule base, loaded and validated once per process (then reused)."""
    return load_ruleset(rules_dir)
