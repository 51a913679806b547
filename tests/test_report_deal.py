"""The PDF report of a deal (issue 10): overview, results matrix, access table, About lines,
readable Why lines, de minimis worksheets, hostile names; checked as extracted text (pypdf).

The deal: PCU-200 (own product, US 9x515 content) sold to Prime SA in France and to an operator
in India; ICD drawings (US technical data received, ITAR) that stay in Luxembourg and are seen
by EU, Indian and Chinese engineers. Names carry markup characters, a right-to-left override
and characters the font cannot draw.
"""

from __future__ import annotations

import io
import warnings
from pathlib import Path

import pypdf
import pytest
from pydantic import ValidationError

from compliance_app.dossier.answers import AnswersFile, Company, RulesetRef
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.engine.results import Evaluation, MatrixRow
from compliance_app.report.builder import build_pdf
from compliance_app.report.deal_section import ACCESS_TEXT
from compliance_app.report.style import AUTHORIZATION, JURISDICTION
from compliance_app.report.text import TextSanitizer
from compliance_app.rulebase.loader import load_ruleset

ROOT = Path(__file__).resolve().parent.parent

ITEM2 = 'ICD <drawings> & "rev B"'
OPERATOR = "Operator \u202eNI & <b>Co</b> \U0001f680"
GROUP3 = "Chinese engineers 工程师"
COMPANY = "Alzette & <Avionics> S.A."
D18 = ["regular_employees", "named_party", "in_territory", "nda_or_signatory", "no_hardware"]

ANSWERS: dict[str, object] = {
    "m1_country": "LU",
    "m2_items": [
        {"id": "item1", "name": "PCU-200", "kind": "own_product", "description": "Power unit"},
        {
            "id": "item2",
            "name": ITEM2,
            "kind": "us_data",
            "description": "Interface drawings from the US bus maker",
        },
    ],
    "m2_destinations": [
        {
            "id": "dest1",
            "name": "Prime SA",
            "country": "FR",
            "role": "customer",
            "items": ["item1"],
        },
        {"id": "dest2", "name": OPERATOR, "country": "IN", "role": "end_user", "items": ["item1"]},
    ],
    "m7_groups": [
        {
            "id": "group1",
            "name": "EU engineers",
            "citizenships": ["FR", "LU"],
            "residences": ["LU"],
        },
        {
            "id": "group2",
            "name": "Indian engineers",
            "citizenships": ["IN"],
            "residences": ["LU"],
            "people": 6,
        },
        {"id": "group3", "name": GROUP3, "citizenships": ["CN"], "residences": ["LU"]},
    ],
    "m1_us_owned": "not_us_owned",
    "m1_icp": "written",
    "m2_activities@item1": ["sell_own_product"],
    "m2_activities@item2": ["receive_us_info", "give_access"],
    "m2_other_countries@dest1": [],
    "m2_other_countries@dest2": [],
    "m2_other_countries@home": [],
    "m2_end_use@dest1": "government_civil",
    "m2_end_use@dest2": "government_civil",
    "m2_end_use@home": "government_civil",
    "m2_already_happened": "no",
    "m3_us_content@item1": "yes",
    "m3_us_technology@item1": "none",
    "m3_info_sources@item2": ["us_company"],
    "m3_us_persons": "no",
    "m6_info_content@item2": "technical",
    "m4_item_jurisdiction@item2": "itar",
    "m4_content_kinds@item1": ["ear_9x515_ax", "ear99"],
    "m4_doubt@item1": "no",
    "m4_sme@item2": "no",
    "m5_us_value@item1+dest1": 84000.0,
    "m5_us_value@item1+dest2": 84000.0,
    "m5_total_value@item1": 310000.0,
    "m5_product_eccn@item1": "eccn_9x515_ax",
    "m5_product_licence@item1+dest1": "yes",
    "m5_product_licence@item1+dest2": "yes",
    "m5_sta@item1+dest1": "no",
    "m5_sta@item1+dest2": "idk",
    "m7_us_provides@item2": ["technical_data", "services"],
    "m7_existing_approval@item2": "none_yet",
    "m7_exemption_route": "route_d",
    "m7_126_18d_conditions@group1": [*D18, "unclassified"],
    "m7_126_18d_conditions@group2": [*D18, "unclassified"],
    "m7_cloud@item2": "no_cloud",
    "m8_screening": "no_hit",
    "m8_affiliates": "no",
    "m8_red_flags@dest1": ["none"],
    "m8_red_flags@dest2": ["none"],
    "m8_red_flags@home": ["none"],
}


