"""UI tests: PDF reports as uploads, rule-base changes since a file, adviser review mode.

On the real rule base (rules/) with the example answers files, through AppTest.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader
from streamlit.testing.v1 import AppTest

from compliance_app.dossier import versions
from compliance_app.dossier.answers import MAX_BYTES, RulesetRef, dump, parse
from compliance_app.dossier.transport import read_upload
from compliance_app.engine.deal import split
from compliance_app.engine.deal_results import evaluate_deal as evaluate
from compliance_app.report.builder import build_pdf
from compliance_app.rulebase.loader import DEFAULT_RULES_DIR, load_ruleset
from compliance_app.ui import state as ui

ROOT = Path(__file__).resolve().parent.parent
APP = str(ROOT / "streamlit_app.py")
EXAMPLE = ROOT / "examples" / "payload_9a515_content.yaml"


@pytest.fixture(autouse=True)
def real_rules(monkeypatch):
    monkeypatch.setenv("COMPLIANCE_RULES_DIR", str(DEFAULT_RULES_DIR))


@pytest.fixture(scope="module")
def rs():
    return load_ruleset(DEFAULT_RULES_DIR)


@pytest.fixture(scope="module")
def example(rs):
    af = parse(EXAMPLE.read_bytes())
    ev = evaluate(rs, af.answers)
    return af, ev, build_pdf(rs.meta, af, ev)


def new_app() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    assert not at.exception
    return at


def upload(at: AppTest, key: str, name: str, data: bytes) -> None:
    at.file_uploader(key=key).set_value((name, data, "application/octet-stream")).run()
    assert not at.exception


def pdf_text(pdf: bytes) -> str:
    return " ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages)


def plain(elements) -> str:
    return " ".join(e.value.replace("\\", "") for e in elements)


def test_uploader_says_what_it_accepts():
    at = new_app()
    # no type filter in the browser: a file without extension is read by its content
    # (docs/review.md); the server refuses other types with the reason (issue 11, item 13)
    assert list(at.file_uploader(key="upload").allowed_type) == []
    captions = plain(at.caption)
    assert "at most 10 MB, the limit the box below shows" in captions
    assert (
        f"at most {MAX_BYTES // 1_000_000} MB" in captions
        and ".yaml" in captions
        and "without extension" in captions
    )


def test_a_file_without_extension_is_read_and_a_docx_refused_with_the_reason(rs):
    at = new_app()
    upload(at, "upload", "answers", EXAMPLE.read_bytes())
    assert at.session_state["answers"] == parse(EXAMPLE.read_bytes()).answers
    at = new_app()
    upload(at, "upload", "notes.docx", b"PK\x03\x04rest")
    assert at.session_state["answers"] == {}
    assert "Files of type .docx cannot be opened here" in plain(at.error)


def test_pdf_upload_restores_the_assessment(rs, example):
    af, ev, pdf = example
    at = new_app()
    upload(at, "upload", "report.pdf", pdf)
    assert at.session_state["answers"] == af.answers
    assert at.session_state["company"]["name"] == af.company.name
    assert at.session_state["page"] == ui.PAGE_REVIEW
    assert any("Assessment loaded" in s.value for s in at.success)
    assert at.session_state["review"] is None
    at.button(key="see_results").click().run()
    assert f"Jurisdiction: {ui.summary(ev)[0]}" in [h.value for h in at.subheader]


def test_refused_pdf_keeps_the_current_answers(rs, example):
    _af, _ev, pdf = example
    at = new_app()
    at.text_input(key="company_name").input("Keep SA")
    at.button(key="start").click().run()
    at.selectbox(key="w_m1_country").set_value("LU")
    at.button(key="next").click().run()
    before = (dict(at.session_state["answers"]), dict(at.session_state["company"]))
    page = at.session_state["page"]
    changed = pdf.replace(b"Moselle", b"Mosella", 1) if b"Moselle" in pdf else pdf[:-200]
    for name, data in (("cut.pdf", pdf[: len(pdf) // 2]), ("edited.pdf", changed)):
        upload(at, "upload", name, data)
        assert any("File refused" in e.value for e in at.error), name
        assert (dict(at.session_state["answers"]), dict(at.session_state["company"])) == before
        assert at.session_state["page"] == page
    # a new choice clears the earlier refusal: an accepted file shows no stale message
    upload(at, "upload", "report.pdf", pdf)
    assert not any("File refused" in e.value for e in at.error)


def test_older_rule_base_version_shows_the_changes(rs, example, monkeypatch):
    af, ev, _pdf = example
    current = versions.snapshot(rs)
    first_rule = ev.findings[0].fired_by[0].rule_id
    old = current.model_copy(
        update={
            "ruleset": RulesetRef(id=rs.meta.id, version="0.9.0"),
            "steps": {k: v for k, v in current.steps.items() if k != "m2_description"},
            "rules": {k: v for k, v in current.rules.items() if k != first_rule},
            "findings": {**current.findings, "OLD_GONE": "A finding of version 0.9.0"},
        }
    )
    real_load = versions.load_snapshot
    monkeypatch.setattr(
        versions,
        "load_snapshot",
        lambda v, *a, **k: old if v == "0.9.0" else real_load(v, *a, **k),
    )
    old_af = af.model_copy(update={"ruleset": RulesetRef(id=rs.meta.id, version="0.9.0")})
    old_ev = ev.model_copy(
        update={"findings": ev.findings[1:], "ruleset_version": "0.9.0"}
    )  # the PDF printed one finding less and one more
    pdf = build_pdf(rs.meta.model_copy(update={"version": "0.9.0"}), old_af, old_ev)
    up = read_upload(pdf, "old.pdf")
    assert up.answers.ruleset.version == "0.9.0"
    at = new_app()
    upload(at, "upload", "old.pdf", pdf)
    assert at.session_state["answers"] == af.answers
    texts = plain(at.text)
    assert "New question" in texts and "m2_description" in texts
    assert f"Rule {first_rule} added" in texts
    assert "New: " in texts and ev.findings[0].code in texts
    labels = [e.label for e in at.expander]
    assert any("since rule base version 0.9.0" in label for label in labels), labels
    assert "0.9.0" in plain(at.warning)  # import_answers' version warning


def review_all(at: AppTest, ev, disputed: str, comment: str) -> None:
    for code in ev.codes():
        at.radio(key=f"rv_status_{code}").set_value("disputed" if code == disputed else "agreed")
    at.text_area(key=f"rv_comment_{disputed}").input(comment)
    for q in ev.open_questions:
        at.text_area(key=f"rv_q_{q.step_id}").input("Settled: EAR99 per supplier letter.")
    at.run()


def test_adviser_review_round_trip(rs, example, downloads):
    af, ev, pdf = example
    codes = ev.codes()
    disputed, comment = codes[1], "Not exceeded: the US content is 20 percent"
    at = new_app()
    at.button(key="adviser_mode").click().run()
    assert at.title[0].value == "Review an assessment (adviser)"
    upload(at, "review_upload", "report.pdf", pdf)
    # the company's answers and findings, read-only
    assert af.company.name in [t.value for t in at.text]
    assert {f"{f.title} ({f.code})" for f in ev.findings} <= {s.value for s in at.subheader}
    assert at.session_state["answers"] == {}  # the adviser's session holds no assessment
    assert at.radio(key=f"rv_status_{codes[0]}").options == [
        "Not reviewed",
        "Agreed",
        "Agreed with qualification",
        "Noted",
        "Disputed",
    ]
    at.radio(key=f"rv_status_{disputed}").set_value("disputed").run()
    at.text_input(key="rv_name").input("Dr. A. Adviser")
    at.text_input(key="rv_org").input("Luxinnovation")
    at.button(key="rv_sign").click().run()
    assert any("Give a status to every finding" in e.value for e in at.error)
    review_all(at, ev, disputed, comment)
    at.text_area(key="rv_general").input("Sound assessment overall.")
    at.text_area(key="rv_steps").input("Ask the supplier for the CCATS.\n\n")
    at.text_input(key="rv_capacity").input("Export-control adviser")
    at.run()
    assert "rv_pdf" not in {b.key for b in at.get("download_button")}  # not signed yet
    at.button(key="rv_sign").click().run()
    assert not at.exception
    assert any("Signed off by Dr" in s.value for s in at.success)
    reviewed = downloads["export-assessment-reviewed"]
    text = pdf_text(reviewed)
    assert "Adviser review" in text and "DISPUTED" in text and "Dr. A. Adviser" in text
    assert "Luxinnovation" in text and "CCATS" in text and "NOT DIGITALLY SIGNED" in text
    for f in ev.findings:  # the original findings are still printed
        assert f.code in text or f.title in text
    up = read_upload(reviewed, "reviewed.pdf")
    assert up.answers_bytes == dump(af) or parse(up.answers_bytes) == af
    assert up.review is not None and up.review.signed
    assert up.review.of(disputed).comment == comment
    assert up.review.sign_off.capacity == "Export-control adviser"
    # the company opens the reviewed PDF: the review is shown next to the findings
    co = new_app()
    upload(co, "upload", "reviewed.pdf", reviewed)
    assert co.session_state["review"] is not None
    assert any("not digitally signed" in w.value for w in co.warning)  # banner on landing
    co.button(key="see_results").click().run()
    assert not co.exception
    assert "Adviser review" in [h.value for h in co.header]
    assert any("DISPUTED" in e.value and "US content is 20 percent" in e.value for e in co.error)
    labels = [e.label for e in co.expander]
    assert any(f"({disputed}) — Adviser: DISPUTED" in label for label in labels), labels
    assert not any("not valid for these answers" in e.value for e in co.error)
    assert "CCATS" in plain(co.text)
    # and the PDF the company downloads still carries the review, marked not signed
    again = read_upload(downloads["export-assessment-report"], "r.pdf")
    assert again.review is not None and again.review.of(disputed).status == "disputed"


def test_adviser_signs_with_a_certificate_and_the_company_sees_it(rs, example, downloads):
    from testkit.certs import make_ca, make_p12

    _af, ev, pdf = example
    at = new_app()
    at.button(key="adviser_mode").click().run()
    upload(at, "review_upload", "report.pdf", pdf)
    review_all(at, ev, ev.codes()[0], "Staff are all EU nationals.")
    at.text_input(key="rv_name").input("Dr. Anne Adviser")
    at.text_input(key="rv_org").input("Chambre de Commerce")
    at.button(key="rv_sign").click().run()
    p12 = make_p12(make_ca(), password="pw")
    at.file_uploader(key="rv_cert").set_value(("me.p12", p12, "application/x-pkcs12")).run()
    at.text_input(key="rv_cert_pw").input("wrong")
    at.button(key="rv_sign_cert").click().run()
    assert any("password is wrong" in e.value for e in at.error)
    at.text_input(key="rv_cert_pw").input("pw")
    at.button(key="rv_sign_cert").click().run()
    assert not at.exception
    assert at.text_input(key="rv_cert_pw").value == ""  # not kept
    assert any(
        "Digitally signed by Dr. Anne Adviser" in s.value.replace("\\", "") for s in at.success
    )
    signed = downloads["export-assessment-reviewed-signed"]
    up = read_upload(signed, "signed.pdf")
    assert up.signature.signed and up.signature.unchanged
    co = new_app()
    upload(co, "upload", "signed.pdf", signed)
    assert any("digitally signed (verified" in s.value for s in co.success), [
        x.value for x in [*co.success, *co.warning, *co.error]
    ]


def test_future_sign_off_is_refused(rs, example):
    import datetime as dt

    _af, ev, pdf = example
    at = new_app()
    at.button(key="adviser_mode").click().run()
    upload(at, "review_upload", "report.pdf", pdf)
    review_all(at, ev, ev.codes()[0], "No.")
    at.text_input(key="rv_name").input("A")
    at.text_input(key="rv_org").input("B")
    at.date_input(key="rv_date").set_value(dt.date(2027, 3, 15)).run()
    at.button(key="rv_sign").click().run()
    assert any("in the future" in e.value for e in at.error)
    assert "rv_pdf" not in {b.key for b in at.get("download_button")}


def test_adviser_changes_after_sign_off_need_a_new_sign_off(rs, example):
    _af, ev, pdf = example
    at = new_app()
    at.button(key="adviser_mode").click().run()
    upload(at, "review_upload", "report.pdf", pdf)
    review_all(at, ev, ev.codes()[0], "No.")
    at.text_input(key="rv_name").input("A")
    at.text_input(key="rv_org").input("B")
    at.button(key="rv_sign").click().run()
    assert "rv_pdf" in {b.key for b in at.get("download_button")}
    at.radio(key=f"rv_status_{ev.codes()[0]}").set_value("agreed").run()
    assert "rv_pdf" not in {b.key for b in at.get("download_button")}
    assert any("sign off again" in w.value for w in at.warning)
    at.button(key="adviser_exit").click().run()
    assert at.session_state["page"] == ui.PAGE_START


def test_adviser_login_is_off_by_default_and_closes_adviser_mode_when_required(
    rs, example, monkeypatch
):
    monkeypatch.setenv("COMPLIANCE_ADVISER_LOGIN", "1")
    at = new_app()
    at.button(key="adviser_mode").click().run()
    assert "adviser_login" in {b.key for b in at.button}
    assert not at.get("file_uploader")  # no upload before login
    at.button(key="adviser_login").click().run()
    assert not at.exception
    assert any("requires a login" in i.value for i in at.info)


def signed_review(af, ev, disputed: str, comment: str):
    import datetime as dt

    from compliance_app.dossier import review_flow as flow

    r = flow.start_review(af, ev, reviewer_name="Dr. A. Adviser", organisation="LuxAdv")
    for code in ev.codes():
        r = flow.set_finding(r, code, "disputed" if code == disputed else "agreed", comment)
    for q in ev.open_questions:
        r = flow.answer_question(r, q.step_id, q.question, "Answered.")
    return flow.sign_off(r, ev, flow.now_utc() - dt.timedelta(minutes=1))


def test_reviewed_pdf_survives_a_reload(rs, example, downloads):
    """The review the company opened is saved with the draft: a reload, the bookmarked
    ?draft= link or a second tab shows it again and the report PDF still carries it."""
    af, ev, _pdf = example
    disputed, comment = ev.codes()[0], "Staff are all EU nationals."
    r = signed_review(af, ev, disputed, comment)
    reviewed = build_pdf(rs.meta, af, ev, review=r)
    co = new_app()
    upload(co, "upload", "reviewed.pdf", reviewed)
    assert co.session_state["review"] == r
    co.button(key="see_results").click().run()
    assert not co.exception
    draft_id = co.session_state["draft_id"]
    assert draft_id is not None
    downloads.clear()

    again = AppTest.from_file(APP, default_timeout=60)  # reload / bookmark / second tab
    again.query_params["draft"] = draft_id
    again.run()
    assert not again.exception
    assert again.session_state["page"] == ui.PAGE_RESULTS
    assert again.session_state["review"] == r
    assert "Adviser review" in [h.value for h in again.header]
    assert any("DISPUTED" in e.value and "EU nationals" in e.value for e in again.error)
    assert any("Sign-off recorded by Dr" in w.value.replace("\\", "") for w in again.warning)
    pdf = downloads["export-assessment-report"]
    text = pdf_text(pdf)
    assert "Adviser review" in text and "DISPUTED" in text and "Dr. A. Adviser" in text
    back = read_upload(pdf, "r.pdf")
    assert back.review is not None and back.review.of(disputed).comment == comment


def test_company_edit_is_logged_and_the_review_is_no_longer_valid(rs, example, downloads):
    af, ev, _pdf = example
    r = signed_review(af, ev, ev.codes()[0], "No.")
    co = new_app()
    upload(co, "upload", "reviewed.pdf", build_pdf(rs.meta, af, ev, review=r))
    step = ev.trail[0].step_id
    co.button(key=f"change_{step}").click().run()
    co.selectbox(key=f"w_{step}").set_value("FR") if step == "m1_country" else None
    co.button(key="next").click().run()
    assert not co.exception
    review = co.session_state["review"]
    if co.session_state["answers"] != af.answers:
        assert review.log[-1].event == "company_edit" and review.log[-1].at is not None
        assert any("not valid for these answers" in e.value for e in co.error)


def test_adviser_page_answers_one_step_asked_twice_once():
    """Trial 2026-12-07: an "I don't know" and rule L3.1 both ask about m3_us_technology; the
    adviser page crashed on a duplicate widget key. One answer box per step now."""
    data = (ROOT / "tests" / "scenarios" / "X28_itar_part_covered.yaml").read_bytes()
    at = new_app()
    at.button(key="adviser_mode").click().run()
    upload(at, "review_upload", "answers.yaml", data)
    assert not at.exception
    boxes = [t.key for t in at.text_area if t.key and t.key.startswith("rv_q_")]
    assert boxes.count("rv_q_m3_us_technology@item1") == 1


def test_an_amount_is_said_back_as_read(rs):
    """Trial 2026-12-07: "16.000" typed the European way is read as 16, not sixteen thousand;
    the question page says back the amount it read, with thousands separators."""
    from testkit.widgets import set_widget

    answers = dict(parse(EXAMPLE.read_bytes()).answers)
    at = new_app()
    at.text_input(key="company_name").input("Amounts S.A.")
    at.button(key="start").click().run()
    for _ in range(len(rs.steps)):
        step_id = ui.page_step(at.session_state["page"])
        assert step_id is not None, "the example reaches a number question"
        if rs.steps[split(step_id)[0]].type == "number":
            break
        set_widget(at, rs, step_id, answers[step_id])
        at.button(key="next").click().run()
    set_widget(at, rs, step_id, 16.0)
    at.run()
    assert any("Read as 16.00 EUR" in c.value for c in at.caption)
    set_widget(at, rs, step_id, 16000.5)
    at.run()
    assert any("Read as 16,000.50 EUR" in c.value for c in at.caption)


def test_results_page_shows_the_coverage_map(rs):
    """The coverage map is on the results page too, not only in the PDF (trial 2026-12-07)."""
    at = new_app()
    upload(at, "upload", "answers.yaml", EXAMPLE.read_bytes())
    at.button(key="see_results").click().run()
    assert not at.exception
    assert any("What this assessment covers" in e.label for e in at.expander)
    text = " ".join(m.value for m in at.markdown)
    assert "Not covered" in text and "Models" in text
