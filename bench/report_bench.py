"""Report: time and peak memory to write the PDF, for the three examples and for synthetic
assessments 10 and 100 times larger (the payload example with every finding, open question and
trail entry repeated, long texts). Time: median of repeated builds, after one warm-up build
per process (fonts). Peak memory: tracemalloc peak of one separate build (tracemalloc slows a
build about 10 times, so it is not timed); for x100 (about 1,100 pages, where that build alone
would take minutes) the growth of the process's peak RSS during its timed build instead.

Usage: python -m bench.report_bench [k ...]   (default 1 10; add 100 for the x100 case)
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc

from bench import synth
from bench.common import EXAMPLES, PAYLOAD, emit, median
from compliance_app.dossier.answers import parse
from compliance_app.engine.evaluation import evaluate
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.loader import cached_ruleset

REPS = {1: 7, 10: 3, 100: 1}
TRACE_UP_TO = 10
"""Largest size factor whose peak memory is measured with tracemalloc."""


def _maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3  # kB on Linux


def measure(name: str, meta, af, ev, reps: int, trace: bool = True) -> dict:
    times = []
    rss_before = _maxrss_mb()
    for _ in range(reps):
        t = time.perf_counter()
        pdf = build_pdf(meta, af, ev)
        times.append(time.perf_counter() - t)
    if trace:
        tracemalloc.start()
        build_pdf(meta, af, ev)
        _cur, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        peak_mb, how = peak / 1e6, "tracemalloc"
    else:
        peak_mb, how = _maxrss_mb() - rss_before, "rss growth"
    return {
        "name": name,
        "findings": len(ev.findings),
        "trail": len(ev.trail),
        "pdf_kb": len(pdf) / 1e3,
        "pages": pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page"),
        "median_s": median(times),
        "peak_mb": peak_mb,
        "peak_how": how,
        "reps": reps,
    }


def run(ks: list[int]) -> dict:
    rs = cached_ruleset()
    out = []
    cases = [(p.name, parse(p.read_bytes())) for p in EXAMPLES]
    build_pdf(rs.meta, cases[0][1], evaluate(rs, cases[0][1].answers))  # warm-up (fonts)
    for name, af in cases:
        out.append(measure(name, rs.meta, af, evaluate(rs, af.answers), 7))
    base = parse(PAYLOAD.read_bytes())
    for k in sorted(ks):  # largest last: the RSS growth of x100 is then its own
        af, ev = synth.assessment(rs, base, k)
        out.append(
            measure(f"synthetic x{k}", rs.meta, af, ev, REPS.get(k, 3), trace=k <= TRACE_UP_TO)
        )
    return {"results": out}


if __name__ == "__main__":
    emit({"section": "report", **run([int(a) for a in sys.argv[1:]] or [1, 10])})
