"""Helpers shared by the benchmark sections: statistics, a local Streamlit server and a client."""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from testkit.server import HOST, run_app
from testkit.wsclient import Session

__all__ = ["HOST", "Session", "server"]

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "streamlit_app.py"
EMPTY_APP = ROOT / "bench" / "empty_app.py"
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"


def median(xs: list[float]) -> float:
    return statistics.median(xs)


def pct(xs: list[float], p: float) -> float:
    """Percentile ``p`` (0-100), nearest-rank on the sorted values."""
    s = sorted(xs)
    k = max(0, min(len(s) - 1, round(p / 100 * len(s) + 0.5) - 1))
    return s[k]


def timed(fn: Callable[[], object], reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def emit(data: dict) -> None:
    """A section prints its result as one JSON line on stdout (read by ``bench.run``)."""
    print("BENCH-RESULT " + json.dumps(data), flush=True)


def private_drafts() -> None:
    """In-process app runs save drafts to a new temporary SQLite database, never the user's."""
    os.environ.pop("COMPLIANCE_DB_URL", None)
    os.environ["COMPLIANCE_DATA_DIR"] = tempfile.mkdtemp(prefix="bench-drafts-")


@contextlib.contextmanager
def server(
    timeout: float = 60.0, extra: Sequence[str] = ()
) -> Iterator[tuple[subprocess.Popen, int, float]]:
    """Start the app (:func:`testkit.server.run_app`, real rule base, private draft database)
    on a free loopback port; ``extra``: more options, e.g. ``--runner.postScriptGC false``.

    Yields (process, port, seconds until the health endpoint answers).
    """
    t0 = time.perf_counter()
    with run_app(Path(tempfile.mkdtemp(prefix="bench-app-")), extra_args=list(extra),
                 timeout=timeout) as app:  # fmt: skip
        yield app.proc, app.port, time.perf_counter() - t0
