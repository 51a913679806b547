"""Under load: 20 simultaneous sessions on one real server (2 rounds), each completing an
assessment and downloading its PDF and answers file. No error, no session sees another's
data, and the memory the sessions took is given back (a second round of 20 sessions does not
grow the server). Timings are figures for docs/benchmarks.md ("Soak test",
``python -m bench.soak``), never asserted here."""

from __future__ import annotations

import json

import pytest

from testkit.soak import run

SESSIONS = 20
GROWTH_LIMIT_MB = 10.0


@pytest.fixture(scope="module")
def soak():
    return run(SESSIONS, rounds=2, think=(0.0, 0.1))


def test_every_session_completes_without_error(soak):
    print(json.dumps(soak.figures()))
    assert soak.errors == []
    assert soak.walks == 2 * SESSIONS


def test_no_session_sees_another_sessions_data(soak):
    assert soak.leaks == []


def test_memory_returns_after_the_sessions_end(soak):
    f = soak.figures()
    first, second = soak.rss_after_mb
    # the sessions' memory is given back: a second round of 20 does not grow the server
    assert second - first < GROWTH_LIMIT_MB, f
    # and what stays after the first round is less than what 20 sessions took at their peak
    assert first <= soak.rss_peak_mb[0] + 1.0, f
