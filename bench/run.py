# ruff: noqa: E501 (the table rows are long f-strings)
"""Run every benchmark section and write the results table into docs/benchmarks.md.

    .venv/bin/python -m bench            # everything but x100 (about 6 minutes)
    .venv/bin/python -m bench --x100     # also the x100 report and rule base (about 1.5 min more)
    .venv/bin/python -m bench --quick    # fewer repetitions, 1 and 10 sessions (about 3 minutes)

Each section runs in its own process (python -m bench.<section>) so that memory and caches
of one do not bleed into another. The generated part of docs/benchmarks.md lies between the
``bench:begin`` and ``bench:end`` markers; the text around it is kept.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import subprocess
import sys
import time

from bench.common import ROOT

DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
LIMITS = {"click_ratio": 1.5, "report_s": 0.5, "load_s": 0.3, "p95_s": 0.3, "mb_session": 5.0}


def section(mod: str, *args: str) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    env.pop("COMPLIANCE_RULES_DIR", None)
    t = time.perf_counter()
    proc = subprocess.run(  # noqa: S603
        [sys.executable, "-m", f"bench.{mod}", *args],
        cwd=ROOT, env=env, capture_output=True, text=True, timeout=900, check=False,
    )  # fmt: skip
    lines = [x for x in proc.stdout.splitlines() if x.startswith("BENCH-RESULT ")]
    if proc.returncode or not lines:
        sys.stderr.write(proc.stdout[-3000:] + proc.stderr[-3000:])
        raise SystemExit(f"bench.{mod} failed (exit {proc.returncode})")
    print(f"  bench.{mod}: {time.perf_counter() - t:.0f} s", flush=True)
    return json.loads(lines[-1][len("BENCH-RESULT ") :])


def ok(flag: bool) -> str:
    return "met" if flag else "**missed**"


def ms(s: float) -> str:
    return f"{s * 1000:.1f} ms"


def commit() -> str:
    """The commit measured, with "+ local changes" when the work tree differs from it."""

    def git(*args: str) -> str:
        proc = subprocess.run(  # noqa: S603
            ["git", *args],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,  # noqa: S607
        )
        return proc.stdout.strip()

    head = git("rev-parse", "--short", "HEAD") or "unknown"
    dirty = git("status", "--porcelain", "--untracked-files=no", "--", "compliance_app",
                "streamlit_app.py", "rules", "bench")  # fmt: skip
    return head + (" + local changes" if dirty else "")


def load() -> str:
    """The machine's load average (1, 5, 15 minutes), as ``uptime`` shows it."""
    return ", ".join(f"{x:.2f}" for x in os.getloadavg())


