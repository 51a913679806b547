"""Rule-base versions: a snapshot per released version, and what changed since a file was made.

An answers file names the rule base version it was saved with. To tell the user what changed
when that is an older version, the snapshot of that version
(:mod:`compliance_app.dossier.snapshots`) is compared with the current rule base.

* :func:`diff` ``(old_snapshot, current) -> Changes``: steps and rules added, removed, changed.
* :meth:`Changes.affecting` ``(answers)``: what the changes mean for one answers file.
* :func:`compare_results` ``(old_codes, new_evaluation, changes)``: findings that appeared or
  disappeared, each with a reason.
* :func:`changes_since` ``(ref, ruleset)``: the diff from the version an answers file names.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Literal

from compliance_app.dossier.answers import RulesetRef
from compliance_app.dossier.snapshots import (
    HISTORY_DIR,
    RuleSnapshot,
    Snapshot,
    StepSnapshot,
    _Frozen,
    load_snapshot,
    save_snapshot,
    snapshot,
    snapshot_bytes,
    snapshot_path,
)
from compliance_app.engine.deal import split
from compliance_app.engine.results import Evaluation
from compliance_app.rulebase.models import Ruleset

__all__ = [
    "HISTORY_DIR",
    "RuleSnapshot",
    "Snapshot",
    "StepSnapshot",
    "load_snapshot",
    "save_snapshot",
    "snapshot",
    "snapshot_bytes",
    "snapshot_path",
]


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
        """What the changes mean for these answers, one sentence each. ``answers``: step id or
        qualified id (``m5_us_value@item1+dest1``, split with
        :func:`compliance_app.engine.deal.split`) -> value; a step answered for several items,
        destinations or groups gets one sentence."""
        by_step: dict[str, list[object]] = {}
        for qid, value in answers.items():
            by_step.setdefault(split(qid)[0], []).append(value)
        out = []
        for c in self.steps:
            if c.step_id not in by_step:
                continue
            if c.kind == "removed":
                out.append(
                    f"Your answer to “{c.question}” is kept but no longer used: the question "
                    "was removed."
                )
            elif c.kind == "changed":
                gone: list[str] = []
                for value in by_step[c.step_id]:
                    chosen = value if isinstance(value, list) else [value]
                    gone += [
                        v
                        for v in chosen
                        if isinstance(v, str) and v in c.removed_options and v not in gone
                    ]
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
