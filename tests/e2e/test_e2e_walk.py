"""A real browser on the real app: a full assessment by clicking, Back, Change, the PDF, an
uploaded answers file, and a reload that resumes the draft (``?draft=``).

The examples are one-case answers files (format 1): they open as a deal with one item and one
destination (``parse`` migrates them), whose lists the walk fills through the list pages."""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader

from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal as evaluate
from e2e.browser import Wizard, canonical, new_page

ROOT = Path(__file__).resolve().parents[2]
PAYLOAD = ROOT / "examples" / "payload_9a515_content.yaml"
TAA = ROOT / "examples" / "taa_technical_data.yaml"
REPORT_LABEL = "Download the report (PDF)"
SAVE_LABEL = "Save progress (download answers file)"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_text(data: bytes) -> str:
    return flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages))


def download(w: Wizard, label: str) -> bytes:
    with w.page.expect_download() as info:
        w.main().get_by_role("button", name=label, exact=True).click()
    return Path(info.value.path()).read_bytes()


def walk_to_review(w: Wizard, answers: dict, on_step=None) -> list[str]:
    """Answer every question shown, from the answers, until the review page; returns the
    step ids in the order they were shown."""
    seen: list[str] = []
    for _ in range(60):
        step = w.step()
        if step is None:
            break
        seen.append(step.id)
        if on_step is not None and on_step(step):
            continue
        w.answer(step, answers[step.id])
    assert w.heading() == "Check your answers", w.heading()
    return seen


def selected_radio(w: Wizard) -> str | None:
    group = w.main().get_by_role("radiogroup", name="Choose one")
    for radio in group.get_by_role("radio").all():
        if radio.is_checked():
            return radio.get_attribute("aria-label") or radio.evaluate(
                "r => r.closest('label').innerText"
            )
    return None


def test_full_assessment_back_change_and_pdf(wizard, ruleset):
    w = wizard
    af = parse(PAYLOAD.read_bytes())
    answers = dict(af.answers)
    company = "Browser Test Payloads S.A."
    w.open()
    w.start(company, contact="Ana Test", title="E2E walk")
    went_back = []

    def back_once(step) -> bool:
        # on the fourth question: Back, the third answer is still selected, then Next again
        if went_back or len(seen_so_far()) != 4:
            return False
        went_back.append(step.id)
        w.click("Back")
        prev = w.step()
        assert prev is not None and prev.id == "m1_icp"
        assert selected_radio(w).strip() == prev.label_of(answers["m1_icp"])
        w.click("Next")
        assert w.step().id == step.id
        return False

    shown: list[str] = []

    def seen_so_far():
        return shown

    def on_step(step):
        shown.append(step.id)
        return back_once(step)

    walk_to_review(w, answers, on_step)
    assert went_back, "the walk never went back"
    assert shown == evaluate(ruleset, answers).path

    # the review page: change one answer and come back
    main = w.main()
    assert company in main.inner_text()
    icp = ruleset.steps["m1_icp"]
    w.click("Change " + icp.question.en)
    assert w.step().id == "m1_icp"
    assert selected_radio(w).strip() == icp.label_of("none")
    answers["m1_icp"] = "written"
    w.answer(icp, "written")
    walk_to_review(w, answers)  # back on the review page (any new question answered)
    assert icp.label_of("written") in w.main().inner_text()

    w.click("See results")
    assert w.heading() == "Results"
    expected = evaluate(ruleset, answers)
    before = evaluate(ruleset, af.answers)
    assert expected.complete

    saved = parse(download(w, SAVE_LABEL))
    assert canonical(ruleset, saved.answers) == canonical(ruleset, answers)
    assert saved.company.name == company

    pdf = download(w, REPORT_LABEL)
    assert pdf.startswith(b"%PDF")
    text = pdf_text(pdf)
    assert company in text
    for f in expected.findings:
        assert f.code in text, f.code
        assert flat(f.title) in text, f.title
    gone = set(before.codes()) - set(expected.codes())
    assert gone, "changing the programme answer should change the findings"
    for code in gone:
        assert code not in text, code

    w.click("Back to your answers")
    assert w.heading() == "Check your answers"


def test_upload_answers_file_restores_the_assessment(wizard, ruleset):
    w = wizard
    af = parse(TAA.read_bytes())
    w.open()
    region = w.main().get_by_role(
        "region", name="Upload a PDF report of this tool or an answers file to continue"
    )
    w.act(lambda: region.locator("input[type=file]").set_input_files(str(TAA)))
    w.page.get_by_text("Check your answers").first.wait_for()
    assert w.heading() == "Check your answers"
    text = w.main().inner_text()
    assert "Assessment loaded" in text
    assert af.company.name in text
    ev = evaluate(ruleset, af.answers)
    for entry in ev.trail:
        assert entry.question in text
    # a one-case file opens as a deal of one item (named from the description), with a note
    assert af.notes and all(flat(n) in flat(text) for n in af.notes)
    assert af.answers["m2_items"][0]["name"] in text
    w.click("See results")
    results = w.main().inner_text()
    for f in ev.findings:
        assert f.title in results, f.title


def test_reload_resumes_the_draft_at_the_same_question(wizard, browser, app, ruleset):
    w = wizard
    answers = parse(PAYLOAD.read_bytes()).answers
    w.open()
    w.start("Reload Test GmbH")
    for _ in range(6):  # past the lists of items and destinations
        step = w.step()
        w.answer(step, answers[step.id])
    here = w.step()
    path = evaluate(ruleset, answers).path
    assert here.id == path[6] == "m2_other_countries@dest1"
    w.page.wait_for_url(re.compile(r"[?&]draft=[A-Za-z0-9_-]{32}"))
    link = w.page.url

    w.page.reload()
    w.wait_run(0)
    w.page.get_by_role("heading", name=here.question.en).wait_for()
    assert w.step().id == here.id
    assert w.about() == "Destination, India (IN)"
    w.click("Back")
    assert w.step().id == "m2_destinations"
    assert w.entry_names() == ["Destination"]
    w.click("Back")
    prev = w.step()
    assert prev.id == "m2_activities@item1"
    for value in prev.option_values():
        box = w.main().get_by_role("checkbox", name=prev.label_of(value), exact=True)
        assert box.is_checked() == (value in answers[prev.id]), value

    # the same link in another browser context (another device) resumes there too
    other = Wizard(new_page(browser, app.url), ruleset)
    try:
        other.open(link.replace(app.url.rstrip("/"), ""))
        other.page.get_by_role("heading", name=prev.question.en).wait_for()
        assert other.step().id == prev.id
    finally:
        other.page.context.close()
