"""Unit tests of compliance_app.ui.state (no Streamlit) on the mini rule base."""

from __future__ import annotations

from pathlib import Path

import pytest

from compliance_app.dossier.answers import AnswersError
from compliance_app.engine.values import AnswerError
from compliance_app.rulebase.loader import load_ruleset
from compliance_app.ui import state as ui

MINI = Path(__file__).resolve().parent / "fixtures" / "mini_rules"
NAME = "Müller & Söhne <GmbH>"
FULL = {
    "q_country": "LU",
    "q_broker": "no",
    "q_content": ["ear_9x515_ax"],
    "q_dest": "CN",
    "q_note": "",
}


@pytest.fixture(scope="module")
def rs():
    return load_ruleset(MINI)


def test_page_names_round_trip():
    assert ui.step_page("q_dest") == "step:q_dest"
    assert ui.page_step("step:q_dest") == "q_dest"
    assert ui.page_step(ui.PAGE_REVIEW) is None


def test_next_and_previous_follow_the_path(rs):
    answers = {"q_country": "LU"}
    assert ui.next_page(rs, answers, "q_country") == "step:q_broker"
    assert ui.previous_page(rs, answers, "q_broker") == "step:q_country"
    assert ui.previous_page(rs, answers, "q_country") == ui.PAGE_START
    # the last step of a complete path leads to the review
    assert ui.next_page(rs, FULL, "q_note") == ui.PAGE_REVIEW
    # the path branches: with other CCL content the value questions come next
    other = {**FULL, "q_content": ["ear_other_ccl"], "q_dest": "FR"}
    assert ui.next_page(rs, other, "q_dest") == "step:q_us_value"


def test_next_after_change_returns_to_review_or_asks_new_questions(rs):
    assert ui.next_page(rs, FULL, "q_broker", return_to_review=True) == ui.PAGE_REVIEW
    changed = {**FULL, "q_content": ["ear_other_ccl"], "q_dest": "FR"}
    assert ui.next_page(rs, changed, "q_content", return_to_review=True) == "step:q_us_value"
    assert ui.previous_page(rs, FULL, "q_dest", return_to_review=True) == ui.PAGE_REVIEW


def test_back_keeps_later_answers(rs):
    answers = dict(FULL)
    before = dict(answers)
    ui.previous_page(rs, answers, "q_dest")
    assert answers == before
    # changing an earlier answer keeps answers that leave the path
    new = ui.apply_answer(rs, answers, "q_country", "US")
    assert new["q_dest"] == "CN" and new["q_country"] == "US"
    assert ui.path_of(rs, new) == (["q_country"], None)


def test_resolve_page(rs):
    assert ui.resolve_page(rs, {}, None) == ui.PAGE_START
    assert ui.resolve_page(rs, {}, "step:q_dest") == "step:q_country"
    assert ui.resolve_page(rs, {}, "step:nonexistent") == "step:q_country"
    assert ui.resolve_page(rs, FULL, "step:q_dest") == "step:q_dest"
    assert ui.resolve_page(rs, {"q_country": "LU"}, ui.PAGE_RESULTS) == "step:q_broker"
    assert ui.resolve_page(rs, FULL, ui.PAGE_RESULTS) == ui.PAGE_RESULTS
    assert ui.resume_page(rs, FULL) == ui.PAGE_REVIEW
    assert ui.first_page(rs, FULL, False) == "step:q_country"
    assert ui.first_page(rs, FULL, True) == ui.PAGE_REVIEW


def test_apply_answer_normalises_and_refuses(rs):
    assert ui.apply_answer(rs, {}, "q_country", "lu") == {"q_country": "LU"}
    with pytest.raises(AnswerError, match="Choose a country"):
        ui.apply_answer(rs, {}, "q_country", None)
    with pytest.raises(AnswerError, match="Choose one of: Yes, No, I don't know"):
        ui.apply_answer(rs, {}, "q_broker", None)
    with pytest.raises(AnswerError, match="cannot be combined"):
        ui.apply_answer(rs, {}, "q_content", ["idk", "itar"])
    with pytest.raises(AnswerError, match="Enter a number, in EUR, or tick"):
        ui.apply_answer(rs, {}, "q_us_value", None)
    with pytest.raises(AnswerError, match="at least 0"):
        ui.apply_answer(rs, {}, "q_us_value", -1.0)
    assert ui.apply_answer(rs, {}, "q_us_value", 12) == {"q_us_value": 12.0}
    assert ui.apply_answer(rs, {}, "q_note", NAME) == {"q_note": NAME}


@pytest.mark.parametrize(
    ("step_id", "value"),
    [
        ("q_country", "LU"),
        ("q_broker", "idk"),
        ("q_content", ["itar", "ear99"]),
        ("q_content", ["idk"]),
        ("q_us_value", 1234.5),
        ("q_us_value", "idk"),
        ("q_note", NAME),
    ],
)
def test_widgets_round_trip(rs, step_id, value):
    step = rs.steps[step_id]
    state = ui.widget_initial_values(step, value)
    assert ui.raw_from_widgets(step, state) == value


