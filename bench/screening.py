# ruff: noqa: E501 (the table rows are long f-strings)
"""Screening benchmark: match quality on the name pairs of :mod:`bench.screening_pairs`, and
speed with 30,000 synthetic entries.

    .venv/bin/python -m bench.screening            # print the results
    .venv/bin/python -m bench.screening --write    # and write them into docs/benchmarks.md

Quality: recall (share of positive pairs whose entry is among the hits) and false positives
(share of look-alike names that get any hit), per kind, at several thresholds; the default
threshold is the one the tool ships with. Speed: import of a 30,000-entry list in the EU XML
format (parse and store in SQLite), building the index, and one query (median and 95th
percentile of 200 queries). Results are measurements, never asserted by the tests (the tests
assert the quality figures, which do not depend on the machine).
"""

from __future__ import annotations

import datetime as dt
import json
import random
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from bench.screening_pairs import KINDS, build_pairs, fixture_lists
from compliance_app.screening.matching import DEFAULT_THRESHOLD, Index
from compliance_app.screening.parsers.detect import parse_file
from compliance_app.screening.store import ListStore

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "benchmarks.md"
BEGIN, END = "<!-- screening:begin -->", "<!-- screening:end -->"
THRESHOLDS = (75.0, 80.0, 85.0, 90.0)


def quality(threshold: float = DEFAULT_THRESHOLD, index: Index | None = None) -> dict:
    """Per kind: pairs, found (positives) or flagged (look-alikes), rate; and the misses."""
    index = index or Index(fixture_lists())
    per: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    misses: list[str] = []
    for p in build_pairs():
        _q, hits = index.search(p.query, p.country, threshold)
        found = {(m.list_id, m.entry.ref) for m in hits}
        ok = (p.expected in found) if p.expected else not found
        per[p.kind][0] += 1
        per[p.kind][1] += int(ok if p.expected else not ok)
        if not ok:
            what = (
                f"{p.expected[0]}/{p.expected[1]}"
                if p.expected
                else ", ".join(sorted(f"{a}/{b}" for a, b in found))
            )
            misses.append(f"{p.kind}: {p.query!r} -> {what}")
    pos = [k for k in KINDS if k != "look_alike"]
    n_pos = sum(per[k][0] for k in pos)
    hit = sum(per[k][1] for k in pos)
    n_neg, fp = per["look_alike"]
    return {
        "threshold": threshold,
        "pairs": n_pos + n_neg,
        "recall": hit / n_pos,
        "false_positive_rate": fp / n_neg,
        "per_kind": {k: {"pairs": per[k][0], "rate": per[k][1] / max(per[k][0], 1)} for k in KINDS},
        "misses": misses,
    }


SYL = "ka ro mi to na be la sha vi de ko ri an el on ur ya zu pe dor gan tek mash prom stroy neft lin vol gar ber tal sen chi hua wei kim park lee ali ras hid mo ham".split()
FORMS = ["LLC", "GmbH", "JSC", "Co., Ltd.", "S.A.", "Ltd", "OOO", ""]


def synthetic_eu_xml(n: int, seed: int = 7) -> bytes:
    """An EU financial sanctions XML file with ``n`` invented entries of the real shapes."""
    rnd = random.Random(seed)

    def word() -> str:
        return "".join(rnd.choice(SYL) for _ in range(rnd.randint(2, 3))).capitalize()

    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2026-11-27T10:00:00+01:00">']  # fmt: skip
    for i in range(n):
        person = rnd.random() < 0.5
        if person:
            names = [f"{word()} {word()} {word()}", f"{word()} {word()}"]
        else:
            names = [f"{word()} {word()} {rnd.choice(FORMS)}".strip(), word() + " " + word()]
        out.append(f'<sanctionEntity euReferenceNumber="EU.{i}.{i % 97}" logicalId="{i}">'
                   f'<regulation programme="RUS" publicationDate="2022-02-23"/>'
                   f'<subjectType code="{"person" if person else "enterprise"}" classificationCode="P"/>')  # fmt: skip
        for j, name in enumerate(names):
            out.append(
                f'<nameAlias wholeName="{name}" strong="{"true" if j == 0 else "true"}" nameLanguage=""/>'
            )
        out.append(
            f'<citizenship countryIso2Code="{rnd.choice(["RU", "BY", "IR", "CN", "KP"])}"/></sanctionEntity>'
        )
    out.append("</export>")
    return "\n".join(out).encode()


