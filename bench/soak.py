"""Soak test figures: N simultaneous sessions (default 20) on one real server, each completing
an assessment and downloading its PDF; errors, cross-session leaks, click times and server RSS
(start, baseline after a warm-up session, peak and after each round).

Usage: python -m bench.soak [N] [ROUNDS]   (the same code as tests/test_soak.py)
"""

from __future__ import annotations

import datetime as dt
import sys
import time

from bench.common import emit
from testkit.soak import run


def main(argv: list[str]) -> int:
    n = int(argv[0]) if argv else 20
    rounds = int(argv[1]) if len(argv) > 1 else 3
    t = time.perf_counter()
    r = run(n, rounds=rounds, think=(0.0, 0.3))
    figures = r.figures()
    figures["total_seconds"] = round(time.perf_counter() - t, 1)
    figures["date"] = dt.date.today().isoformat()
    emit({"section": "soak", "results": figures})
    for e in (r.errors + r.leaks)[:10]:
        print(e, file=sys.stderr)
    return 1 if r.errors or r.leaks else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
