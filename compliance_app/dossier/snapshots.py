"""Rule-base snapshots: what each released version asked and concluded.

Every released version keeps a snapshot in ``rules/history/<version>.json`` (:data:`HISTORY_DIR`):
for each step its module, type, question text, option values and a fingerprint of how it is
asked (``ask_if``, ``next``, bounds, "I don't know"); for each rule its module, title, findings
and a fingerprint of its condition (named conditions expanded), effect and jurisdiction tag; the
finding titles. A test checks that the snapshot of the current version exists and matches the
live rule base, so a release must add its snapshot: ``python -m compliance_app snapshot``
writes it. What changed between versions is computed in :mod:`compliance_app.dossier.versions`.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from compliance_app.dossier.answers import RulesetRef
from compliance_app.rulebase.loader import DEFAULT_RULES_DIR
from compliance_app.rulebase.models import Condition, Ruleset, Step

HISTORY_DIR = DEFAULT_RULES_DIR / "history"
SNAPSHOT_FORMAT = "itar-ear-ruleset-snapshot"
_VERSION = re.compile(r"^\d+\.\d+\.\d+$")


class _Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class StepSnapshot(_Frozen):
    module: str
    type: str
    question: str
    options: list[str]
    """Every value an answer may take (``Step.option_values``, with ``idk`` when offered)."""
    logic: str
    """SHA-256 (first 16 hex digits) of how the step is asked: ask_if, next, bounds, unknown."""


class RuleSnapshot(_Frozen):
    module: str
    title: str
    findings: list[str]
    logic: str
    """SHA-256 (first 16 hex digits) of the condition (named conditions expanded), effect and
    jurisdiction tag."""


class Snapshot(_Frozen):
    """What a rule-base version asked and concluded, enough to say what changed since."""

    format: Literal["itar-ear-ruleset-snapshot"] = SNAPSHOT_FORMAT
    format_version: Literal[1] = 1
    ruleset: RulesetRef
    regulations_as_of: str
    steps: dict[str, StepSnapshot]
    rules: dict[str, RuleSnapshot]
    findings: dict[str, str]
    """Finding code -> title."""


# --- making and storing snapshots ---------------------------------------------------------------
def _fingerprint(data: object) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def _expand(data: Any, named: Mapping[str, Any], depth: int = 0) -> Any:
    """A dumped condition with every ``{ref: name}`` replaced by the named condition."""
    if depth > 32:
        return data
    if isinstance(data, dict):
        if set(data) == {"ref"} and data["ref"] in named:
            return _expand(named[data["ref"]], named, depth + 1)
        return {k: _expand(v, named, depth + 1) for k, v in data.items()}
    if isinstance(data, list):
        return [_expand(v, named, depth + 1) for v in data]
    return data


def _cond(cond: Condition | None, named: Mapping[str, Any]) -> Any:
    if cond is None:
        return None
    return _expand(cond.model_dump(mode="json", by_alias=True, exclude_none=True), named)


def _step_logic(step: Step, named: Mapping[str, Any]) -> str:
    return _fingerprint(
        {
            "ask_if": _cond(step.ask_if, named),
            "next": [{"if": _cond(b.if_, named), "goto": b.goto} for b in step.next],
            "minimum": step.minimum,
            "maximum": step.maximum,
            "unknown": step.unknown.model_dump(mode="json", include={"blocks", "effect"})
            if step.unknown
            else None,
        }
    )


def snapshot(ruleset: Ruleset) -> Snapshot:
    """The snapshot of a loaded rule base (English texts)."""
    named = {
        c.id: c.when.model_dump(mode="json", by_alias=True, exclude_none=True)
        for c in ruleset.conditions.values()
    }
    steps = {}
    rules = {}
    for m in ruleset.modules:
        for s in m.steps:
            steps[s.id] = StepSnapshot(
                module=m.id,
                type=s.type,
                question=s.question.en,
                options=s.option_values(),
                logic=_step_logic(s, named),
            )
        for r in m.rules:
            rules[r.id] = RuleSnapshot(
                module=m.id,
                title=r.title.en,
                findings=list(r.findings),
                logic=_fingerprint(
                    {
                        "when": _cond(r.when, named),
                        "effect": r.effect,
                        "jurisdiction": r.jurisdiction,
                    }
                ),
            )
    return Snapshot(
        ruleset=RulesetRef(id=ruleset.meta.id, version=ruleset.meta.version),
        regulations_as_of=ruleset.meta.regulations_as_of.isoformat(),
        steps=steps,
        rules=rules,
        findings={code: f.title.en for code, f in ruleset.findings.items()},
    )


def snapshot_bytes(snap: Snapshot) -> bytes:
    """Stable JSON of a snapshot (UTF-8, sorted keys, one item per line)."""
    text = json.dumps(snap.model_dump(mode="json"), ensure_ascii=False, sort_keys=True, indent=1)
    return (text + "\n").encode("utf-8")


def snapshot_path(version: str, history_dir: Path | str = HISTORY_DIR) -> Path:
    """``<history_dir>/<version>.json``; ``ValueError`` unless ``version`` looks like 1.2.3."""
    if not _VERSION.match(version):
        raise ValueError(f"not a rule base version: {version!r}")
    return Path(history_dir) / f"{version}.json"


def save_snapshot(ruleset: Ruleset, history_dir: Path | str = HISTORY_DIR) -> Path:
    """Write the snapshot of ``ruleset`` to its file (a release step) and return the path."""
    path = snapshot_path(ruleset.meta.version, history_dir)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(snapshot_bytes(snapshot(ruleset)))
    return path


def load_snapshot(version: str, history_dir: Path | str = HISTORY_DIR) -> Snapshot | None:
    """The stored snapshot of ``version``, or None if there is none (or the name is odd)."""
    try:
        path = snapshot_path(version, history_dir)
    except ValueError:
        return None
    if not path.is_file():
        return None
    return Snapshot.model_validate_json(path.read_bytes())
