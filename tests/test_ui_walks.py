"""A click walks the rule base once, not once per question asked about the path."""

from __future__ import annotations

import threading

import pytest

from compliance_app.dossier.answers import parse
from compliance_app.engine import deal
from compliance_app.engine.deal_migrate import migrate_case
from compliance_app.rulebase.loader import cached_ruleset
from compliance_app.ui import state as ui
from compliance_app.ui import walks
from testkit.server import ROOT

PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = deal.deal_walk

    def walk(ruleset, answers, on=None):
        calls.append(dict(answers))
        return real(ruleset, answers, on)

    monkeypatch.setattr(walks, "deal_walk", walk)
    walks._last.value = None
    return calls


def test_a_next_click_walks_once(counted):
    rs = cached_ruleset()
    answers = migrate_case(cached_ruleset(), parse(PAYLOAD.read_bytes()).answers)[0]
    step = deal.deal_walk(rs, answers).path[3]
    # what on_next, main and page_step ask for one click
    nxt = ui.next_page(rs, answers, step)
    assert ui.resolve_page(rs, answers, nxt) == nxt
    ui.progress(rs, answers, ui.page_step(nxt))
    assert len(counted) == 1
    # the same answers in a new dict, lists as new lists: still no new walk
    again = {k: list(v) if isinstance(v, list) else v for k, v in answers.items()}
    assert ui.path_of(rs, again) == ui.path_of(rs, answers)
    assert len(counted) == 1


def test_changed_answers_are_walked_again(counted):
    rs = cached_ruleset()
    answers = migrate_case(cached_ruleset(), parse(PAYLOAD.read_bytes()).answers)[0]
    full = ui.path_of(rs, answers)
    first = full[0][0]
    fewer = {k: v for k, v in answers.items() if k != first}
    dw = deal.deal_walk(rs, fewer)
    assert ui.path_of(rs, fewer) == (dw.path, dw.pending) and dw.pending == first
    lists = [k for k, v in answers.items() if isinstance(v, list) and v and isinstance(v[0], str)]
    changed = {**answers, lists[0]: answers[lists[0]][:-1]}
    ui.path_of(rs, changed)
    assert ui.path_of(rs, answers) == full
    assert len(counted) == 4
    path, _ = ui.path_of(rs, answers)
    path.append("x")  # the caller's list is its own
    assert ui.path_of(rs, answers) == full


def test_each_thread_keeps_its_own_walk(counted):
    rs = cached_ruleset()
    answers = migrate_case(cached_ruleset(), parse(PAYLOAD.read_bytes()).answers)[0]
    ui.path_of(rs, answers)
    t = threading.Thread(target=ui.path_of, args=(rs, answers))
    t.start()
    t.join()
    assert len(counted) == 2  # another script run (thread) walks for itself
    ui.path_of(rs, answers)
    assert len(counted) == 2