def speed(n: int = 30_000) -> dict:
    data = synthetic_eu_xml(n)
    with tempfile.TemporaryDirectory() as tmp:
        store = ListStore(f"sqlite:///{Path(tmp) / 'lists.sqlite3'}")
        t = time.perf_counter()
        parsed = parse_file(data)
        parse_s = time.perf_counter() - t
        store.import_list(parsed, data, "synthetic.xml")
        import_s = time.perf_counter() - t
        t = time.perf_counter()
        entries = store.entries("eu_fsf")
        load_s = time.perf_counter() - t
        t = time.perf_counter()
        index = Index([("eu_fsf", entries)])
        index_s = time.perf_counter() - t
        store.close()
    rnd = random.Random(3)
    queries = [rnd.choice(index.items).name.text for _ in range(100)]
    queries += [q[:-2] + "xq" for q in queries[:50]] + ["Acme Widgets GmbH"] * 50
    times = []
    for q in queries:
        t = time.perf_counter()
        index.search(q, "DE", DEFAULT_THRESHOLD)
        times.append(time.perf_counter() - t)
    times.sort()
    return {
        "entries": n,
        "names": len(index),
        "file_mb": round(len(data) / 1e6, 1),
        "parse_s": round(parse_s, 2),
        "import_s": round(import_s, 2),
        "load_s": round(load_s, 2),
        "index_s": round(index_s, 2),
        "query_median_ms": round(statistics.median(times) * 1000, 1),
        "query_p95_ms": round(times[int(len(times) * 0.95)] * 1000, 1),
    }


def table(results: dict) -> str:
    q = results["quality"]
    lines = [
        f"Run {results['date']} (`python -m bench.screening --write`), {q['pairs']} pairs, threshold {q['threshold']:g} (the default).",
        "",
        "| kind | pairs | recall (positives) or false-positive rate (look-alikes) |",
        "|---|---|---|",
    ]
    for k, v in q["per_kind"].items():
        label = "false positives" if k == "look_alike" else "recall"
        lines.append(f"| {k} | {v['pairs']} | {label} {100 * v['rate']:.1f} % |")
    lines.append(
        f"| **all positives** | {q['pairs'] - q['per_kind']['look_alike']['pairs']} | **recall {100 * q['recall']:.1f} %** (target ≥ 95 %) |"
    )
    lines.append(
        f"| **look-alikes** | {q['per_kind']['look_alike']['pairs']} | **false positives {100 * q['false_positive_rate']:.1f} %** (target ≤ 5 %) |"
    )
    lines += ["", "| threshold | recall | false positives |", "|---|---|---|"]
    for t in results["thresholds"]:
        lines.append(
            f"| {t['threshold']:g} | {100 * t['recall']:.1f} % | {100 * t['false_positive_rate']:.1f} % |"
        )
    s = results["speed"]
    lines += [
        "",
        f"Speed with {s['entries']:,} synthetic entries ({s['names']:,} names, EU XML of {s['file_mb']} MB):",
        "",
        "| measure | result | target |",
        "|---|---|---|",
        f"| import (parse and store in SQLite) | {s['import_s']} s (parse {s['parse_s']} s) | < 10 s |",
        f"| one query, median | {s['query_median_ms']} ms | < 50 ms |",
        f"| one query, 95th percentile | {s['query_p95_ms']} ms | < 50 ms |",
        f"| first query after an import: load entries + build the index | {s['load_s']} s + {s['index_s']} s | (once per list change) |",
        "",
        "Pairs missed at the default threshold:",
        "",
    ]
    lines += [f"- {m}" for m in q["misses"]] or ["- none"]
    return "\n".join(lines)


def main(argv: list[str]) -> int:
    index = Index(fixture_lists())
    results = {
        "date": dt.date.today().isoformat(),
        "quality": quality(DEFAULT_THRESHOLD, index),
        "thresholds": [
            {k: v for k, v in quality(t, index).items() if k != "misses"} for t in THRESHOLDS
        ],
        "speed": speed(),
    }
    text = table(results)
    print(text)
    print("BENCH-RESULT " + json.dumps({k: v for k, v in results.items() if k != "quality"}))
    if "--write" in argv:
        doc = DOC.read_text(encoding="utf-8")
        head, _, rest = doc.partition(BEGIN)
        _, _, tail = rest.partition(END)
        DOC.write_text(f"{head}{BEGIN}\n{text}\n{END}{tail}", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