def shown(text: str) -> str:
    """What the report prints for user text (substitutes for what the font cannot draw)."""
    return TextSanitizer().plain(text)


def squash(text: str) -> str:
    """No whitespace at all: table cells wrap names anywhere, even inside a word."""
    return "".join(text.split())


def answers_file(answers: dict) -> AnswersFile:
    """The deal's answers file. Until the answers file format takes list answers (another
    branch of issue 10), the model is built without validation: the report only reads it."""
    ref = RulesetRef(id=RULESET.meta.id, version=RULESET.meta.version)
    company = Company(name=COMPANY, country="LU", assessment_title="PCU-200 deal")
    try:
        return AnswersFile(ruleset=ref, company=company, answers=answers)  # type: ignore[arg-type]
    except ValidationError:
        return AnswersFile.model_construct(
            ruleset=ref, company=company, answers=answers, screening=None
        )


def build(ev: Evaluation, answers: dict | None = None) -> bytes:
    with warnings.catch_warnings():  # pydantic warns when dumping the unvalidated answers
        warnings.simplefilter("ignore", UserWarning)
        return build_pdf(RULESET.meta, answers_file(answers or ANSWERS), ev, invariant=True)


def page_texts(pdf: bytes) -> list[str]:
    return [p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages]


RULESET = load_ruleset(ROOT / "rules")


@pytest.fixture(scope="module")
def ev() -> Evaluation:
    result = evaluate_deal(RULESET, ANSWERS)
    assert result.complete, result.pending_step  # the answers above reach the end
    return result


@pytest.fixture(scope="module")
def pages(ev: Evaluation) -> list[str]:
    return page_texts(build(ev))


@pytest.fixture(scope="module")
def text(pages: list[str]) -> str:
    return "\n".join(pages)


def in_order(haystack: str, needles: list[str]) -> bool:
    """True when every needle occurs in ``haystack`` (squashed), each after the previous."""
    hay = squash(haystack)
    at = 0
    for n in needles:
        at = hay.find(squash(n), at)
        if at < 0:
            return False
        at += len(squash(n))
    return True


def test_the_deal_is_what_the_fixture_says(ev: Evaluation) -> None:
    """Guards the assertions below: the deal has a group table and a barred group."""
    assert len(ev.matrix) == 5
    assert {r.access for r in ev.matrix if r.group} >= {"barred", "named"}
    assert ev.driver == "PCU-200 → Prime SA, France (FR)"


def test_first_page_names_the_cell_that_drives_the_result(pages: list[str]) -> None:
    first = " ".join(pages[0].split())
    assert "US authorisation needed: Yes — decided by PCU-200 → Prime SA, France (FR)." in first


def test_overview_lists_items_destinations_and_groups(text: str) -> None:
    assert in_order(text, ["The deal", "Items", "PCU-200", "A product you make", "Power unit"])
    assert in_order(text, [shown(ITEM2), "US technical data or software you receive"])
    assert in_order(
        text, ["Destinations and parties", "Prime SA", "France (FR)", "Customer (buyer)", "PCU-200"]
    )
    assert in_order(text, [shown(OPERATOR), "India (IN)", "End user", "PCU-200"])
    assert in_order(text, ["stay in the company's country", shown(ITEM2)])
    assert in_order(
        text,
        ["People who would see US technical data", "EU engineers", "France (FR), Luxembourg (LU)"],
    )
    assert in_order(text, ["Indian engineers", "India (IN)", "Luxembourg (LU)", "6"])
    assert in_order(text, [shown(GROUP3), "China (CN)", "Regular employees", "(not given)"])


