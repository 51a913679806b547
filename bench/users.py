"""Many users: N simultaneous browser sessions on one real ``streamlit run`` server.

Each session connects over the websocket (loopback), fills the start page, then answers the
payload example (examples/payload_9a515_content.yaml) question by question, with a think
time of 1 to 3 s between clicks (real users take longer). Click time: from sending the
rerun request to the server's "script finished" message. Memory per session: (server RSS
with all N sessions open, after their walk - RSS of the warmed-up server with none) / N.

Usage: python -m bench.users [N ...] [--runner.postScriptGC false ...]
"""

from __future__ import annotations

import random
import sys
import threading
import time
from collections.abc import Sequence

import psutil

from bench.common import PAYLOAD, Session, emit, median, pct, server
from compliance_app.dossier.answers import parse
from compliance_app.rulebase.loader import cached_ruleset

THINK = (1.0, 3.0)


def walk(
    port: int,
    ruleset,
    answers,
    clicks: list[float],
    errors: list[str],
    think: tuple[float, float],
    done: threading.Barrier | None,
    rng: random.Random,
):
    s = Session(port)
    try:
        s.rerun()
        time.sleep(rng.uniform(*think))
        s.click("start", company_name=("text_input", "Bench S.A."))
        clicks.append(s.clicks[-1])
        for _ in range(len(ruleset.steps) + 1):
            step_id = s.step_id(ruleset)
            if step_id is None:
                break
            time.sleep(rng.uniform(*think))
            s.answer(ruleset, step_id, answers[step_id])
            clicks.append(s.clicks[-1])
        if "Check your answers" not in s.texts("title"):
            errors.append("walk did not reach the review page")
    except Exception as exc:  # noqa: BLE001 - reported, not hidden
        errors.append(f"{type(exc).__name__}: {exc}")
    finally:
        if done is not None:
            done.wait(600)  # keep the session open until memory is measured
        s.close()


def run(n: int, think: tuple[float, float] = THINK, extra: Sequence[str] = ()) -> dict:
    ruleset = cached_ruleset()
    answers = parse(PAYLOAD.read_bytes()).answers
    with server(extra=extra) as (proc, port, _):
        ps = psutil.Process(proc.pid)
        warm: list[float] = []
        errs: list[str] = []
        walk(port, ruleset, answers, warm, errs, (0, 0), None, random.Random(0))
        time.sleep(1.0)
        base = ps.memory_info().rss
        clicks: list[float] = []
        errors: list[str] = []
        measured = threading.Barrier(n + 1)
        threads = [
            threading.Thread(
                target=walk,
                args=(
                    port,
                    ruleset,
                    answers,
                    clicks,
                    errors,
                    think,
                    measured,
                    random.Random(i),
                ),
            )
            for i in range(n)
        ]
        t0 = time.perf_counter()
        for t in threads:
            t.start()
            time.sleep(2.0 / n)  # sessions arrive over 2 s
        while len(clicks) + len(errors) < n * (len(warm)):
            if not any(t.is_alive() for t in threads):
                break
            time.sleep(0.2)
            if time.perf_counter() - t0 > 300:
                break
        time.sleep(0.5)
        rss = ps.memory_info().rss
        measured.wait(60)
        for t in threads:
            t.join(60)
        cpu = ps.cpu_times()
    return {
        "sessions": n,
        "clicks": len(clicks),
        "errors": errors[:5] + errs[:5],
        "p50_s": median(clicks),
        "p95_s": pct(clicks, 95),
        "max_s": max(clicks),
        "base_rss_mb": base / 1e6,
        "rss_mb": rss / 1e6,
        "mb_per_session": (rss - base) / n / 1e6,
        "server_cpu_s": cpu.user + cpu.system,
        "think_s": list(think),
        "server_options": list(extra),
    }


def main(argv: list[str]) -> None:
    """``python -m bench.users [N ...] [--option value ...]``: everything from the first
    argument starting with ``--`` goes to ``streamlit run`` (``--runner.postScriptGC false``)."""
    cut = next((i for i, a in enumerate(argv) if a.startswith("--")), len(argv))
    ns, extra = [int(a) for a in argv[:cut]], argv[cut:]
    emit({"section": "users", "results": [run(n, extra=extra) for n in ns or [1, 10, 50]]})


if __name__ == "__main__":
    main(sys.argv[1:])
