"""Answers file format 2 (a deal): layout, round trip, migration of format 1, limits."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from compliance_app.dossier.answers import (
    MAX_BOM_LINES,
    MAX_BYTES,
    AnswersError,
    AnswersFile,
    Company,
    RulesetRef,
    dump,
    migrate_file,
    parse,
)
from compliance_app.dossier.answers_layout import BOM_COLUMNS, LISTS, to_layout
from compliance_app.engine.deal_migrate import evaluate_case
from compliance_app.engine.deal_results import evaluate_deal
from compliance_app.rulebase.loader import load_ruleset

ROOT = Path(__file__).resolve().parent.parent
RULESET = load_ruleset()
REF = RulesetRef(id="itar-ear-selfassessment", version="1.0.0")

LINE = {
    "part": "FPC-9",
    "origin": "US",
    "classification": "9A515.x",
    "value": 1200.5,
    "currency": "USD",
    "licence_to": "all",
    "note": "",
}


def deal_answers() -> dict:
    return {
        "m1_country": "LU",
        "m2_items": [
            {
                "id": "item1",
                "name": "PCU-200",
                "kind": "own_product",
                "description": "",
                "bom": [LINE, {**LINE, "part": 'A, "quoted"\npart', "value": None}],
                "rates": {"USD": 0.86},
            },
            {
                "id": "item2",
                "name": "ICDs",
                "kind": "us_data",
                "description": "",
                "bom": [],
                "rates": {},
            },
        ],  # fmt: skip
        "m2_destinations": [
            {
                "id": "dest1",
                "name": "Prime SA",
                "country": "FR",
                "role": "customer",
                "items": ["item1"],
            },
        ],  # fmt: skip
        "m7_groups": [
            {
                "id": "group1",
                "name": "Indian engineers",
                "citizenships": ["IN"],
                "residences": ["LU"],
                "employment": "employees",
                "people": 6,
            },
        ],  # fmt: skip
        "m3_us_content@item1": "yes",
        "m2_end_use@dest1": "civil",
        "m2_end_use@home": "civil",
        "m5_us_value@item1+dest1": 84000.0,
        "m5_us_value@item2+home": "idk",
        "m7_exemption_route@group1": "idk",
        "m3_us_content@item9": "no",  # an item removed since: kept
        "x@item1+dest1+group1": ["a"],
        "weird@dest1+item1": "kept as is",
        "not_a_rule_step": "kept",
    }


def af(answers: dict, company: Company | None = None) -> AnswersFile:
    return AnswersFile(ruleset=REF, company=company or Company(), answers=answers)


def test_the_file_sections_name_the_rule_base_list_steps():
    deal = RULESET.meta.deal
    assert LISTS == {"items": deal.items, "destinations": deal.destinations,
                     "groups": deal.groups}  # fmt: skip


def test_a_deal_is_laid_out_by_what_each_answer_is_about():
    text = dump(af(deal_answers())).decode()
    assert "format_version: 2\n" in text
    layout = to_layout(deal_answers())
    assert list(layout) == [
        "answers", "items", "destinations", "groups", "home", "per_item_and_destination",
    ]  # fmt: skip
    assert layout["items"][0]["answers"] == {"m3_us_content": "yes"}
    assert "bom" not in layout["items"][0]
    assert layout["items"][0]["bill_of_materials"].startswith(",".join(BOM_COLUMNS) + "\n")
    assert "  bill_of_materials: |" in text  # a literal block: one CSV line per line
    assert layout["items"][1]["bom"] == []  # an empty bill stays as the entry holds it
    assert layout["destinations"][0]["answers"] == {"m2_end_use": "civil"}
    assert layout["groups"][0]["answers"] == {"m7_exemption_route": "idk"}
    assert layout["home"] == {"answers": {"m2_end_use": "civil"}}
    assert layout["per_item_and_destination"] == [
        {"item": "item1", "destination": "dest1", "answers": {"m5_us_value": 84000.0}},
        {"item": "item2", "destination": "home", "answers": {"m5_us_value": "idk"}},
        {"item": "item1", "destination": "dest1", "group": "group1", "answers": {"x": ["a"]}},
    ]
    kept = layout["answers"]
    assert kept["m3_us_content@item9"] == "no"
    assert kept["weird@dest1+item1"] == "kept as is"
    assert kept["not_a_rule_step"] == "kept"


def test_round_trip_of_a_deal_is_exact_and_stable():
    a = af(deal_answers(), Company(name="Müller & Söhne"))
    data = dump(a)
    assert parse(data) == a
    assert dump(parse(data)) == data
    pieces: dict = {}
    assert dump(a, pieces) == data
    assert dump(a, pieces) == data  # from the pieces


ids = st.sampled_from(["item1", "item2", "item3", "dest1", "dest2", "home", "group1", "zz", ""])
text = st.one_of(
    st.sampled_from(["", "yes", "no", "on", "a\nb", "a\x85b", " lead", "trail ", 'é,"x"']),
    st.text(max_size=30),
)
value = st.one_of(
    text, st.floats(allow_nan=False, allow_infinity=False), st.lists(text, max_size=3)
)
step = st.sampled_from(["m3_us_content", "m5_us_value", "m2_end_use", "free"])
qualifier = st.lists(ids, min_size=0, max_size=3).map("+".join)
bom_line = st.fixed_dictionaries(
    {
        "part": text.filter(bool),
        "origin": st.sampled_from(["US", "FR", "unknown"]),
        "classification": text,
        "value": st.one_of(st.none(), st.floats(min_value=0, allow_infinity=False)),
        "currency": st.sampled_from(["EUR", "USD"]),
        "licence_to": text,
        "note": text,
    }
)


@st.composite
def deals(draw) -> dict:
    answers: dict = {}
    n_items = draw(st.integers(0, 3))
    if draw(st.booleans()):
        answers["m2_items"] = [
            {"id": f"item{i}", "name": draw(text.filter(str.strip)), "kind": "own_product",
             "description": draw(text), "bom": draw(st.lists(bom_line, max_size=3)),
             "rates": {"USD": 0.9}}
            for i in range(1, n_items + 1)
        ]  # fmt: skip
    if draw(st.booleans()):
        answers["m2_destinations"] = [
            {"id": "dest1", "name": "P", "country": "FR", "role": "customer", "items": ["item1"]}
        ][: draw(st.integers(0, 1))]
    if draw(st.booleans()):
        answers["m7_groups"] = [{"id": "group1", "name": "G", "citizenships": ["IN"]}]
    for _ in range(draw(st.integers(0, 8))):
        q = draw(qualifier)
        answers[f"{draw(step)}@{q}" if q or draw(st.booleans()) else draw(step)] = draw(value)
    return answers


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(answers=deals())
def test_parse_dump_round_trip_holds_for_any_deal(answers):
    a = af(answers)
    data = dump(a)
    assert parse(data) == a
    assert dump(parse(data)) == data
    assert dump(a, {}) == data


def test_format_1_files_are_migrated_with_a_note_and_keep_their_result():
    olds = [p for p in sorted((ROOT / "examples").glob("*.yaml")) if not p.stem.startswith("deal_")]
    assert len(olds) == 3  # the one-case examples made before deals
    for path in olds:
        raw = path.read_bytes()
        assert b"format_version: 1" in raw
        a = parse(raw)
        assert a.format_version == 2
        assert RULESET.meta.deal.items in a.answers
        assert a.notes and "opened as a deal with one item" in a.notes[0]
        one_case = AnswersFile.model_validate(
            {**a.model_dump(mode="json"), "format_version": 1, "answers": _v1_answers(raw)}
        )
        assert migrate_file(one_case, RULESET) == a
        assert (
            evaluate_deal(RULESET, a.answers).codes()
            == evaluate_case(RULESET, one_case.answers).codes()
        )
        again = parse(dump(a))  # written as format 2: no migration, no note
        assert again.notes == [] and again.answers == a.answers


def _v1_answers(raw: bytes) -> dict:
    import yaml

    return yaml.safe_load(raw)["answers"]


def test_notes_are_never_written():
    a = parse((ROOT / "examples" / "taa_technical_data.yaml").read_bytes())
    assert a.notes
    assert b"notes" not in dump(a)
    assert "notes" not in a.model_dump(mode="json")


def test_a_format_1_answers_file_in_memory_is_still_written_as_format_1():
    one = AnswersFile(format_version=1, ruleset=REF, answers={"m1_country": "LU"})
    assert dump(one).startswith(b"format: itar-ear-answers\nformat_version: 1\n")


def test_ten_items_of_five_thousand_bill_of_materials_lines_fit():
    items = [
        {"id": f"item{i}", "name": f"P{i}", "kind": "own_product", "description": "",
         "bom": [{**LINE, "part": f"PN-{i}-{j}", "note": "x" * 10} for j in range(MAX_BOM_LINES)],
         "rates": {"USD": 0.9}}
        for i in range(1, 11)
    ]  # fmt: skip
    a = af({"m2_items": items, "m1_country": "LU"})
    data = dump(a)
    assert len(data) < MAX_BYTES
    assert parse(data) == a


HEAD = "format: itar-ear-answers\nformat_version: 2\nruleset: {id: x, version: 1.0.0}\n"


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("answers: {a@item1: x}\nitems: [{id: item1, answers: {a: y}}]\n", "given twice"),
        ("answers: {m2_items: []}\nitems: []\n", "m2_items is given twice"),
        ("answers: {}\nsurprise: 1\n", "section this tool does not know: surprise"),
        ("items: [{id: dest1}]\n", "needs an id such as item1"),
        ("items: [{id: item1, answers: {a@b: x}}]\n", "plain step ids"),
        ('items: [{id: item1, bill_of_materials: "part,value\\nP,abc\\n"}]\n', "not a number"),
        ('items: [{id: item1, bill_of_materials: "part,colour\\n"}]\n', "header"),
        ('items: [{id: item1, bill_of_materials: "part,value\\nP\\n"}]\n', "has 1 values"),
        ('destinations: [{id: dest1, bill_of_materials: ""}]\n', "cannot have"),
        ("groups: [{id: group1, answers: {m7_x: on}}]\n", "groups, 1, answers, m7_x is on"),
        ("per_item_and_destination: [{item: item1, answers: {a: on}}]\n", "read as true"),
        ("per_item_and_destination: [{item: item1, country: FR}]\n", "holds item"),
        ("home: {answers: {a: 1}, other: 2}\n", "holds only answers"),
    ],
)
def test_bad_format_2_files_are_refused_with_a_reason(body, message):
    with pytest.raises(AnswersError, match=message):
        parse((HEAD + body).encode())


def test_an_unknown_format_version_is_refused():
    with pytest.raises(AnswersError, match="format version 3"):
        parse(HEAD.replace("version: 2", "version: 3").encode())


def test_a_bill_of_materials_longer_than_an_item_holds_is_refused():
    csv_text = "part,value\\n" + "P,1\\n" * (MAX_BOM_LINES + 1)
    body = f'items: [{{id: item1, bill_of_materials: "{csv_text}"}}]\n'
    with pytest.raises(AnswersError, match=f"at most {MAX_BOM_LINES:,}"):
        parse((HEAD + body).encode())


def test_a_bill_of_materials_that_csv_cannot_hold_is_written_as_yaml_lines():
    lines = [{**LINE, "note": "carriage\rreturn"}]
    answers = {"m2_items": [{"id": "item1", "name": "P", "kind": "own_product", "bom": lines}]}
    layout = to_layout(answers)
    assert layout["items"][0]["bom"] == lines
    assert parse(dump(af(answers))) == af(answers)


def test_a_pdf_report_made_before_deals_loads_migrates_and_keeps_its_findings():
    import datetime as dt

    from compliance_app.dossier.transport import read_upload

    # made with the code before issue 10 (see tests/fixtures/README.md)
    data = (ROOT / "tests" / "fixtures" / "format1_report_taa.pdf").read_bytes()
    up = read_upload(data, "report.pdf", ruleset=RULESET)
    assert b"format_version: 1\n" in up.answers_bytes
    a = up.answers
    assert a.format_version == 2 and a.notes
    assert "opened as a deal with one item" in a.notes[0]
    assert [e["id"] for e in a.answers["m2_items"]] == ["item1"]
    ev = evaluate_deal(RULESET, a.answers, on=dt.date(2026, 11, 30))
    assert up.manifest is not None
    assert sorted(ev.codes()) == sorted(up.manifest.result.codes)
    assert ev.jurisdiction == up.manifest.result.jurisdiction
    assert ev.us_authorization_needed == up.manifest.result.us_authorization_needed
    assert ev.matrix and ev.matrix[0].item == a.answers["m2_items"][0]["name"]


def test_a_review_signed_before_deals_still_covers_the_migrated_answers():
    import datetime as dt

    from compliance_app.dossier import review_flow
    from compliance_app.dossier.review_diff import answers_diff
    from compliance_app.dossier.transport import read_upload

    data = (ROOT / "tests" / "fixtures" / "format1_reviewed_payload.pdf").read_bytes()
    up = read_upload(data, "reviewed.pdf", ruleset=RULESET)
    review, a = up.review, up.answers
    assert review is not None and review.reviewed is not None
    assert review.reviewed.format_version == 1 and a.format_version == 2 and a.notes
    ev = evaluate_deal(RULESET, a.answers, on=dt.date(2026, 11, 30))
    assert review_flow.valid_for(review, a)
    assert review_flow.covers(review, a, ev)
    assert answers_diff(RULESET, review.reviewed, a) == []
    # one answer changed after the review: no longer covered, and the change is named
    changed = a.model_copy(update={"answers": {**a.answers, "m2_end_use@dest1": "military"}})
    assert not review_flow.valid_for(review, changed)
    diff = answers_diff(RULESET, review.reviewed, changed)
    assert [c.step for c in diff] == ["m2_end_use@dest1"]
    assert "(Destination, India (IN))" in diff[0].question


def test_the_example_in_the_format_documentation_is_read_and_written_back_as_it_is():
    doc = (ROOT / "docs" / "answers-format.md").read_text(encoding="utf-8")
    part = doc[doc.index("### A complete small example") :]
    start = part.index("```yaml\n") + len("```yaml\n")
    text = part[start : part.index("```", start)]
    a = parse(text.encode())
    assert a.notes == [] and dump(a).decode() == text
    assert a.answers["m5_us_value@item1+dest1"] == 1032.0
    assert a.answers["m2_items"][0]["bom"][0]["classification"] == "9A515.x"
    assert len(evaluate_deal(RULESET, a.answers).matrix) == 2
