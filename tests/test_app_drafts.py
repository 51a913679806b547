"""Drafts: the wizard saves to the draft store as the user goes and resumes from ?draft=."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from streamlit.testing.v1 import AppTest
from test_app import APP, MINI, answer, start

from compliance_app.rulebase.loader import load_ruleset
from compliance_app.storage import store as storage
from compliance_app.ui import state as ui
from testkit.widgets import set_widget


@pytest.fixture(autouse=True)
def env(monkeypatch, tmp_path):
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(MINI))
    monkeypatch.delenv("COMPLIANCE_DB_URL", raising=False)
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(tmp_path))
    return tmp_path


def app(draft: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    if draft:
        at.query_params["draft"] = draft
    at.run()
    assert not at.exception, at.exception
    return at


def rows(tmp_path):
    e = sa.create_engine(f"sqlite:///{tmp_path / 'drafts.sqlite3'}")
    with e.connect() as c:
        out = [dict(r._mapping) for r in c.exec_driver_sql("select * from drafts")]
    e.dispose()
    return out


def test_reload_resumes(env):
    rs = load_ruleset(MINI)
    at = app()
    start(at, "Ünïcode GmbH")
    draft_id = at.session_state["draft_id"]
    assert storage.is_valid_draft_id(draft_id)
    assert at.query_params["draft"] == [draft_id] or at.query_params["draft"] == draft_id
    answer(at, rs, "q_country", "LU")
    page = at.session_state["page"]
    again = app(draft_id)  # reload / restart / second tab
    assert again.session_state["page"] == page
    assert again.session_state["answers"] == {"q_country": "LU"}
    assert again.session_state["company"]["name"] == "Ünïcode GmbH"
    assert "Ünïcode" not in str(again.query_params)


def test_second_tab_stale_write_is_refused(env):
    rs = load_ruleset(MINI)
    a = app()
    start(a)
    draft_id = a.session_state["draft_id"]
    b = app(draft_id)
    answer(a, rs, "q_country", "LU")
    page_b = b.session_state["page"]
    ui_step = ui.page_step(page_b)
    from testkit.widgets import set_widget

    set_widget(b, rs, ui_step, "DE")
    b.button(key="next").click().run()
    assert not b.exception
    assert any("another tab" in w.value for w in b.warning)
    assert b.session_state["answers"] == {"q_country": "LU"}
    stored = storage.DraftStore(storage.default_url()).load(draft_id)
    assert stored.answers_file.answers == {"q_country": "LU"}


def test_delete_my_data(env):
    rs = load_ruleset(MINI)
    a = app()
    start(a, "Secret Corp")
    answer(a, rs, "q_country", "LU")
    assert len(rows(env)) == 1
    a.button(key="delete_data").click().run()
    assert not a.exception
    assert rows(env) == []
    assert a.session_state["answers"] == {}
    assert a.session_state["draft_id"] is None
    assert "draft" not in a.query_params
    assert any("deleted" in s.value for s in a.success)
    b = app()
    assert b.session_state["page"] == ui.PAGE_START


def test_bad_or_deleted_link(env):
    a = app("x" * 5)
    assert any("not valid" in w.value for w in a.warning)
    assert a.session_state["page"] == ui.PAGE_START
    assert "draft" not in a.query_params


def test_adviser_mode_saves_no_draft(env):
    a = app()
    a.button(key="adviser_mode").click().run()
    a.button(key="adviser_exit").click().run()
    assert not a.exception
    assert a.session_state["draft_id"] is None
    assert not (env / "drafts.sqlite3").exists() or rows(env) == []
    assert "draft" not in a.query_params


def test_start_page_states_where_answers_are_kept(env):
    a = app()
    note = a.info[0].value
    assert "local database file" in note and "30 days after your last change" in note
    assert "Delete my data" in note and "?draft=" in note


def test_no_answer_text_or_draft_id_in_logs(env, caplog):
    import logging

    caplog.set_level(logging.DEBUG)
    rs = load_ruleset(MINI)
    a = app()
    start(a, "Secret Corp")
    answer(a, rs, "q_country", "LU")
    draft_id = a.session_state["draft_id"]
    again = app(draft_id)
    assert again.session_state["answers"] == {"q_country": "LU"}
    assert "Secret Corp" not in caplog.text and draft_id not in caplog.text


def test_an_unwritable_data_folder_shows_a_short_true_message(monkeypatch, tmp_path, caplog):
    """Issue 11, item 8: no server path and no operator instructions for the visitor."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    monkeypatch.setenv("COMPLIANCE_DATA_DIR", str(blocker / "data"))
    at = app()
    start(at, "Path Test SA")
    shown = " ".join(str(e.value) for e in [*at.warning, *at.info, *at.error, *at.markdown])
    assert "not saved here" in shown.replace("\\", "") and "Save progress" in shown
    assert str(tmp_path) not in shown and "COMPLIANCE_" not in shown
    assert str(blocker / "data") in caplog.text


# --- issue 11, item 2: the answer on the screen survives a reload, without being an answer -----


@pytest.mark.parametrize(
    ("step_id", "before", "value"),
    [
        ("q_broker", {"q_country": "LU"}, "yes"),
        ("q_content", {"q_country": "LU", "q_broker": "no"}, ["ear_9x515_ax"]),
    ],
)
def test_the_answer_on_screen_survives_a_reload_but_is_no_answer(env, step_id, before, value):
    rs = load_ruleset(MINI)
    at = app()
    start(at)
    for sid, v in before.items():
        answer(at, rs, sid, v)
    assert at.session_state["page"] == ui.step_page(step_id)
    set_widget(at, rs, step_id, value)
    at.run()
    draft_id = at.session_state["draft_id"]
    [row] = rows(env)
    assert step_id not in row["data"]  # not an answer
    again = app(draft_id)  # reload
    assert again.session_state["page"] == ui.step_page(step_id)
    assert again.session_state["answers"] == before
    assert again.session_state["on_screen"] == {"step": step_id, "value": value}
    step = rs.steps[step_id]
    if step.type == "many":
        assert again.checkbox(key=ui.widget_key(step_id, value[0])).value is True
    else:
        assert again.radio(key=ui.widget_key(step_id)).value == value
    again.button(key="next").click().run()
    assert again.session_state["answers"][step_id] == value
    assert again.session_state["on_screen"] is None
    assert rows(env)[0]["on_screen"] is None


def test_back_drops_the_unconfirmed_answer_and_a_damaged_one_is_ignored(env):
    rs = load_ruleset(MINI)
    at = app()
    start(at)
    answer(at, rs, "q_country", "LU")
    set_widget(at, rs, "q_broker", "yes")
    at.run()
    draft_id = at.session_state["draft_id"]
    at.button(key="back").click().run()
    assert at.session_state["on_screen"] is None and "q_broker" not in at.session_state["answers"]
    e = sa.create_engine(f"sqlite:///{env / 'drafts.sqlite3'}")
    with e.begin() as c:
        c.exec_driver_sql("update drafts set page='step:q_broker', on_screen='{not json'")
    e.dispose()
    again = app(draft_id)
    assert again.session_state["on_screen"] is None
    assert again.radio(key=ui.widget_key("q_broker")).value is None
