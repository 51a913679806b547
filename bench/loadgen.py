"""Load generator of the capacity benchmark: N simulated users on one URL (127.0.0.1 only),
run as a process of its own (``bench.capacity`` starts it), so the clients' work is not in
the app processes.

Each user speaks Streamlit's websocket protocol (:class:`testkit.wsclient.Session`, what a
browser sends): opens the start page, thinks, presses Start with a company name, then answers
the payload example question by question with a think time drawn uniformly from THINK
seconds before every click; at the review page it leaves and a new user takes its place
(new connection, new session). Users arrive evenly over the ramp. A click is timed from
sending the rerun request to the server's ``script_finished``; only clicks sent inside the
measurement window (after the ramp) count.

Usage: python -m bench.loadgen PORT SESSIONS --think 5 20 --ramp 60 --window 180
Prints one ``BENCH-RESULT {json}`` line: click times, errors, users started and finished.
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import threading
import time

from bench.common import PAYLOAD, emit, median, pct
from compliance_app.dossier.answers import parse
from compliance_app.rulebase.loader import cached_ruleset
from testkit.wsclient import LightSession as Session

MAX_SESSIONS = 2000


class Load:
    def __init__(
        self, port: int, think: tuple[float, float], start: float, window: tuple[float, float]
    ) -> None:
        self.port = port
        self.think = think
        self.t0 = start
        self.window = window
        self.ruleset = cached_ruleset()
        self.answers = dict(parse(PAYLOAD.read_bytes()).answers)
        self.lock = threading.Lock()
        self.clicks: list[float] = []
        self.errors: list[str] = []
        self.started = 0
        self.finished = 0
        self.stop = threading.Event()

    def in_window(self, sent: float) -> bool:
        return self.window[0] <= sent - self.t0 < self.window[1]

    def click(self, s: Session, fn) -> None:
        sent = time.monotonic()
        fn()
        if self.in_window(sent):
            with self.lock:
                self.clicks.append(s.clicks[-1])

    def user(self, rng: random.Random) -> None:
        """Walks assessments one after the other until the end of the window."""
        while not self.stop.is_set():
            s = None
            try:
                s = Session(self.port, timeout=120)
                with self.lock:
                    self.started += 1
                s.rerun()
                if self.stop.wait(rng.uniform(*self.think)):
                    return
                self.click(s, lambda: s.click("start", company_name=("text_input", "Load S.A.")))  # noqa: B023
                for _ in range(len(self.ruleset.steps) + 1):
                    step_id = s.step_id(self.ruleset)
                    if step_id is None:
                        break
                    if self.stop.wait(rng.uniform(*self.think)):
                        return
                    value = self.answers[step_id]
                    self.click(s, lambda: s.answer(self.ruleset, step_id, value))  # noqa: B023
                if "Check your answers" not in s.texts("title"):
                    raise RuntimeError(f"walk ended on {s.texts('title')} {s.texts('header')}")
                with self.lock:
                    self.finished += 1
            except Exception as exc:  # noqa: BLE001 - counted and reported
                if not self.stop.is_set():
                    with self.lock:
                        self.errors.append(f"{type(exc).__name__}: {exc}"[:300])
                    self.stop.wait(1.0)
            finally:
                if s is not None:
                    try:
                        s.close()
                    except Exception:  # noqa: BLE001, S110 - the server may be gone
                        pass


def run(port: int, sessions: int, think: tuple[float, float], ramp: float, window: float) -> dict:
    if not 0 < sessions <= MAX_SESSIONS:
        raise SystemExit(f"sessions must be 1..{MAX_SESSIONS}")
    t0 = time.monotonic()
    load = Load(port, think, t0, (ramp, ramp + window))
    threads = []
    for i in range(sessions):
        t = threading.Thread(target=load.user, args=(random.Random(i),), daemon=True)
        threads.append(t)
        # users arrive evenly over the ramp
        delay = t0 + ramp * i / sessions - time.monotonic()
        if delay > 0:
            time.sleep(delay)
        t.start()
    end = t0 + ramp + window
    while time.monotonic() < end:
        time.sleep(0.5)
    load.stop.set()
    for t in threads:
        t.join(30)
    c = load.clicks
    return {
        "sessions": sessions,
        "think_s": list(think),
        "ramp_s": ramp,
        "window_s": window,
        "clicks": len(c),
        "clicks_per_s": len(c) / window,
        "p50_s": median(c) if c else None,
        "p95_s": pct(c, 95) if c else None,
        "p99_s": pct(c, 99) if c else None,
        "max_s": max(c) if c else None,
        "users_started": load.started,
        "walks_finished": load.finished,
        "errors": len(load.errors),
        "error_samples": load.errors[:5],
        "client_cpu_s": round(sum(resource.getrusage(resource.RUSAGE_SELF)[:2]), 1),
    }


def main(argv: list[str]) -> None:
    p = argparse.ArgumentParser(prog="python -m bench.loadgen")
    p.add_argument("port", type=int)
    p.add_argument("sessions", type=int)
    p.add_argument("--think", type=float, nargs=2, default=(5.0, 20.0))
    p.add_argument("--ramp", type=float, default=60.0)
    p.add_argument("--window", type=float, default=180.0)
    a = p.parse_args(argv)
    emit({"section": "loadgen", **run(a.port, a.sessions, tuple(a.think), a.ramp, a.window)})


if __name__ == "__main__":
    main(sys.argv[1:])