def test_matrix_has_a_row_per_cell_with_finding_titles(ev: Evaluation, text: str) -> None:
    titles = {f.code: f.title for f in ev.findings}
    section = text[text.index("Results per item, destination and group") :]
    for r in ev.matrix:
        row = [shown(r.item), shown(r.destination)] + ([shown(r.group)] if r.group else [])
        row += [JURISDICTION[r.jurisdiction][0], AUTHORIZATION[r.us_authorization_needed][0]]
        row += [titles[c] for c in r.authorisations + r.causes]
        assert in_order(section, row), row
    assert "AUTH_TAA" not in squash(section[: section.index("Findings")])  # titles, not codes


def test_access_table_says_who_may_see_the_data_citing_the_finding(
    ev: Evaluation, text: str
) -> None:
    section = text[text.index("Who may see the US technical data") :]
    for r in ev.matrix:
        if r.group:
            assert in_order(section, [shown(r.group), shown(r.item), ACCESS_TEXT[r.access][0]])
    barred = next(f for f in ev.findings if f.code == "STAFF_126_1_NATIONALITY")
    assert in_order(
        section, [shown(GROUP3), "Barred.", "may not see", f"See the finding “{barred.title}”"]
    )
    assert in_order(section, ["Indian engineers", "Must be named in the US authorisation."])


def test_every_finding_says_what_it_is_about(ev: Evaluation, text: str) -> None:
    findings = text[text.index("Ordered by severity") :]
    for f in ev.findings:
        about = "; ".join(shown(a) for a in f.about) if f.about else "the whole deal"
        assert in_order(findings, [f"{f.code} — {f.title}", f"About: {about}"]), f.code
    assert any(not f.about for f in ev.findings)  # KEEP_RECORDS is about the whole deal


def test_open_questions_and_answers_say_what_they_are_about(ev: Evaluation, text: str) -> None:
    questions = text[text.index("Take them to your") : text.index("Ordered by severity")]
    assert ev.open_questions
    for q in ev.open_questions:
        assert in_order(questions, [shown(q.question), f"About: {shown(q.about)}"])
    appendix = text[text.index("Appendix: questions and answers") :]
    for i, t in enumerate(ev.trail, start=1):
        about = shown(t.about) if t.about else "the whole deal"
        assert in_order(appendix, [f"Q{i}. {shown(t.question)}", f"About: {about}"]), t.step_id


def test_why_lines_name_qualified_steps_by_what_they_are_about(ev: Evaluation, text: str) -> None:
    qnum = {t.step_id: i for i, t in enumerate(ev.trail, start=1)}
    flat = " ".join(text.split())
    findings = flat[flat.index("Ordered by severity") : flat.index("Appendix: questions")]
    assert findings.count("Why: rule") >= len(ev.findings) - 2
    assert "@" not in findings  # no raw qualified id in the Why lines
    n = qnum["m5_us_value@item1+dest1"]
    assert f"m5_us_value for PCU-200 → Prime SA, France (FR) (Q{n}) = “84,000" in flat


def test_hostile_names_are_printed_as_text(text: str) -> None:
    for name in (ITEM2, OPERATOR, GROUP3, COMPANY):
        assert squash(shown(name)) in squash(text), name
    assert "[U+202E]" in text  # the right-to-left override is shown, not obeyed
    assert "Some characters could not be drawn" in text