def table(r: dict, command: str, took: float, measured: str = "", loads: str = "") -> str:
    c, st, rb, rep, us = r["clicks"], r["startup"], r["rulebase"], r["report"], r["users"]
    shipped = rb["results"][0]
    examples = [x for x in rep["results"] if not x["name"].startswith("synthetic")]
    synth = [x for x in rep["results"] if x["name"].startswith("synthetic")]
    by_k = {int(x["name"].split("x")[1]): x for x in synth}
    linear = (
        all(by_k[k]["median_s"] / by_k[1]["median_s"] <= k * 1.2 for k in by_k if k > 1)
        if 1 in by_k
        else None
    )
    rb_k = {x["k"]: x["median_s"] for x in rb["results"]}
    rb_linear = all(rb_k[k] / rb_k[1] <= k * 1.2 for k in rb_k if k > 1) if 1 in rb_k else None
    rb_growth = ", ".join(f"x{k}: {rb_k[k] / rb_k[1]:.1f}x the time" for k in sorted(rb_k) if k > 1)
    u50 = next((u for u in us["results"] if u["sessions"] == 50), us["results"][-1])
    worst_mb = max(u["mb_per_session"] for u in us["results"])
    out = [
        f"Run on {dt.date.today().isoformat()} with `{command}` ({took / 60:.1f} min), "
        f"commit {measured or commit()}, "
        f"Python {platform.python_version()}, {os.cpu_count()} cores, shared machine"
        + (f" (load average {loads})" if loads else "")
        + ". Medians over repeated runs; ratios from the same run.",
        "",
        "### Targets",
        "",
        "| what | measured | limit | target |",
        "|---|---|---|---|",
        f"| per click, our app / empty page (`AppTest.run`, paired clicks) | {c['ratio_run_paired']:.2f}x "
        f"({ms(c['ours_run_s'])} / {ms(c['empty_run_s'])}) | 1.5x | {ok(c['ratio_run_paired'] <= 1.5)} |",
        f"| per click, script run only, our app / empty page | {c['ratio_script']:.1f}x "
        f"({ms(c['ours_script_s'])} / {ms(c['empty_script_s'])}) | (1.5x) | {ok(c['ratio_script'] <= 1.5)} |",
        f"| per click, our app / same-elements page (`AppTest.run`, paired clicks) | {c['same_ratio_run_paired']:.2f}x "
        f"({ms(c['ours_run_s'])} / {ms(c['same_run_s'])}) | 1.2x | {ok(c['same_ratio_run_paired'] <= 1.2)} |",
    ]
    for x in examples:
        out.append(
            f"| report PDF, {x['name']} | {x['median_s']:.3f} s | 0.5 s | {ok(x['median_s'] < 0.5)} |"
        )
    if linear is not None:
        growth = ", ".join(
            f"x{k}: {by_k[k]['median_s'] / by_k[1]['median_s']:.1f}x the time"
            for k in sorted(by_k)
            if k > 1
        )
        out.append(f"| report growth with size | {growth} | linear | {ok(linear)} |")
    out += [
        f"| rule base load + validate (shipped) | {shipped['median_s']:.3f} s | 0.3 s | {ok(shipped['median_s'] < 0.3)} |",
        f"| rule base growth with size | {rb_growth} | linear | {ok(rb_linear)} |",
        f"| rule base loaded once per process | app calls `cached_ruleset`: {rb['app_calls_cached_ruleset']}; "
        f"loads in 5 reruns: {rb['loads_in_5_runs']} | 1 | {ok(rb['loads_in_5_runs'] == 1)} |",
        f"| {u50['sessions']} sessions, p95 click | {ms(u50['p95_s'])} | 300 ms | {ok(u50['p95_s'] < 0.3)} |",
        f"| memory per session (worst of 1/10/50) | {worst_mb:.2f} MB | 5 MB | {ok(worst_mb < 5)} |",
        "",
        "### Per click (in-process, `AppTest`, real rule base, payload example walked "
        f"{c['clicks'] // 22 if c['clicks'] >= 22 else 1} times, {c['clicks']} clicks each app, interleaved)",
        "",
        "| | our app | same-elements page | ratio | empty page | ratio |",
        "|---|---|---|---|---|---|",
        f"| `AppTest.run()` | {ms(c['ours_run_s'])} | {ms(c['same_run_s'])} | {c['same_ratio_run']:.2f}x (paired {c['same_ratio_run_paired']:.2f}x) "
        f"| {ms(c['empty_run_s'])} | {c['ratio_run']:.2f}x (paired {c['ratio_run_paired']:.2f}x) |",
        f"| script run (callbacks + script) | {ms(c['ours_script_s'])} | {ms(c['same_script_s'])} | {c['same_ratio_script']:.2f}x (paired {c['same_ratio_script_paired']:.2f}x) "
        f"| {ms(c['empty_script_s'])} | {c['ratio_script']:.1f}x |",
        f"| script run without the draft save ({ms(c['ours_save_s'])}) | {ms(c['ours_script_no_save_s'])} | {ms(c['same_script_s'])} "
        f"| paired {c['same_ratio_script_no_save_paired']:.2f}x | | |",
        "",
        "### Report (PDF)",
        "",
        "| assessment | findings | trail | pages | PDF | time | per page | peak memory |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for x in rep["results"]:
        how = "" if x.get("peak_how", "tracemalloc") == "tracemalloc" else f" ({x['peak_how']})"
        out.append(
            f"| {x['name']} | {x['findings']} | {x['trail']} | {x['pages']} | {x['pdf_kb']:.0f} kB | "
            f"{x['median_s']:.3f} s | {x['median_s'] / x['pages'] * 1000:.1f} ms | {x['peak_mb']:.1f} MB{how} |"
        )
    out += [
        "",
        "### Rule base (load + full validation)",
        "",
        "| rule base | YAML | steps | rules | findings | citations | time | x the shipped | pure-Python YAML parser (before f31425c) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for x in rb["results"]:
        pure = "-" if x.get("pure_yaml_median_s") is None else f"{x['pure_yaml_median_s']:.3f} s"
        out.append(
            f"| x{x['k']} | {x['yaml_mb']:.2f} MB | {x['steps']} | {x['rules']} | {x['findings']} | "
            f"{x['citations']} | {x['median_s']:.3f} s | {x['median_s'] / shipped['median_s']:.1f}x | {pure} |"
        )
    out += [
        "",
        f"libyaml and the pure-Python parser give identical data, locations and errors on every "
        f"YAML file of the repository: {rb['libyaml_same_result']}.",
        "",
        "### Start",
        "",
        "| health endpoint answers | `GET /` served | first page drawn (first session, rule base loaded) |",
        "|---|---|---|",
        f"| {st['health_s']:.2f} s | {st['get_s']:.2f} s | {st['first_page_s']:.2f} s |",
        "",
        "### Many users (real `streamlit run` server on 127.0.0.1, websocket sessions, think time "
        f"{us['results'][0]['think_s'][0]:.0f}-{us['results'][0]['think_s'][1]:.0f} s)",
        "",
        "| sessions | clicks | p50 | p95 | max | server RSS idle -> loaded | per session | errors |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for u in us["results"]:
        out.append(
            f"| {u['sessions']} | {u['clicks']} | {ms(u['p50_s'])} | {ms(u['p95_s'])} | {ms(u['max_s'])} | "
            f"{u['base_rss_mb']:.0f} -> {u['rss_mb']:.0f} MB | {u['mb_per_session']:.2f} MB | {len(u['errors'])} |"
        )
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    quick = "--quick" in argv
    x100 = "--x100" in argv
    command = " ".join(
        [".venv/bin/python -m bench", *(a for a in argv if a in ("--quick", "--x100"))]
    )
    measured = commit()
    load_start = load()
    t0 = time.perf_counter()
    print("Running benchmarks (results go to docs/benchmarks.md) ...", flush=True)
    ks = ["1", "10", "100"] if x100 else ["1", "10"]
    r = {
        "clicks": section("clicks", "2" if quick else "6"),
        "report": section("report_bench", *ks),
        "rulebase": section("rulebase", *ks),
        "startup": section("startup", "2" if quick else "5"),
        "users": section("users", *(["1", "10"] if quick else ["1", "10", "50"])),
    }
    took = time.perf_counter() - t0
    loads = f"{load_start} at the start, {load()} at the end"
    text = table(r, command, took, measured, loads)
    doc = DOC.read_text("utf-8") if DOC.exists() else f"# Benchmarks\n\n{BEGIN}\n{END}\n"
    if BEGIN not in doc:
        doc += f"\n{BEGIN}\n{END}\n"
    head, rest = doc.split(BEGIN, 1)
    tail = rest.split(END, 1)[1] if END in rest else ""
    DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", "utf-8")
    (ROOT / "out").mkdir(exist_ok=True)
    (ROOT / "out" / "bench-results.json").write_text(json.dumps(r, indent=1), "utf-8")
    print(text)
    return 0
