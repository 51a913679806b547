"""Synthetic inputs: a rule base k times the shipped one, and an assessment k times larger."""

from __future__ import annotations

import copy
import re
import shutil
from pathlib import Path

import yaml

from bench.common import ROOT

RULES = ROOT / "rules"
_KEEP = {"jurisdiction", "effect", "blocks", "type", "status", "value", "is", "in"}
_RULE_ID = re.compile(r"^L(\d+)\.(\d+)([a-z]?)$")


def _rename(obj, names: dict[str, str]):
    """Replace every string value that is exactly a renamed id (keys are left alone)."""
    if isinstance(obj, dict):
        return {k: v if k in _KEEP else _rename(v, names) for k, v in obj.items()}
    if isinstance(obj, list):
        return [_rename(v, names) for v in obj]
    if isinstance(obj, str):
        if obj in names:
            return names[obj]
        m = _RULE_ID.match(obj)
        if m and "__rule__" in names:
            return f"L{int(m[1]) + 100 * int(names['__rule__'])}.{m[2]}{m[3]}"
    return obj


_SafeLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _SafeDumper(getattr(yaml, "CSafeDumper", yaml.SafeDumper)):
    """Copies share values (dates, lists): write them out, no anchors (the loader refuses)."""

    def ignore_aliases(self, data) -> bool:
        return True


def _load(path: Path):
    """``yaml.safe_load`` with libyaml when PyYAML has it."""
    loader = _SafeLoader(path.read_text("utf-8"))
    try:
        return loader.get_single_data()
    finally:
        loader.dispose()


def _dump(path: Path, data) -> None:
    path.write_text(
        yaml.dump(
            data,
            Dumper=_SafeDumper,
            allow_unicode=True,
            sort_keys=False,
            width=100,
            default_flow_style=None,
        ),
        "utf-8",
    )


def rule_base(k: int, dest: Path) -> Path:
    """Write a valid rule base k times the shipped one into ``dest`` and return it.

    Copy c (1..k-1) of every module, finding and citation gets renamed ids (steps ``_cN``,
    modules ``_cN``, rules ``L<100c+n>.m``, findings ``_CN``, citations ``-cN``); the copies
    follow the originals in module order and refer to their own steps, findings and citations
    (named conditions and country groups are shared).
    """
    if dest.exists():
        shutil.rmtree(dest)
    shutil.copytree(RULES, dest)
    if k == 1:
        return dest
    meta = _load(RULES / "ruleset.yaml")
    cites = _load(RULES / "citations.yaml")
    finds = _load(RULES / "findings.yaml")
    modules = {m: _load(RULES / "modules" / f"{m}.yaml") for m in meta["modules"]}
    orig_cites, orig_finds = copy.deepcopy(cites["citations"]), copy.deepcopy(finds["findings"])
    step_ids = [s["id"] for m in modules.values() for s in m.get("steps", [])]
    cite_ids = [c["id"] for c in cites["citations"]]
    codes = [f["code"] for f in finds["findings"]]
    order = list(meta["modules"])
    coverage = _load(RULES / "coverage.yaml") if (RULES / "coverage.yaml").exists() else None
    areas = copy.deepcopy(coverage["areas"]) if coverage else []
    for c in range(1, k):
        names = {s: f"{s}_c{c}" for s in step_ids}
        names |= {i: f"{i}-c{c}" for i in cite_ids}
        names |= {code: f"{code}_C{c}" for code in codes}
        names["__rule__"] = str(c)
        cites["citations"] += [_rename(x, names) for x in orig_cites]
        finds["findings"] += [_rename(x, names) for x in orig_finds]
        for m, data in modules.items():
            new = _rename(data, names)
            new["id"] = f"{m}_c{c}"
            _dump(dest / "modules" / f"{m}_c{c}.yaml", new)
            order.append(f"{m}_c{c}")
        for area, orig in zip(coverage["areas"] if coverage else [], areas, strict=True):
            # the coverage map must place every module and finding (issue 9): copies go with
            # the area of their original
            area["modules"] = area.get("modules", []) + [
                f"{m}_c{c}" for m in orig.get("modules") or []
            ]
            area["findings"] = area.get("findings", []) + [
                f"{f}_C{c}" for f in orig.get("findings") or []
            ]
    meta["modules"] = order
    if coverage:
        _dump(dest / "coverage.yaml", coverage)
    _dump(dest / "ruleset.yaml", meta)
    _dump(dest / "citations.yaml", cites)
    _dump(dest / "findings.yaml", finds)
    return dest


def long_text(n: int, seed: str) -> str:
    words = (seed + " export licence technical data US content classification review").split()
    return " ".join(words[i % len(words)] for i in range(n // 7))


def assessment(ruleset, answers_file, k: int):
    """(answers file, evaluation) for the payload example made k times larger.

    Every finding, open question and trail entry is repeated k times (renamed codes and step
    ids), and every free-text answer and explanation is long (about 2,000 characters).
    """
    from compliance_app.engine.evaluation import evaluate

    ev = evaluate(ruleset, answers_file.answers)
    findings, trail, questions = [], [], []
    for c in range(k):
        sfx = "" if c == 0 else f"_C{c}"
        for f in ev.findings:
            findings.append(
                f.model_copy(
                    update={
                        "code": f.code + sfx,
                        "explanation": f.explanation + " " + long_text(1500, f.code),
                    }
                )
            )
        for t in ev.trail:
            upd = {"step_id": t.step_id + sfx.lower()}
            if (
                isinstance(t.answer, str)
                and t.answer not in ("yes", "no", "idk")
                and len(t.answer) > 20
            ):
                upd["answer_text"] = upd["answer"] = long_text(2000, t.answer)
            trail.append(t.model_copy(update=upd))
        questions += [
            q.model_copy(update={"step_id": q.step_id + sfx.lower()}) for q in ev.open_questions
        ]
    big = ev.model_copy(
        update={
            "findings": findings,
            "trail": trail,
            "open_questions": questions,
            "path": [t.step_id for t in trail],
        }
    )
    return answers_file, big
