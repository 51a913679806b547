"""What one click costs our code (issue 13, "Per click"): a Next serialises the answers file
once, walks the rule base once and saves the draft once; a run that changes nothing (choosing
an option, a reconnect) serialises and saves nothing and walks once; an unchanged draft is not
written."""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from compliance_app.dossier.answers import parse
from compliance_app.rulebase.loader import cached_ruleset
from compliance_app.storage.store import DraftStore
from compliance_app.ui import drafts as storage_ui
from compliance_app.ui import session, walks
from compliance_app.ui import state as ui
from testkit.widgets import set_widget

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"


@pytest.fixture
def counts(monkeypatch):
    n = {"dump": 0, "walk": 0, "save": 0}

    def counting(name, real):
        def wrapper(*a, **k):
            n[name] += 1
            return real(*a, **k)

        return wrapper

    monkeypatch.setattr(session, "dump", counting("dump", session.dump))
    monkeypatch.setattr(walks, "deal_walk", counting("walk", walks.deal_walk))
    monkeypatch.setattr(DraftStore, "save", counting("save", DraftStore.save))
    return n


def on_question(at: AppTest, ruleset, answers: dict, count: int) -> str:
    at.run()
    at.text_input(key="company_name").input("Click Cost S.A.")
    at.button(key="start").click().run()
    for _ in range(count):
        step_id = ui.page_step(at.session_state["page"])
        set_widget(at, ruleset, step_id, answers[step_id])
        at.button(key="next").click().run()
    assert not at.exception
    return ui.page_step(at.session_state["page"])


def test_a_next_click_serialises_walks_and_saves_once(counts, downloads):
    rs = cached_ruleset()
    answers = dict(parse(PAYLOAD.read_bytes()).answers)
    at = AppTest.from_file(APP, default_timeout=60)
    step_id = on_question(at, rs, answers, 1)
    for k in counts:
        counts[k] = 0

    at.run()  # a run that changes nothing (a reconnect, the sidebar): one walk, for the page
    assert counts == {"dump": 0, "walk": 1, "save": 0}
    set_widget(at, rs, step_id, answers[step_id])
    at.run()  # choosing an option reruns the page, without Next
    # the answer on screen is saved as a draft value (issue 11 item 2), once, not as an answer
    assert counts == {"dump": 0, "walk": 2, "save": 1}
    at.run()
    assert counts == {"dump": 0, "walk": 3, "save": 1}, "an unchanged screen is not saved again"

    for k in counts:
        counts[k] = 0
    at.button(key="next").click().run()
    assert not at.exception
    assert counts == {"dump": 1, "walk": 1, "save": 1}
    saved = parse(downloads["export-assessment-answers"])
    assert saved.answers[step_id] == answers[step_id]  # the Save button has the new answer


class FakeStore:
    def __init__(self) -> None:
        self.saves: list[str] = []

    def create(self, data, page, review=None, on_screen=None):
        self.saves.append(page)
        return "d" * 32, 1

    def save(self, draft_id, data, page, expected_version, review=None, on_screen=None):
        self.saves.append(page)
        return expected_version + 1


def test_an_unchanged_draft_is_not_written_again():
    rs = cached_ruleset()
    store = FakeStore()
    state = {
        **storage_ui.STATE_DEFAULTS,
        "answers": {"m1_country": "LU"},
        "company": {"name": "Same Again S.A."},
        "page": "step:m1_icp",
    }
    storage_ui.persist(state, store, rs)
    storage_ui.persist(state, store, rs)  # nothing changed
    assert store.saves == ["step:m1_icp"]
    state["page"] = "step:m1_product"
    storage_ui.persist(state, store, rs)
    state["answers"] = {**state["answers"], "m1_icp": "yes"}
    storage_ui.persist(state, store, rs)
    storage_ui.persist(state, store, rs)
    assert store.saves == ["step:m1_icp", "step:m1_product", "step:m1_product"]
    assert state["draft_version"] == 3
