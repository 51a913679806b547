"""Issue 10, done when, in Chromium: the PCU deal walked as a new user would (type, pick,
upload), with a Back on a question asked per item, the results per item, destination and
group, the PDF with the matrix, the access table and both de minimis worksheets, and a reload
(``?draft=``) that resumes the whole deal. Also: a hostile item name shows as text.

The deal (tests/deal_cases.py, as in tests/test_app_deal.py): company in Luxembourg; items
PCU-200 (own product, bill of materials uploaded as a cp1252 CSV file with ';' and decimal
commas, the US 9A515.e.1 FPGA 16,000 EUR needing a licence to "all except AU CA GB") and "US
prime ICD drawings" (US technical data); destinations Prime SA (France) and Operator Ltd
(India) receiving PCU-200; groups EU engineers (DE FR LU), Indian engineers (IN) and one
Chinese national resident in Luxembourg (CN).
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from pypdf import PdfReader

from compliance_app.dossier.answers import parse
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.ui.walks import step_for
from e2e.browser import Wizard, canonical
from tests.deal_cases import pcu_deal

BOM = (
    "part;origin;classification;value;currency;licence_to;note\r\n"
    "RT4G150 rad-hard FPGA;US;9A515.e.1;16000,00;EUR;all except AU CA GB;Microchip – QML-V\r\n"
    "DC/DC converter module;FR;unknown;9000,00;EUR;;\r\n"
    "Aluminium housing;LU;EAR99;3000,00;EUR;;Gehäuse\r\n"
).encode("cp1252")
DEAL = pcu_deal()
LISTS = {  # as typed in the list forms (the bill of materials is uploaded as a CSV file)
    key: [{k: v for k, v in e.items() if k not in ("bom", "rates")} for e in DEAL[key]]
    for key in ("m2_items", "m2_destinations", "m7_groups")
}
COMPANY = "LU-Power S.A."
SAVE_LABEL = "Save progress (download answers file)"
REPORT_LABEL = "Download the report (PDF)"
FR = "Prime SA, France (FR)"
IN = "Operator Ltd, India (IN)"


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def download(w: Wizard, label: str) -> bytes:
    with w.page.expect_download() as info:
        w.main().get_by_role("button", name=label, exact=True).click()
    return Path(info.value.path()).read_bytes()


def selected_radio(w: Wizard) -> str | None:
    group = w.main().get_by_role("radiogroup", name="Choose one")
    for radio in group.get_by_role("radio").all():
        if radio.is_checked():
            return radio.evaluate("r => r.closest('label').innerText").strip()
    return None


def walk_deal(w: Wizard, ruleset) -> list[str]:
    """Answer every page from the start page to the review page; returns the qualified ids
    shown. The items are typed into the add form, then the bill of materials is uploaded in
    PCU-200's expander; on PCU-200's doubt question the user goes Back once (to a question
    about the drawings)."""
    seen: list[str] = []
    went_back = False
    for _ in range(80):
        step = w.step()
        if step is None:
            break
        seen.append(step.id)
        # the heading is the question as the app words it for this entry
        assert step.question.en == step_for(ruleset, step.id, DEAL).question.en
        if step.id in LISTS:
            w.fill_list(step, LISTS[step.id])
            assert w.entry_names() == [e["name"] for e in LISTS[step.id]]
            if step.id == "m2_items":
                w.upload_bom("PCU-200", "pcu-200-bom.csv", BOM)
                rows = w.table()
                assert [r["Item"] for r in rows] == ["PCU-200", "US prime ICD drawings"]
                assert rows[0]["Bill of materials"] == "3 line(s)"
                assert not w.main().get_by_test_id("stAlertContentError").count()
            w.click("Next")
            continue
        if step.id == "m4_doubt@item1" and not went_back:
            went_back = True
            w.click("Back")
            prev = w.step()
            assert prev.id == "m4_item_jurisdiction@item2"
            assert w.about() == "US prime ICD drawings"
            assert selected_radio(w) == prev.label_of(DEAL[prev.id])
            w.click("Next")
            assert w.step().id == step.id
        w.answer(step, DEAL[step.id])
    assert went_back, seen
    assert w.heading() == "Check your answers", w.heading()
    return seen


def h4s(w: Wizard) -> list[str]:
    return [t.strip() for t in w.main().locator("h4").all_inner_texts()]


def test_the_pcu_deal_in_the_browser(wizard, ruleset):
    w = wizard
    w.open()
    w.start(COMPANY)
    seen = walk_deal(w, ruleset)
    # asked per item, destination and group, by name; the bill of materials answered the
    # kinds of US content and the US value, the destinations list the destination country
    bases = {q.split("@")[0] for q in seen}
    assert {"m2_activities@item1", "m2_activities@item2"} <= set(seen)
    assert {"m2_end_use@dest1", "m2_end_use@dest2"} <= set(seen)
    assert "m7_126_18d_conditions@group2" in seen and "m7_exemption_route" in seen  # once
    assert not bases & {"m4_content_kinds", "m5_us_value", "m2_destination", "m3_us_content"}

    # the review page: one heading for the whole deal, then one per item, destination, group
    headings = h4s(w)
    assert headings[0] == "The whole deal"
    for name in ("PCU-200", "US prime ICD drawings", FR, IN, "Indian engineers"):
        assert any(h.startswith(name) for h in headings), (name, headings)
    saved = parse(download(w, SAVE_LABEL))
    assert saved.company.name == COMPANY
    bom = saved.answers["m2_items"][0]["bom"]
    assert [(x["part"], x["value"]) for x in bom] == [
        ("RT4G150 rad-hard FPGA", 16000.0),
        ("DC/DC converter module", 9000.0),
        ("Aluminium housing", 3000.0),
    ]
    assert bom[2]["note"] == "Gehäuse"  # cp1252 read as cp1252
    ev = evaluate_deal(ruleset, saved.answers)
    assert ev.complete and ev.driver

    w.click("See results")
    assert w.heading() == "Results"
    text = w.main().inner_text()
    assert "Jurisdiction: ITAR" in text and "US authorisation needed: Yes" in text
    assert f"Decided by: {ev.driver}" in text
    assert ev.driver == "US prime ICD drawings"  # what decides it, not the first group
    matrix = w.table("Results per item and destination")
    pcu = sorted((r["Item"], r["Destination"]) for r in matrix if r["Item"] == "PCU-200")
    assert pcu == [("PCU-200", IN), ("PCU-200", FR)]
    assert all(r["US authorisation needed"] == "No" for r in matrix if r["Item"] == "PCU-200")
    drawings = [r for r in matrix if r["Item"] == "US prime ICD drawings"]  # its groups folded
    assert len(drawings) == 1 and drawings[0]["US authorisation needed"] == "Yes"
    access = {r["Group"]: r["Access"] for r in w.table("Who may see the US technical data")}
    assert access["Chinese national resident in Luxembourg"].startswith("Barred")
    assert access["Indian engineers"].startswith("Must be named")
    assert access["EU engineers"].startswith("Allowed under 22 CFR 126.18 only if")
    # a de minimis line of its own for each destination
    calc = [flat(t) for t in w.main().get_by_test_id("stText").all_inner_texts()]
    for dest, code in ((FR, "FR"), (IN, "IN")):
        line = [c for c in calc if c.startswith(f"PCU-200 → {dest}: De minimis")]
        assert len(line) == 1, (dest, calc)
        assert "= 13.3 %" in line[0] and f"25 % level for {code}" in line[0]

    pdf = download(w, REPORT_LABEL)
    report = flat(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert COMPANY in report
    matrix_part = report[report.index("Results per item, destination and group") :]
    for dest in (FR, IN):
        assert f"PCU-200 {dest}" in matrix_part, dest
    access_part = report[report.index("Who may see the US technical data") :]
    assert re.search(r"Chinese national resident in Luxembourg .{0,80}Barred", access_part)
    assert re.search(r"Indian engineers .{0,80}Must be named", access_part)
    sheets = report[report.index("De minimis worksheets") :]
    fr_at, in_at = sheets.index(f"PCU-200 → {FR}"), sheets.index(f"PCU-200 → {IN}")
    assert fr_at < in_at
    for sheet, code in ((sheets[fr_at:in_at], "FR"), (sheets[in_at:], "IN")):
        assert "RT4G150 rad-hard FPGA 9A515.e.1" in sheet, code
        assert f"would need a US licence to {code}: counted" in sheet
        assert "Share: 13.3 % · De minimis level: 25 %" in sheet, code
    assert "Aluminium housing EAR99" in sheets[fr_at:in_at]  # the lines that never count

    # a reload (the ?draft= link) resumes the whole deal: the lists and every answer
    w.page.wait_for_url(re.compile(r"[?&]draft=[A-Za-z0-9_-]{32}"))
    w.page.reload()
    w.wait_run(0)
    w.page.get_by_role("heading", name="Results", exact=True).wait_for()
    w.settle()
    resumed = parse(download(w, SAVE_LABEL))
    assert canonical(ruleset, resumed.answers) == canonical(ruleset, saved.answers)
    w.click("Back to your answers")
    items = ruleset.steps["m2_items"]
    w.click("Change " + items.question.en)
    assert w.step().id == "m2_items"
    assert w.entry_names() == ["PCU-200", "US prime ICD drawings"]
    assert w.table()[0]["Bill of materials"] == "3 line(s)"
    w.click("Next")
    assert w.heading() == "Check your answers"


HOSTILE = "<b>x</b> & *y*"


def to_hostile_item_question(w: Wizard) -> None:
    """Start, add an item named ``HOSTILE`` and go on to its first question."""
    w.open()
    w.start("Markup Test SA")
    step = w.answer_until(lambda s: s.id == "m2_items", DEAL, most=5)
    assert step.id == "m2_items"
    w.fill_list(step, [{"id": "item1", "name": HOSTILE, "kind": "us_item"}])
    assert w.entry_names() == [HOSTILE]
    assert w.table()[0]["Item"] == HOSTILE
    w.click("Next")


def test_a_hostile_item_name_is_shown_as_text(wizard):
    w = wizard
    to_hostile_item_question(w)
    asked = w.step()
    assert asked.id == "m2_activities@item1"
    assert w.about() == HOSTILE
    assert asked.question.en == f"What do you do with {HOSTILE}?"
    heading = w.main().locator("h2").first
    assert not heading.locator("b, strong, em").count()


def test_no_part_of_a_hostile_item_name_is_drawn_as_markup(wizard):
    w = wizard
    to_hostile_item_question(w)
    main = w.main()
    assert not main.locator("b, strong, em").filter(has_text=re.compile("^[xy]$")).count()


def test_the_review_page_names_every_entry_of_a_list(wizard):
    w = wizard
    example = Path(__file__).resolve().parents[2] / "examples"
    w.open()
    region = w.main().get_by_role(
        "region", name="Upload a PDF report of this tool or an answers file to continue"
    )
    files = str(example / "deal_pcu_france_india_mixed_team.yaml")
    w.act(lambda: region.locator("input[type=file]").set_input_files(files))
    w.page.get_by_text("Check your answers").first.wait_for()
    text = w.main().inner_text()
    assert "PCU-200; US prime ICD drawings" in text
    assert "Prime SA; Operator Ltd" in text
