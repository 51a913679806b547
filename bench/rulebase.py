"""Rule base: time to load and fully validate (YAML, models, whole-base checks) the shipped
rule base and synthetic ones 10 and 100 times larger; and whether the app loads it once per
process (``cached_ruleset``) rather than on every click.

Usage: python -m bench.rulebase [k ...]
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

import yaml

from bench import synth
from bench.common import APP, ROOT, emit, median, timed
from compliance_app.loader import load_ruleset

REPS = {1: 7, 10: 3, 100: 1}


@contextlib.contextmanager
def libyaml():
    """The proposed fix, applied for the measurement only: compose with libyaml's C parser.

    ``compliance_app/yamlsource.py`` is not a file this bench may change; see
    docs/benchmarks.md for the one-line patch. The composed nodes carry the same tags, values
    and line/column marks (checked by ``same_sources``).
    """
    from compliance_app import yamlsource

    orig = yamlsource._Loader

    class _CLoader(yaml.CSafeLoader):
        pass

    yamlsource._Loader = _CLoader
    try:
        yield
    finally:
        yamlsource._Loader = orig


def same_sources() -> bool:
    """Every YAML file of the repository reads to identical data, locations and errors."""
    from compliance_app import yamlsource

    files = sorted(ROOT.glob("rules/**/*.yaml")) + sorted(ROOT.glob("tests/**/*.yaml"))
    before = [vars(yamlsource.read_yaml(f)) for f in files]
    with libyaml():
        after = [vars(yamlsource.read_yaml(f)) for f in files]
    return before == after


def app_uses_cache() -> dict:
    import compliance_app.loader as loader

    text = APP.read_text("utf-8")
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


def run(ks: list[int]) -> dict:
    out = []
    with tempfile.TemporaryDirectory(prefix="bench-rules-") as tmp:
        for k in ks:
            d = synth.rule_base(k, Path(tmp) / f"x{k}")
            with libyaml():  # the first load also checks that the synthetic base is valid
                rs = load_ruleset(d)
                fast = timed(lambda d=d: load_ruleset(d), REPS.get(k, 3))
            times = timed(lambda d=d: load_ruleset(d), REPS.get(k, 3))
            size = sum(p.stat().st_size for p in d.rglob("*.yaml"))
            out.append(
                {
                    "k": k,
                    "yaml_mb": size / 1e6,
                    "libyaml_median_s": median(fast),
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
    emit({"section": "rulebase", **run([int(a) for a in sys.argv[1:]] or [1, 10, 100])})
