"""Rule base: time to load and fully validate (YAML, models, whole-base checks) the shipped
rule base and synthetic ones 10 and 100 times larger; and whether the app loads it once per
process (``cached_ruleset``) rather than on every click.

Usage: python -m bench.rulebase [k ...]   (default 1 10; add 100 for the x100 base)
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

from bench import synth
from bench.common import APP, ROOT, emit, median, private_drafts, timed
from compliance_app.rulebase.loader import load_ruleset

REPS = {1: 7, 10: 3, 100: 1}


@contextlib.contextmanager
def pure_python_yaml():
    """For comparison: read the rule files with PyYAML's pure-Python parser only (what the
    loader did before it used libyaml, and still does to word the message of a file libyaml
    refuses)."""
    from compliance_app.rulebase import yamlsource

    orig = yamlsource._FastLoader
    yamlsource._FastLoader = None
    try:
        yield
    finally:
        yamlsource._FastLoader = orig


def same_sources() -> bool:
    """Every YAML file of the repository reads to identical data, locations and errors with
    libyaml and with the pure-Python parser."""
    from compliance_app.rulebase import yamlsource

    files = sorted(ROOT.glob("rules/**/*.yaml")) + sorted(ROOT.glob("tests/**/*.yaml"))
    fast = [vars(yamlsource.read_yaml(f)) for f in files]
    with pure_python_yaml():
        slow = [vars(yamlsource.read_yaml(f)) for f in files]
    return fast == slow


def app_uses_cache() -> dict:
    import compliance_app.rulebase.loader as loader

    private_drafts()

    text = "".join(
        p.read_text("utf-8") for p in [APP, *sorted((ROOT / "compliance_app" / "ui").glob("*.py"))]
    )
    calls = {"n": 0}
    orig = loader.load_ruleset

    def counting(*a, **kw):
        calls["n"] += 1
        return orig(*a, **kw)

    loader.load_ruleset = counting
    try:
        from bench.clicks import _patch_apptest

        _patch_apptest()
        from streamlit.testing.v1 import AppTest

        loader.cached_ruleset.cache_clear()
        at = AppTest.from_file(str(APP), default_timeout=60)
        for _ in range(5):
            at.run()
    finally:
        loader.load_ruleset = orig
    return {"app_calls_cached_ruleset": "cached_ruleset(" in text, "loads_in_5_runs": calls["n"]}


PURE_UP_TO = 10
"""Largest size factor also timed with the pure-Python YAML parser (x100 would take minutes)."""


def run(ks: list[int]) -> dict:
    out = []
    with tempfile.TemporaryDirectory(prefix="bench-rules-") as tmp:
        for k in ks:
            d = synth.rule_base(k, Path(tmp) / f"x{k}")
            rs = load_ruleset(d)  # also checks that the synthetic base is valid
            times = timed(lambda d=d: load_ruleset(d), REPS.get(k, 3))
            pure = None
            if k <= PURE_UP_TO:
                with pure_python_yaml():
                    pure = median(timed(lambda d=d: load_ruleset(d), REPS.get(k, 3)))
            size = sum(p.stat().st_size for p in d.rglob("*.yaml"))
            out.append(
                {
                    "k": k,
                    "yaml_mb": size / 1e6,
                    "pure_yaml_median_s": pure,
                    "steps": len(rs.steps),
                    "rules": len(rs.rules),
                    "findings": len(rs.findings),
                    "citations": len(rs.citations),
                    "median_s": median(times),
                    "reps": len(times),
                }
            )
    return {"results": out, "libyaml_same_result": same_sources(), **app_uses_cache()}


if __name__ == "__main__":
    emit({"section": "rulebase", **run([int(a) for a in sys.argv[1:]] or [1, 10])})