def test_widgets_of_missing_or_invalid_answer_are_empty(rs):
    assert ui.widget_initial_values(rs.steps["q_country"], None) == {"w_q_country": None}
    assert ui.widget_initial_values(rs.steps["q_broker"], "maybe") == {"w_q_broker": None}
    many = ui.widget_initial_values(rs.steps["q_content"], None)
    assert set(many) == {f"w_q_content__{v}" for v in rs.steps["q_content"].option_values()}
    assert not any(many.values())
    num = ui.widget_initial_values(rs.steps["q_us_value"], None)
    assert num == {"w_q_us_value": None, "w_q_us_value__idk": False}
    assert ui.widget_initial_values(rs.steps["q_note"], None) == {"w_q_note": ""}


def test_progress_is_by_section(rs):
    p = ui.progress(rs, FULL, "q_country")
    assert (p.number, p.module_number, p.module_count, p.fraction) == (1, 1, 2, 0.0)
    p = ui.progress(rs, FULL, "q_dest")
    assert (p.number, p.module_number, p.module_title) == (4, 2, "Content")
    assert 0.5 < p.fraction < 1.0


def test_answers_file_round_trip_keeps_text_exactly(rs):
    company = {**ui.empty_company(), "name": NAME, "country": "LU"}
    data = ui.answers_file_bytes(rs, {**FULL, "q_note": NAME}, company)
    assert NAME.encode("utf-8") in data
    imported = ui.import_answers(rs, data)
    assert imported.company["name"] == NAME
    assert imported.answers["q_note"] == NAME
    assert imported.warnings == []
    assert ui.answers_file_bytes(rs, imported.answers, imported.company) == data


def test_import_refuses_other_ruleset_and_warns_on_version(rs):
    data = ui.answers_file_bytes(rs, FULL, ui.empty_company())
    other = data.replace(b"id: mini", b"id: other")
    with pytest.raises(AnswersError, match="rule base 'other'"):
        ui.import_answers(rs, other)
    newer = data.replace(b"version: 0.0.1", b"version: 9.9.9")
    imported = ui.import_answers(rs, newer)
    assert imported.answers == FULL
    assert "version 9.9.9" in imported.warnings[0]
    with pytest.raises(AnswersError):
        ui.import_answers(rs, b"!!python/object/apply:os.system ['id']")


def test_import_warns_about_unknown_and_invalid_answers(rs):
    data = ui.answers_file_bytes(rs, {"q_country": "XX", "q_gone": "yes"}, ui.empty_company())
    imported = ui.import_answers(rs, data)
    assert imported.answers == {"q_country": "XX", "q_gone": "yes"}  # kept, not applied
    text = " ".join(imported.warnings)
    assert "q_gone" in text and "q_country" in text
    assert ui.resume_page(rs, imported.answers) == "step:q_country"


def test_upload_key_changes_with_file_and_upload():
    assert ui.upload_key(b"a", "1") == ui.upload_key(b"a", "1")
    assert ui.upload_key(b"a", "1") != ui.upload_key(b"b", "1")
    assert ui.upload_key(b"a", "1") != ui.upload_key(b"a", "2")


def test_company_from_widgets_is_exact():
    state = {"company_name": NAME + "  ", "company_country": None}
    company = ui.company_from_widgets(state)
    assert company == {"name": NAME + "  ", "country": "", "contact": "", "assessment_title": ""}


def test_summary_and_grouping(rs):
    from compliance_app.engine.evaluation import evaluate

    ev = evaluate(rs, FULL)
    j_label, j_text, a_label, _ = ui.summary(ev)
    assert (j_label, a_label) == ("EAR", "Yes")
    assert "EAR" in j_text
    groups = ui.findings_by_severity(ev)
    assert [s for s, _ in groups] == sorted({s for s, _ in groups}, key=list(ui.SEVERITIES).index)
    assert "SUBJECT_EAR_NO_DE_MINIMIS_D5" in [f.code for _, items in groups for f in items]
    for key in ("ITAR", "EAR", "EAR99", "mixed", "not_subject", "undetermined"):
        assert key in ui.JURISDICTION_TEXT


def test_md_escape_neutralises_markup():
    out = ui.md_escape("**x** <b>y</b> [l](http://e) $a$ :red[z]")
    for ch in "*<>[]()$:":
        assert f"\\{ch}" in out


def test_review_back_page(rs):
    assert ui.review_back_page(rs, FULL) == "step:q_note"
    assert ui.review_back_page(rs, {}) == "step:q_country"


# --- compliance_app.ui.forms ------------------------------------------------------------------


def test_length_and_company_checks():
    from compliance_app.ui import forms

    assert forms.length_problem("abc", 3) is None
    assert forms.length_problem("a" * 2001, 2000) == (
        "Shorten this to at most 2,000 characters; you entered 2,001."
    )
    with pytest.raises(AnswerError, match="you entered 4"):
        forms.check_text_answer("abcd", 3)
    assert forms.company_errors({"name": "  "}) == {"name": "Enter the company name."}
    assert forms.company_errors({"name": NAME, "contact": "", "assessment_title": ""}) == {}
    assert "you entered 301" in forms.company_errors({"name": "x" * 301})["name"]