WS_UNKNOWN = {
    "item": "PCU-200",
    "destination": "IN",
    "destination_label": OPERATOR + ", India (IN)",
    "currency": "EUR",
    "total_value": 310000.0,
    "lines": [
        {
            "number": 1,
            "part": "Focal-plane <controller> & co",
            "classification": "9A515.x",
            "kind": "ear_9x515_ax",
            "value_in_currency": 84000.0,
            "counts": "yes",
            "reason": "US-origin 9A515.x content that needs a licence to India.",
        },
        {
            "number": 2,
            "part": "DC/DC converter",
            "classification": "",
            "kind": "idk",
            "value_in_currency": None,
            "counts": "unknown",
            "reason": "The classification of this US part is not known.",
        },
    ],
    "counted_value": 84000.0,
    "unknown_lines": 1,
    "level": 25.0,
    "percent": None,
    "status": "unknown",
    "explanation": "Counted so far 84,000.00 EUR; 1 line is not known.",
    "section": "15 CFR 734.4(d)",
}
WS_EXCEEDED = WS_UNKNOWN | {
    "destination": "FR",
    "destination_label": "Prime SA, France (FR)",
    "lines": WS_UNKNOWN["lines"][:1],
    "unknown_lines": 0,
    "percent": 27.1,
    "status": "exceeded",
    "explanation": "27.1 % is above the 25 % level.",
}


def test_worksheets_print_lines_sum_percentage_level_and_status(ev: Evaluation) -> None:
    broken = {"destination": "DE", "lines": "not a list", "status": 3}  # missing keys
    sheets = [WS_EXCEEDED, WS_UNKNOWN, broken]
    text = "\n".join(page_texts(build(ev.model_copy(update={"worksheets": sheets}))))
    section = text[text.index("De minimis worksheets") :]
    assert in_order(
        section,
        ["PCU-200 → Prime SA, France (FR)", "1", shown("Focal-plane <controller> & co")]
        + ["9A515.x", "84,000.00 EUR", "Counted", "needs a licence to India"]
        + ["Counted US content: 84,000.00 EUR", "Value of the product: 310,000.00 EUR"]
        + ["Share: 27.1 %", "De minimis level: 25 %", "Section: 15 CFR 734.4(d)"]
        + ["Status: Above the de minimis level"],
    )
    unknown = section[section.index(squash(shown(OPERATOR))[:8]) :]
    assert in_order(
        unknown,
        ["DC/DC converter", "not known", "Unknown", "Share: not calculated"]
        + ["Status: Indeterminate", "This is not a pass", "Unknown lines"]
        + ["Line 2: DC/DC converter. The classification of this US part is not known."],
    )
    assert "At or below" not in section  # an indeterminate worksheet is never a pass
    assert in_order(section, ["Germany (DE)", "no lines", "Status: Indeterminate"])


def test_a_long_matrix_splits_across_pages_with_its_header(ev: Evaluation) -> None:
    name = "Long product name " + "x" * 100  # 118 characters, a word too long for its column
    rows = [
        MatrixRow(
            item=f"{name} {i}",
            destination=f"Party {i}, India (IN)",
            group="Indian engineers" if i % 2 else "",
            jurisdiction="EAR",
            us_authorization_needed="yes",
            authorisations=["AUTH_BIS_LICENSE"],
            causes=["SUBJECT_EAR_DE_MINIMIS_EXCEEDED"],
            access="named" if i % 2 else "",
        )
        for i in range(60)
    ]
    pages = page_texts(build(ev.model_copy(update={"matrix": rows})))
    with_header = [p for p in pages if "Whatcausesthem" in squash(p)]
    assert len(with_header) >= 3  # the header is repeated on every page of the table
    body = squash("\n".join(pages))
    for i, r in enumerate(rows):  # a row may split across pages: its parts are all there
        assert squash(f"xxxxx {i}") in body and squash(r.destination) in body
    assert body.count("Longproductname") == len(rows) + sum(1 for r in rows if r.group)


def test_a_one_case_evaluation_has_no_deal_sections(ev: Evaluation) -> None:
    single = ev.model_copy(update={"matrix": [], "driver": ""})
    text = "\n".join(page_texts(build(single)))
    assert "The deal" not in text and "Results per item" not in text
    assert "decided by" not in text and "About:" not in text
