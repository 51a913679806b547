"""Soak: many simultaneous sessions on one real server, each completing an assessment and
downloading its PDF and answers file; no error, no session sees another's data, and the
server's memory comes back to its baseline once the sessions are gone.

The sessions speak Streamlit's websocket protocol (:mod:`testkit.wsclient`), the way a browser
does, from threads of this process; every connection is to 127.0.0.1. The server is started
with ``--server.disconnectedSessionTTL`` short, so closed sessions are cleaned up within
seconds instead of Streamlit's default 2 minutes.

Figures: ``python -m bench.soak`` (writes nothing; paste into docs/benchmarks.md).
"""

from __future__ import annotations

import gc
import io
import random
import re
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from pypdf import PdfReader

from compliance_app.dossier.answers import parse
from compliance_app.rulebase.loader import cached_ruleset
from testkit.server import ROOT, run_app
from testkit.wsclient import Session

PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"
PDF_LABEL = "Download the report (PDF)"
SAVE_LABEL = "Save progress (download answers file)"
TTL_S = 2


def canonical(ruleset, answers: dict) -> dict:  # noqa: ANN001
    """Answers with the entries of the deal's lists in their checked form (the fields a form
    fills by default written out), so that typed-in and migrated lists compare equal."""
    from compliance_app.engine.values import normalize
    from compliance_app.rulebase.models import LIST_TYPES

    return {
        k: normalize(ruleset.steps[k], v)
        if k in ruleset.steps and ruleset.steps[k].type in LIST_TYPES
        else v
        for k, v in answers.items()
    }


def company_name(i: int) -> str:
    return f"Soak Company {i:03d} S.A."


def pdf_text(data: bytes) -> str:
    return re.sub(
        r"\s+", " ", " ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    )


@dataclass
class Result:
    sessions: int
    rounds: int
    errors: list[str] = field(default_factory=list)
    leaks: list[str] = field(default_factory=list)
    walks: int = 0
    clicks: list[float] = field(default_factory=list)
    rss_start_mb: float = 0.0
    rss_baseline_mb: float = 0.0
    rss_peak_mb: list[float] = field(default_factory=list)
    rss_after_mb: list[float] = field(default_factory=list)
    seconds: list[float] = field(default_factory=list)

    def figures(self) -> dict:
        c = sorted(self.clicks)
        return {
            "sessions": self.sessions,
            "rounds": self.rounds,
            "walks": self.walks,
            "errors": len(self.errors),
            "cross_session_leaks": len(self.leaks),
            "clicks": len(c),
            "click_p50_ms": round(1000 * c[len(c) // 2], 1) if c else None,
            "click_p95_ms": round(1000 * c[int(len(c) * 0.95) - 1], 1) if c else None,
            "click_max_ms": round(1000 * c[-1], 1) if c else None,
            "rss_start_mb": round(self.rss_start_mb, 1),
            "rss_baseline_mb": round(self.rss_baseline_mb, 1),
            "rss_peak_mb": [round(x, 1) for x in self.rss_peak_mb],
            "rss_after_mb": [round(x, 1) for x in self.rss_after_mb],
            "round_seconds": [round(x, 1) for x in self.seconds],
        }


def one_session(port, ruleset, answers, i, n, think, out: Result, lock, barrier) -> None:
    name = company_name(i)
    rng = random.Random(i)
    s = None
    try:
        s = Session(port)
        barrier.wait(60)  # all sessions are open before the first click
        got = s.walk(ruleset, answers, name, think=lambda: time.sleep(rng.uniform(*think)))
        pdf, saved = got[PDF_LABEL], got[SAVE_LABEL]
        text = pdf_text(pdf)
        af = parse(saved)
        problems = []
        if name not in text:
            problems.append(f"{name}: own name missing from its PDF")
        if af.company.name != name or canonical(ruleset, af.answers) != canonical(ruleset, answers):
            problems.append(f"{name}: answers file holds {af.company.name!r}")
        others = [company_name(j) for j in range(n) if j != i]
        seen = [o for o in others if o in text or o.encode() in saved]
        review = " ".join(str(e.value) for e in s.tree.get("text"))
        seen += [o for o in others if o in review]
        with lock:
            out.walks += 1
            out.clicks.extend(s.clicks)
            out.errors.extend(problems)
            if seen:
                out.leaks.append(f"{name} saw {sorted(set(seen))}")
    except Exception as exc:  # noqa: BLE001 - every failure is reported
        with lock:
            out.errors.append(f"{name}: {type(exc).__name__}: {exc}")
    finally:
        if s is not None:
            s.close()


def settle_rss(app, seconds: float) -> float:
    """RSS once the closed sessions are gone: Streamlit keeps a closed session for
    ``disconnectedSessionTTL`` seconds in a cache that drops expired entries only on its next
    write (the next disconnect), so after the TTL one short visit (open, draw the start page,
    close) lets the server drop them, as any later visitor would."""
    time.sleep(seconds)
    s = Session(app.port)
    try:
        s.rerun()
    finally:
        s.close()
    time.sleep(2.0)
    return app.rss_mb()


def run(n: int = 20, rounds: int = 2, think: tuple[float, float] = (0.0, 0.3)) -> Result:
    ruleset = cached_ruleset()
    answers = dict(parse(PAYLOAD.read_bytes()).answers)
    out = Result(sessions=n, rounds=rounds)
    lock = threading.Lock()
    with (
        tempfile.TemporaryDirectory(prefix="soak-") as tmp,
        run_app(Path(tmp), extra_args=["--server.disconnectedSessionTTL", str(TTL_S)]) as app,
    ):
        out.rss_start_mb = app.rss_mb()
        # warm-up: one session loads the rule base, fonts and every page once
        warm = Result(sessions=1, rounds=1)
        one_session(app.port, ruleset, answers, 999, 1, (0, 0), warm, lock, threading.Barrier(1))
        out.errors.extend(warm.errors)
        out.rss_baseline_mb = settle_rss(app, TTL_S + 4)
        for _ in range(rounds):
            peak = [app.rss_mb()]
            stop = threading.Event()

            def sample(peak=peak, stop=stop):
                while not stop.is_set():
                    peak.append(app.rss_mb())
                    time.sleep(0.1)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            barrier = threading.Barrier(n)
            threads = [
                threading.Thread(
                    target=one_session,
                    args=(app.port, ruleset, answers, i, n, think, out, lock, barrier),
                )
                for i in range(n)
            ]
            t0 = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join(600)
            out.seconds.append(time.perf_counter() - t0)
            stop.set()
            sampler.join()
            out.rss_peak_mb.append(max(peak))
            gc.collect()
            out.rss_after_mb.append(settle_rss(app, TTL_S + 4))
        if app.proc.poll() is not None:
            out.errors.append(f"server exited with {app.proc.returncode}")
        log = app.log_text()
        if "Traceback" in log or "Error" in log:
            out.errors.append("server log shows an error:\n" + log[-2000:])
    return out
