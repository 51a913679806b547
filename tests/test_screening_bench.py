"""The screening quality benchmark (bench/screening.py) meets its targets: at least 300 name
pairs; recall at least 95 % and false positives at most 5 % at the default threshold. The
speed benchmark is run small here to check that it works; its times are never asserted."""

from __future__ import annotations

from collections import Counter

from bench.screening import quality, speed, table
from bench.screening_pairs import KINDS, build_pairs
from compliance_app.screening.matching import DEFAULT_THRESHOLD


def test_at_least_300_pairs_of_every_kind():
    pairs = build_pairs()
    counts = Counter(p.kind for p in pairs)
    assert len(pairs) >= 300
    assert set(counts) == set(KINDS) and min(counts.values()) >= 40, counts


def test_recall_and_false_positives_meet_the_targets():
    q = quality(DEFAULT_THRESHOLD)
    assert q["recall"] >= 0.95, q["misses"]
    assert q["false_positive_rate"] <= 0.05, q["misses"]
    for kind, v in q["per_kind"].items():
        if kind != "look_alike":
            assert v["rate"] >= 0.9, (kind, q["misses"])


def test_the_speed_benchmark_runs():
    s = speed(300)
    assert s["entries"] == 300 and s["names"] >= 300
    text = table({"date": "2026-11-30", "quality": quality(), "thresholds": [], "speed": s})
    assert "recall" in text and "one query" in text
