"""Rule-base versions: a snapshot per released version, and what changed since a file was made.

An answers file names the rule base version it was saved with. To tell the user what changed
when that is an older version, every released version keeps a snapshot in
``rules/history/<version>.json`` (:data:`HISTORY_DIR`): for each step its module, type, question
text, option values and a fingerprint of how it is asked (``ask_if``, ``next``, bounds, "I don't
know"); for each rule its module, title, findings and a fingerprint of its condition (named
conditions expanded), effect and jurisdiction tag; the finding titles. A test checks that the
snapshot of the current version exists and matches the live rule base, so a release must add
its snapshot: ``python -m compliance_app.versions`` writes it.

* :func:`diff` ``(old_snapshot, current) -> Changes``: steps and rules added, removed, changed.
* :meth:`Changes.affecting` ``(answers)``: what the changes mean for one answers file.
* :func:`compare_results` ``(old_codes, new_evaluation, changes)``: findings that appeared or
  disappeared, each with a reason.
* :func:`changes_since` ``(ref, ruleset)``: the diff from the version an answers file names.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict

from compliance_app.answers import RulesetRef
from compliance_app.loader import DEFAULT_RULES_DIR
from compliance_app.models import Condition, Ruleset, Step
from compliance_app.results import Evaluation

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


# --- differences ------------------------------------------------------------------------------
class StepChange(_Frozen):
    step_id: str
    kind: Literal["added", "removed", "changed"]
    question: str
    details: list[str] = []
    removed_options: list[str] = []


class RuleChange(_Frozen):
    rule_id: str
    kind: Literal["added", "removed", "changed"]
    title: str
    details: list[str] = []
    findings_before: list[str] = []
    findings_after: list[str] = []


class Changes(_Frozen):
    """What changed between two rule-base versions."""

    old_version: str
    new_version: str
    known: bool = True
    """False when no snapshot of the old version exists: nothing can be listed."""
    steps: list[StepChange] = []
    rules: list[RuleChange] = []

    def steps_of(self, kind: str) -> list[StepChange]:
        return [c for c in self.steps if c.kind == kind]

    def rules_of(self, kind: str) -> list[RuleChange]:
        return [c for c in self.rules if c.kind == kind]

    @property
    def empty(self) -> bool:
        return self.known and not self.steps and not self.rules

    def lines(self) -> list[str]:
        """The changes in plain language, one line each (for the UI and the report)."""
        if not self.known:
            return [
                f"No record of rule base version {self.old_version} is kept, so the changes "
                f"since cannot be listed. The answers were evaluated on version "
                f"{self.new_version}; check every answer."
            ]
        out = []
        for c in self.steps:
            what = {"added": "New question", "removed": "Question removed", "changed": "Changed"}
            more = f" ({'; '.join(c.details)})" if c.details else ""
            out.append(f"{what[c.kind]}: {c.question} [{c.step_id}]{more}")
        for r in self.rules:
            more = f" ({'; '.join(r.details)})" if r.details else ""
            out.append(f"Rule {r.rule_id} {r.kind}: {r.title}{more}")
        return out

    def affecting(self, answers: Mapping[str, object]) -> list[str]:
        """What the changes mean for these answers (step id -> value), one sentence each."""
        out = []
        for c in self.steps:
            if c.step_id not in answers:
                continue
            value = answers[c.step_id]
            if c.kind == "removed":
                out.append(
                    f"Your answer to “{c.question}” is kept but no longer used: the question "
                    "was removed."
                )
            elif c.kind == "changed":
                chosen = value if isinstance(value, list) else [value]
                gone = [v for v in chosen if isinstance(v, str) and v in c.removed_options]
                if gone:
                    out.append(
                        f"Your answer to “{c.question}” ({', '.join(gone)}) is no longer an "
                        "option: answer this question again."
                    )
                else:
                    out.append(f"“{c.question}” changed ({'; '.join(c.details)}): check it.")
        for c in self.steps_of("added"):
            out.append(f"New question: “{c.question}”; the assessment may ask it.")
        return out


def diff(old: Snapshot, current: Ruleset | Snapshot) -> Changes:
    """The changes from ``old`` to ``current`` (a loaded rule base or another snapshot)."""
    new = current if isinstance(current, Snapshot) else snapshot(current)
    steps: list[StepChange] = []
    for sid, s in new.steps.items():
        before = old.steps.get(sid)
        if before is None:
            steps.append(StepChange(step_id=sid, kind="added", question=s.question))
            continue
        details: list[str] = []
        if before.type != s.type:
            details.append(f"answer type {before.type} → {s.type}")
        if before.question != s.question:
            details.append(f"question was “{before.question}”")
        added = [v for v in s.options if v not in before.options]
        removed = [v for v in before.options if v not in s.options]
        if added:
            details.append("new options: " + ", ".join(added))
        if removed:
            details.append("options removed: " + ", ".join(removed))
        if before.logic != s.logic:
            details.append("when it is asked or where it leads changed")
        if details:
            steps.append(
                StepChange(
                    step_id=sid,
                    kind="changed",
                    question=s.question,
                    details=details,
                    removed_options=removed,
                )
            )
    for sid, s in old.steps.items():
        if sid not in new.steps:
            steps.append(StepChange(step_id=sid, kind="removed", question=s.question))
    rules: list[RuleChange] = []
    for rid, r in new.rules.items():
        before_r = old.rules.get(rid)
        if before_r is None:
            rules.append(
                RuleChange(rule_id=rid, kind="added", title=r.title, findings_after=r.findings)
            )
            continue
        details = []
        if before_r.findings != r.findings:
            details.append(
                f"findings {', '.join(before_r.findings) or 'none'} → "
                f"{', '.join(r.findings) or 'none'}"
            )
        if before_r.logic != r.logic:
            details.append("condition or effect changed")
        if details:
            rules.append(
                RuleChange(
                    rule_id=rid,
                    kind="changed",
                    title=r.title,
                    details=details,
                    findings_before=before_r.findings,
                    findings_after=r.findings,
                )
            )
    for rid, r in old.rules.items():
        if rid not in new.rules:
            rules.append(
                RuleChange(rule_id=rid, kind="removed", title=r.title, findings_before=r.findings)
            )
    return Changes(
        old_version=old.ruleset.version, new_version=new.ruleset.version, steps=steps, rules=rules
    )


def changes_since(
    ref: RulesetRef, ruleset: Ruleset, history_dir: Path | str = HISTORY_DIR
) -> Changes | None:
    """Changes from the version an answers file names to ``ruleset``; None if the same."""
    if ref.version == ruleset.meta.version:
        return None
    old = load_snapshot(ref.version, history_dir)
    if old is None:
        return Changes(old_version=ref.version, new_version=ruleset.meta.version, known=False)
    return diff(old, ruleset)


# --- findings that changed ---------------------------------------------------------------------
class FindingChange(_Frozen):
    code: str
    title: str
    kind: Literal["appeared", "disappeared"]
    why: str


class FindingChanges(_Frozen):
    appeared: list[FindingChange] = []
    disappeared: list[FindingChange] = []
    unchanged: list[str] = []

    @property
    def empty(self) -> bool:
        return not self.appeared and not self.disappeared


def compare_results(
    old_codes: Sequence[str],
    new_evaluation: Evaluation,
    changes: Changes | None = None,
    old: Snapshot | None = None,
) -> FindingChanges:
    """Which findings appeared or disappeared since ``old_codes``, and why.

    ``old_codes``: the finding codes of the earlier result (``Upload.previous_codes`` of an
    uploaded PDF). ``changes`` (from :func:`diff`) and ``old`` (the old snapshot) let the
    reasons name the rules that were added, changed or removed.
    """
    by_rule = {c.rule_id: c for c in (changes.rules if changes else [])}
    new_codes = new_evaluation.codes()
    appeared = []
    for f in new_evaluation.findings:
        if f.code in old_codes:
            continue
        rules = [fb.rule_id for fb in f.fired_by]
        touched = [f"rule {r} is {by_rule[r].kind}" for r in rules if r in by_rule]
        if touched:
            why = "; ".join(touched) + " in this version."
        elif f.derived:
            why = f"added by the assessment: {f.derived}"
        elif rules:
            why = f"rule(s) {', '.join(rules)} now fire on these answers."
        else:
            why = "it follows from the current rules."
        appeared.append(FindingChange(code=f.code, title=f.title, kind="appeared", why=why))
    disappeared = []
    for code in old_codes:
        if code in new_codes:
            continue
        title = (old.findings.get(code) if old else None) or code
        source = [
            c
            for c in (changes.rules if changes else [])
            if code in c.findings_before
            and (c.kind == "removed" or code not in c.findings_after or c.kind == "changed")
        ]
        if source:
            why = "; ".join(f"rule {c.rule_id} was {c.kind}" for c in source) + "."
        else:
            why = "the rules that produced it no longer fire on these answers."
        disappeared.append(FindingChange(code=code, title=title, kind="disappeared", why=why))
    unchanged = [c for c in new_codes if c in old_codes]
    return FindingChanges(appeared=appeared, disappeared=disappeared, unchanged=unchanged)


def main(argv: list[str] | None = None) -> int:
    """``python -m compliance_app.versions [RULES_DIR]``: write the current version's snapshot."""
    from compliance_app.loader import load_ruleset

    args = sys.argv[1:] if argv is None else argv
    rules_dir = Path(args[0]) if args else DEFAULT_RULES_DIR
    path = save_snapshot(load_ruleset(rules_dir), rules_dir / "history")
    print(f"wrote {path}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
