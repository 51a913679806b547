"""Report: time and peak memory to write the PDF, for the three examples and for synthetic
assessments 10 and 100 times larger (the payload example with every finding, open question and
trail entry repeated, long texts). Time: median of repeated builds. Peak memory: tracemalloc
peak of one separate build (tracemalloc slows the build, so it is not timed).
"""

from __future__ import annotations

import sys
import tracemalloc

from bench import synth
from bench.common import EXAMPLES, PAYLOAD, emit, median, timed
from compliance_app.answers import parse
from compliance_app.engine import evaluate
from compliance_app.loader import cached_ruleset
from compliance_app.report import build_pdf

REPS = {1: 7, 10: 3, 100: 1}


def measure(name: str, meta, af, ev, reps: int) -> dict:
    pdf = build_pdf(meta, af, ev)  # warm-up (fonts)
    times = timed(lambda: build_pdf(meta, af, ev), reps)
    tracemalloc.start()
    build_pdf(meta, af, ev)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "name": name,
        "findings": len(ev.findings),
        "trail": len(ev.trail),
        "pdf_kb": len(pdf) / 1e3,
        "pages": pdf.count(b"/Type /Page\n") or pdf.count(b"/Type /Page"),
        "median_s": median(times),
        "peak_mb": peak / 1e6,
        "reps": reps,
    }


def run(ks: list[int]) -> dict:
    rs = cached_ruleset()
    out = []
    for path in EXAMPLES:
        af = parse(path.read_bytes())
        out.append(measure(path.name, rs.meta, af, evaluate(rs, af.answers), 7))
    base = parse(PAYLOAD.read_bytes())
    for k in ks:
        af, ev = synth.assessment(rs, base, k)
        out.append(measure(f"synthetic x{k}", rs.meta, af, ev, REPS.get(k, 3)))
    return {"results": out}


if __name__ == "__main__":
    emit({"section": "report", **run([int(a) for a in sys.argv[1:]] or [1, 10, 100])})
