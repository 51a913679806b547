"""Start: from launching ``streamlit run`` to the first page served.

Three moments, medians over repeated launches: the health endpoint answers; ``GET /`` returns
the page; the first session's script run (which loads and validates the rule base) has drawn
the start page (the first thing the user sees).
"""

from __future__ import annotations

import sys
import time

import requests

from bench.common import HOST, Session, emit, median, server


def once() -> dict[str, float]:
    t0 = time.perf_counter()
    with server() as (_proc, port, health):
        r = requests.get(f"http://{HOST}:{port}/", timeout=30)
        r.raise_for_status()
        page = time.perf_counter() - t0
        s = Session(port)
        tree = s.rerun()
        drawn = time.perf_counter() - t0
        s.close()
        if not tree.title:
            raise RuntimeError("the start page has no title")
    return {"health_s": health, "get_s": page, "first_page_s": drawn}


def run(reps: int = 5) -> dict:
    runs = [once() for _ in range(reps)]
    return {k: median([r[k] for r in runs]) for k in runs[0]} | {"reps": reps}


if __name__ == "__main__":
    emit({"section": "startup", **run(int(sys.argv[1]) if len(sys.argv) > 1 else 5)})