def test_country_step_and_sync(rs):
    from compliance_app.ui import forms

    assert forms.country_step(rs) == "q_country"
    company = ui.empty_company()
    assert forms.sync_company_country(rs, {"q_country": "FR"}, company)["country"] == "FR"
    assert company["country"] == ""  # not changed in place


def test_review_from_form_and_sign_off(rs):
    import datetime as dt

    from compliance_app.dossier import review_flow as flow
    from compliance_app.engine.evaluation import evaluate
    from compliance_app.ui import forms
    from compliance_app.ui import review_forms as rf

    af = ui.answers_file(rs, FULL, {**ui.empty_company(), "name": NAME})
    ev = evaluate(rs, FULL)
    base, again = rf.base_review(rs, af, ev, None, "R-1", "2026-11-28 10:00 UTC")
    assert not again
    assert base.log[0].at == dt.datetime(2026, 11, 28, 10, 0, tzinfo=dt.UTC)
    assert base.report_id == "R-1"
    codes = ev.codes()
    r = rf.review_from_form(
        base,
        codes,
        {codes[0]: "disputed", **{c: "noted" for c in codes[1:]}},
        {codes[0]: "Why not.", "X": "ignored"},
        "General.",
        "Step one\n\n  Step two  \n",
        "Dr A",
        "Org",
        capacity="Lawyer",
        questions={q.step_id: (q.question, "Answered.") for q in ev.open_questions},
    )
    assert r.of(codes[0]).status == "disputed" and r.of(codes[0]).comment == "Why not."
    assert r.extra_next_steps == ["Step one", "Step two"] and r.capacity == "Lawyer"
    at = rf.sign_off_time(dt.date(2026, 11, 29), dt.time(9, 30), rf.zone("Europe/Luxembourg"))
    assert at.utcoffset() == dt.timedelta(hours=1)
    signed = flow.sign_off(r, ev, at, now=at)
    assert rf.same_content(signed, r) and not rf.same_content(None, r)
    assert rf.sign_off_problems("", "x" * 301) == [
        "Enter your name.",
        "Shorten this to at most 300 characters; you entered 301.",
    ]
    assert rf.assessed_at("garbage") is None and rf.zone("Not/AZone") == dt.UTC
    assert forms.upgrade_of(rs, af, ev, None) is None  # same version: nothing to show


# --- issue 11, items 1 and 2: the unconfirmed answer on screen, to widgets and back ------------


@pytest.mark.parametrize(
    ("step_id", "raw"),
    [
        ("q_broker", "yes"),
        ("q_content", []),
        ("q_content", ["ear_9x515_ax"]),
        ("q_country", "LU"),
        ("q_note", "x" * 30_000),  # longer than the question allows: kept, Next refuses it
    ],
)
def test_an_on_screen_answer_round_trips_through_the_widgets(rs, step_id, raw):
    from compliance_app.ui.drafts import screen_widget_values

    step = rs.steps[step_id]
    assert ui.raw_from_widgets(step, screen_widget_values(step, raw)) == raw


@pytest.mark.parametrize("raw", [None, 3, {"a": 1}, ["ZZ", "LU"], "<script>", 1e400])
def test_a_hostile_on_screen_value_only_empties_the_widget(rs, raw):
    from compliance_app.ui.drafts import screen_widget_values

    for step in rs.steps.values():
        values = screen_widget_values(step, raw)
        assert set(values) == set(ui.widget_initial_values(step, None))
        ui.raw_from_widgets(step, values)  # never raises


def test_only_what_differs_from_the_confirmed_answer_is_unconfirmed(rs):
    from compliance_app.ui.drafts import screen_of, unconfirmed

    broker = rs.steps["q_broker"]
    assert unconfirmed(broker, "yes", "yes") is None
    assert unconfirmed(broker, None, None) is None
    assert unconfirmed(broker, "no", "yes") == "no"
    text = '{"step": "q_broker", "value": "no"}'
    assert screen_of(rs, text, "step:q_broker") == {"step": "q_broker", "value": "no"}
    assert screen_of(rs, text, "step:q_country") is None  # another page
    assert screen_of(rs, '{"step": "nope", "value": 1}', "step:nope") is None
    assert screen_of(rs, '{"step": "q_broker", "value": 1, "x": 2}', "step:q_broker") is None
    assert screen_of(rs, "[", "step:q_broker") is None


def test_an_imported_answer_refused_for_its_length_says_so():
    """Issue 11, item 4 (the upload's side): the reason is given, not only the step id."""
    from compliance_app.dossier.answers import dump, parse
    from compliance_app.rulebase.loader import cached_ruleset

    rs = cached_ruleset()
    af = parse((Path(__file__).parent.parent / "examples" / "taa_technical_data.yaml").read_bytes())
    answers = {**af.answers, "m2_description": "x" * 100_000}
    data = dump(af.model_copy(update={"answers": answers}))
    warnings = ui.import_answers(rs, data).warnings
    limit = rs.steps["m2_description"].max_length
    assert any(
        w.startswith("The answer to m2_description was not taken") and f"{limit:,}" in w
        for w in warnings
    ), warnings
